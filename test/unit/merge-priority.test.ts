/**
 * The merge of provider=all as a pure function, for every merged kind (activities, sleep,
 * recovery), under any source priority: the order is respected, nothing that is not a duplicate
 * is lost, `also_from` names exactly the providers merged into a copy, and no two kept records
 * are the same.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MERGE_KINDS, mergeRecords, sameRecoveryDay, sameSleep, SLEEP_OVERLAP_SHARE, type MergeKind } from '../../shared/app/merge';
import { MERGED_RESOURCES } from '../../shared/app/source-priority';
import { RESOURCES } from '../../shared/resources';
import { ActivitySchema, endDateOf, RecoveryMetricsSchema, SleepSessionSchema, type RecoveryMetrics, type SleepSession } from '../../shared/models';

const PROVIDERS = ['garmin', 'strava', 'whoop', 'fitbit'] as const;
const BASE = Date.UTC(2026, 10, 20);
const iso = (ms: number) => new Date(ms).toISOString();

const sleep = (provider: string, id: string, startMs: number, hours: number, extra: Partial<SleepSession> = {}): SleepSession =>
  SleepSessionSchema.parse({
    id,
    provider,
    start_date: iso(startMs),
    end_date: iso(startMs + hours * 3_600_000),
    time_in_bed_seconds: hours * 3600,
    stage_totals: {},
    ...extra,
  });
const day = (provider: string, date: string, extra: Partial<RecoveryMetrics> = {}): RecoveryMetrics =>
  RecoveryMetricsSchema.parse({ provider, date, ...extra });

type Spec = { provider: (typeof PROVIDERS)[number]; offsetMin: number; lengthMin: number; filled: number };
const spec = (maxOffsetMin: number, minLength: number, maxLength: number) =>
  fc.record({
    provider: fc.constantFrom(...PROVIDERS),
    offsetMin: fc.integer({ min: 0, max: maxOffsetMin }),
    lengthMin: fc.integer({ min: minLength, max: maxLength }),
    filled: fc.integer({ min: 0, max: 3 }),
  });
/** Any order: a subset of the providers in any sequence. */
const anOrder = fc.uniqueArray(fc.constantFrom(...PROVIDERS), { maxLength: PROVIDERS.length });

const builders = {
  activities: (s: Spec, i: number) => {
    const start = iso(BASE + s.offsetMin * 60_000);
    return ActivitySchema.parse({
      id: `a${i}`,
      provider: s.provider,
      name: 'Run',
      sport_type: 'run',
      start_date: start,
      end_date: endDateOf(start, s.lengthMin * 60),
      duration_seconds: s.lengthMin * 60,
      distance_meters: s.filled > 0 ? 1000 : null,
      average_heart_rate: s.filled > 1 ? 140 : null,
      calories: s.filled > 2 ? 500 : null,
    });
  },
  sleep: (s: Spec, i: number) =>
    sleep(s.provider, `s${i}`, BASE + s.offsetMin * 60_000, s.lengthMin / 60, {
      sleep_score: s.filled > 0 ? 80 : null,
      hrv_rmssd_ms: s.filled > 1 ? 50 : null,
      respiratory_rate: s.filled > 2 ? 14 : null,
    }),
  recovery: (s: Spec) =>
    day(s.provider, iso(BASE + Math.floor(s.offsetMin / 1440) * 86_400_000).slice(0, 10), {
      recovery_score: s.filled > 0 ? 70 : null,
      resting_heart_rate: s.filled > 1 ? 50 : null,
      hrv_rmssd_ms: s.filled > 2 ? 60 : null,
    }),
};
const specs = {
  activities: spec(6 * 60, 1, 120),
  sleep: spec(3 * 1440, 10, 11 * 60),
  recovery: spec(5 * 1440, 1, 1),
};

type Record = { provider: string; also_from?: string[] | undefined };
const identityOf = (kind: MergeKind<Record>, r: Record) => `${r.provider}/${kind.key(r)}`;

function checkMerge(kind: MergeKind<Record>, all: Record[], order: readonly string[]) {
  const lists = PROVIDERS.map((p) => all.filter((r) => r.provider === p));
  const merged = mergeRecords(lists, kind, order);
  const rank = (p: string) => (order.includes(p) ? order.indexOf(p) : order.length);
  const byIdentity = new Map(all.map((r) => [identityOf(kind, r), r]));
  const kept = new Set(merged.map((r) => identityOf(kind, r)));
  // Kept records are given ones, unchanged but for also_from, newest first.
  for (const { also_from: _, ...r } of merged) expect(byIdentity.get(identityOf(kind, r))).toEqual(r);
  const starts = merged.map((r) => kind.startMs(r));
  expect(starts).toEqual([...starts].sort((a, b) => b - a));
  // No two kept records are the same.
  for (let i = 0; i < merged.length; i += 1) for (let j = i + 1; j < merged.length; j += 1) expect(kind.same(merged[i]!, merged[j]!)).toBe(false);
  for (const r of all) {
    const duplicates = all.filter((o) => o !== r && kind.same(o, r));
    if (duplicates.length === 0) {
      expect(kept.has(identityOf(kind, r)), 'a record without duplicates is kept').toBe(true);
      continue;
    }
    if (kept.has(identityOf(kind, r))) continue;
    // Merged away: a kept copy of it names its provider and outranks it.
    const winner = merged.find((w) => kind.same(w, r) && w.also_from!.includes(r.provider));
    expect(winner, `${identityOf(kind, r)} has a winner`).toBeDefined();
    expect(rank(winner!.provider)).toBeLessThanOrEqual(rank(r.provider));
  }
  // also_from is exact: every named provider has a merged-away copy of that record.
  for (const w of merged) {
    expect(w.also_from).toEqual([...new Set(w.also_from)].sort());
    for (const p of w.also_from!) {
      expect(all.some((r) => r.provider === p && !kept.has(identityOf(kind, r)) && kind.same(w, r))).toBe(true);
    }
  }
  return merged;
}

