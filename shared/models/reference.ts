/**
 * The model reference as Markdown, from the zod schemas' own descriptions: docs/model.md's
 * "Model reference" section is this text (`npm run docs:model` writes it, and a test keeps
 * the page equal to it).
 */
import * as z from '../zod';
import { ActivitySchema, HeartRateZoneSchema, LapSchema } from './activity';
import { AthleteSchema } from './athlete';
import { HealthMetricsSchema, RecoveryMetricsSchema, SleepSessionSchema, SleepStageSchema } from './health';
import { PersonalRecordSchema, StatsSchema, TotalsSchema } from './stats';

export const MODEL_SCHEMAS: ReadonlyArray<readonly [string, z.ZodMiniObject]> = [
  ['Activity', ActivitySchema],
  ['HeartRateZone (in `heart_rate_zones`)', HeartRateZoneSchema],
  ['Lap (`GET /activities/{provider}/{id}/laps`)', LapSchema],
  ['Athlete', AthleteSchema],
  ['SleepSession', SleepSessionSchema],
  ['SleepStage (in `stages`)', SleepStageSchema],
  ['RecoveryMetrics', RecoveryMetricsSchema],
  ['HealthMetrics', HealthMetricsSchema],
  ['Stats', StatsSchema],
  ['Totals (in `Stats`)', TotalsSchema],
  ['PersonalRecord', PersonalRecordSchema],
];

/** The JSON type of a field, as a reader sees it (`number or null`, `enum`). */
function typeOf(schema: z.ZodMiniType): string {
  const json = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  const variants = (json['anyOf'] as Record<string, unknown>[] | undefined) ?? [json];
  const names = variants.map((v) => {
    if (v['enum']) return 'enum';
    if (v['type'] === 'array') return 'array';
    if (v['type'] === 'string' && v['format']) return `${String(v['format'])}`;
    return v['type'] ?? 'object';
  });
  return [...new Set(names.flat().map(String))].join(' or ');
}

function descriptionOf(schema: z.ZodMiniType): string {
  return (z.globalRegistry.get(schema)?.description ?? '').replaceAll('|', '\\|');
}

export function modelReference(): string {
  const out: string[] = [];
  for (const [title, schema] of MODEL_SCHEMAS) {
    out.push(`#### ${title}`, '', `${descriptionOf(schema)}.`, '', '| Field | Type | Unit and meaning |', '|---|---|---|');
    for (const [field, fieldSchema] of Object.entries(schema.shape as Record<string, z.ZodMiniType>)) {
      out.push(`| \`${field}\` | ${typeOf(fieldSchema)} | ${descriptionOf(fieldSchema)} |`);
    }
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
