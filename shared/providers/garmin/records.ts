/**
 * Garmin summaries as records for the records store: what a push carries inline and what a
 * ping's callback answers. Each record is filed under the instant Garmin's own reads filter by
 * (an activity's start; a night's and a day's calendar date, at UTC midnight), so a stored read
 * answers what a pull would.
 */
import type * as z from '../../zod';
import type { DeliveredRecords } from '../spi';
import { bodyCompDate, sleepDate, toActivity, toHealthMetrics, toRecoveryMetrics, toSleepSession } from './mapping';
import { ActivitySummarySchema, BodyCompSummarySchema, DailySummarySchema, HrvSummarySchema, SleepSummarySchema } from './schemas';

const dayInstant = (date: string) => `${date}T00:00:00.000Z`;

/** Parses what it can: one malformed summary must not lose the others. */
function each<T>(schema: z.ZodMiniType<T>, summaries: readonly unknown[]): T[] {
  return summaries.flatMap((raw) => {
    const parsed = schema.safeParse(raw);
    return parsed.success ? [parsed.data] : [];
  });
}

type Convert = (summaries: readonly unknown[]) => DeliveredRecords[];

const activities: Convert = (raw) => [
  {
    resource: 'activities',
    records: each(ActivitySummarySchema, raw)
      .map((s) => toActivity(s))
      .map((a) => ({ id: a.id, at: a.start_date, value: a })),
  },
];

/** The summary types stored, by Garmin's notification key (others, such as epochs, are not kept). */
const CONVERTERS: Readonly<Record<string, Convert>> = {
  activities,
  manuallyUpdatedActivities: activities,
  sleeps: (raw) => [
    { resource: 'sleep', records: each(SleepSummarySchema, raw).map((s) => ({ id: s.summaryId, at: dayInstant(sleepDate(s)), value: toSleepSession(s) })) },
  ],
  dailies: (raw) => {
    const dailies = each(DailySummarySchema, raw);
    return [
      { resource: 'recovery', partial: true, records: toRecoveryMetrics(dailies, []).map((r) => ({ id: r.date, at: dayInstant(r.date), value: r })) },
      { resource: 'health_metrics', partial: true, records: toHealthMetrics(dailies, []).map((h) => ({ id: h.date, at: dayInstant(h.date), value: h })) },
    ];
  },
  hrv: (raw) => [
    {
      resource: 'recovery',
      partial: true,
      records: toRecoveryMetrics([], each(HrvSummarySchema, raw)).map((r) => ({ id: r.date, at: dayInstant(r.date), value: r })),
    },
  ],
  bodyComps: (raw) => {
    const bodyComps = each(BodyCompSummarySchema, raw);
    const days = new Set(bodyComps.map(bodyCompDate));
    return [
      {
        resource: 'health_metrics',
        partial: true,
        records: toHealthMetrics([], bodyComps)
          .filter((h) => days.has(h.date))
          .map((h) => ({ id: h.date, at: dayInstant(h.date), value: h })),
      },
    ];
  },
};

/** The records of summaries of one notification type; none for a type the store does not keep. */
export function recordsOfSummaries(summaryType: string, summaries: readonly unknown[]): DeliveredRecords[] {
  const convert = Object.hasOwn(CONVERTERS, summaryType) ? CONVERTERS[summaryType] : undefined;
  return convert ? convert(summaries).filter((batch) => batch.records.length > 0) : [];
}

/** The summary type a ping's callback URL pulls: the last path segment under the API base (`.../rest/activities`). */
export function summaryTypeOfCallback(callbackUrl: string, apiBaseUrl: string): string | undefined {
  const base = new URL(apiBaseUrl).pathname.replace(/\/$/, '');
  const path = new URL(callbackUrl).pathname;
  if (!path.startsWith(`${base}/`)) return undefined;
  const rest = path.slice(base.length + 1);
  return /^[A-Za-z]+$/.test(rest) ? rest : undefined;
}