describe('source priority in the merge of provider=all', () => {
  it('merges exactly the resources whose rows say `all`', () => {
    expect(RESOURCES.filter((r) => r.all).map((r) => r.name)).toEqual(MERGED_RESOURCES);
  });

  for (const resource of MERGED_RESOURCES) {
    it(`${resource}: order respected, nothing but duplicates lost, also_from exact (property)`, () => {
      const kind = MERGE_KINDS[resource] as unknown as MergeKind<Record>;
      fc.assert(
        fc.property(fc.array(specs[resource], { maxLength: 40 }), anOrder, (given, order) => {
          const all: Record[] = given.map((s, i) => builders[resource](s, i));
          // A provider gives one record per id (one recovery day per date).
          checkMerge(kind, [...new Map(all.map((r) => [identityOf(kind, r), r])).values()], order);
        }),
        { numRuns: 150 },
      );
    }, 60_000);
  }

  it('the merge does not depend on the order the source lists come in, when the priority names every provider', () => {
    const kind = MERGE_KINDS.sleep as unknown as MergeKind<Record>;
    fc.assert(
      fc.property(fc.array(specs.sleep, { maxLength: 30 }), fc.shuffledSubarray([...PROVIDERS], { minLength: 4 }), (given, order) => {
        const all = given.map((s, i) => builders.sleep(s, i));
        const lists = PROVIDERS.map((p) => all.filter((r) => r.provider === p));
        expect(mergeRecords([...lists].reverse(), kind, order)).toEqual(mergeRecords(lists, kind, order));
      }),
      { numRuns: 100 },
    );
  });

  it('one night recorded by two providers is one session; a nap that afternoon is not', () => {
    const night = BASE - 2 * 3_600_000; // 22:00
    const whoop = sleep('whoop', 'w1', night, 8);
    const fitbit = sleep('fitbit', 'f1', night + 30 * 60_000, 7.5, { sleep_score: 85, hrv_rmssd_ms: 40 });
    const nap = sleep('fitbit', 'f2', night + 16 * 3_600_000, 0.5);
    expect(sameSleep(whoop, fitbit)).toBe(true);
    expect(sameSleep(whoop, nap)).toBe(false);
    const merged = mergeRecords([[whoop], [fitbit, nap]], MERGE_KINDS.sleep, ['whoop', 'fitbit']);
    expect(merged.map((s) => [s.id, s.also_from])).toEqual([
      ['f2', []],
      ['w1', ['fitbit']],
    ]);
    // Without an order the more detailed copy wins.
    expect(mergeRecords([[whoop], [fitbit]], MERGE_KINDS.sleep).map((s) => [s.id, s.also_from])).toEqual([['f1', ['whoop']]]);
  });

  it(`sessions are one night from an overlap of ${SLEEP_OVERLAP_SHARE * 100} % of the shorter one`, () => {
    const long = sleep('whoop', 'w', BASE, 8);
    expect(sameSleep(long, sleep('garmin', 'g', BASE + 7 * 3_600_000, 2))).toBe(true); // 1 h of 2 h
    expect(sameSleep(long, sleep('garmin', 'g', BASE + 7 * 3_600_000 + 60_000, 2))).toBe(false);
    expect(sameSleep(long, sleep('garmin', 'g', BASE + 8 * 3_600_000, 2))).toBe(false); // back to back
  });

  it('one day of recovery per date, the preferred provider giving the values', () => {
    const whoop = day('whoop', '2026-11-20', { recovery_score: 60 });
    const garmin = day('garmin', '2026-11-20', { resting_heart_rate: 48, hrv_rmssd_ms: 55 });
    const next = day('garmin', '2026-11-21');
    expect(sameRecoveryDay(whoop, garmin)).toBe(true);
    const merged = mergeRecords([[garmin, next], [whoop]], MERGE_KINDS.recovery, ['whoop']);
    expect(merged.map((r) => [r.provider, r.date, r.also_from])).toEqual([
      ['garmin', '2026-11-21', []],
      ['whoop', '2026-11-20', ['garmin']],
    ]);
  });
});
