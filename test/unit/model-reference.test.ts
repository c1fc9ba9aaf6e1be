/** Every field of the unified model says its unit and meaning, and docs/model.md shows exactly that. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as z from '../../shared/zod';
import { MODEL_SCHEMAS, modelReference } from '../../shared/models/reference';

const MODEL_DOC = readFileSync(new URL('../../docs/model.md', import.meta.url), 'utf8');

describe('the model reference', () => {
  it('has a description for every field of every model', () => {
    for (const [title, schema] of MODEL_SCHEMAS) {
      expect(z.globalRegistry.get(schema)?.description, title).toBeTruthy();
      for (const [field, fieldSchema] of Object.entries(schema.shape as Record<string, z.ZodMiniType>)) {
        expect(z.globalRegistry.get(fieldSchema)?.description?.length ?? 0, `${title}.${field}`).toBeGreaterThan(5);
      }
    }
  });

  it('names units in the descriptions of numeric fields', () => {
    const UNIT =
      /seconds|metres|meters|bpm|beats per minute|per second|watts|kilocalories|kilograms|percent|0-100|0-21|Celsius|mmHg|mg\/dL|kg\/m²|degrees|per minute|millilitres|milliseconds|breaths|Number of|Steps|Times|TSS|index|Offset|unit|Relative Effort/i;
    for (const [title, schema] of MODEL_SCHEMAS) {
      for (const [field, fieldSchema] of Object.entries(schema.shape as Record<string, z.ZodMiniType>)) {
        const json = z.toJSONSchema(fieldSchema, { io: 'output', unrepresentable: 'any' }) as { type?: unknown; anyOf?: { type?: unknown }[] };
        const types = [json.type, ...(json.anyOf ?? []).map((v) => v.type)].flat();
        if (types.includes('number') || types.includes('integer')) expect(z.globalRegistry.get(fieldSchema)?.description, `${title}.${field}`).toMatch(UNIT);
      }
    }
  });

  it('is in docs/model.md as generated (npm run docs:model)', () => {
    const section = /<!-- model-reference:start -->\n([\s\S]*?)<!-- model-reference:end -->/.exec(MODEL_DOC)?.[1];
    expect(section).toBe(modelReference());
  });
});
