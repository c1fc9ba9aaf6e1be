import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeActivities, sameActivity } from '../../shared/app/merge';
import { ActivitySchema, endDateOf, type Activity } from '../../shared/models';

/** `duration` is the elapsed time; the end follows from it. */
const activity = (provider: string, id: string, start: string, duration: number, extra: Partial<Activity> = {}): Activity =>
  ActivitySchema.parse({
    id,
    provider,
    name: 'Run',
    sport_type: 'run',
    start_date: start,
    end_date: endDateOf(start, duration),
    duration_seconds: duration,
    ...extra,
  });

describe('merging activities across providers', () => {
  const garmin = activity('garmin', 'g1', '2026-11-20T07:00:00Z', 3600, { distance_meters: 10_000, average_heart_rate: 150 });
  const strava = activity('strava', 's1', '2026-11-20T07:00:30Z', 3540, { distance_meters: 10_010 });

  it('treats the same workout synced to two providers as one', () => {
    expect(sameActivity(garmin, strava)).toBe(true);
    expect(sameActivity(garmin, activity('strava', 's2', '2026-11-20T07:05:00Z', 3600))).toBe(false);
    expect(sameActivity(garmin, activity('strava', 's3', '2026-11-20T07:00:00Z', 1800))).toBe(false);
    expect(sameActivity(garmin, activity('garmin', 'g2', '2026-11-20T07:00:00Z', 3600))).toBe(false);
  });

  it('compares elapsed time and end times, whatever moving time a provider reports', () => {
    // Strava's moving time is 10 minutes shorter (stops), its elapsed time the same as Garmin's.
    const paused = activity('strava', 's4', '2026-11-20T07:00:20Z', 3590, { moving_time_seconds: 2990 });
    expect(sameActivity(garmin, paused)).toBe(true);
    // Same start and length, but this one ends 20 minutes later: another workout.
    const longer = activity('strava', 's5', '2026-11-20T07:00:10Z', 4800);
    expect(sameActivity(garmin, longer)).toBe(false);
    // An end date that disagrees with the start plus duration decides on its own.
    const lateEnd = { ...activity('strava', 's6', '2026-11-20T07:00:00Z', 3600), end_date: '2026-11-20T08:30:00Z' };
    expect(sameActivity(garmin, lateEnd)).toBe(false);
  });

  it('keeps the more detailed copy and sorts newest first', () => {
    const later = activity('strava', 's9', '2026-11-21T07:00:00Z', 1200);
    const merged = mergeActivities([[strava, later], [garmin]]);
    expect(merged.map((a) => a.id)).toEqual(['s9', 'g1']);
  });

  it('keeps the first provider on a tie', () => {
    const twin = activity('strava', 's1', garmin.start_date, 3600, { distance_meters: 1, average_heart_rate: 1 });
    expect(mergeActivities([[garmin], [twin]]).map((a) => a.provider)).toEqual(['garmin']);
  });

  it('keeps the first provider on a tie even when the later copy started first', () => {
    const earlier = activity('strava', 's1', '2026-11-20T06:59:40Z', 3600, { distance_meters: 1, average_heart_rate: 1 });
    expect(mergeActivities([[garmin], [earlier]]).map((a) => a.provider)).toEqual(['garmin']);
  });

  it('keeps the preferred copy when it matches two copies of one other provider, naming that provider once', () => {
    // Two Strava uploads at the same moment (one provider never duplicates itself) and a more
    // detailed Garmin copy matching both: both uploads are copies of the Garmin workout.
    const first = activity('strava', 's1', garmin.start_date, 3600);
    const second = activity('strava', 's2', garmin.start_date, 3600);
    const merged = mergeActivities([[first, second], [garmin]]);
    expect(merged.map((a) => [a.id, a.also_from])).toEqual([['g1', ['strava']]]);
  });

  it('follows the priority order before detail, and detail among providers the order leaves out', () => {
    expect(mergeActivities([[garmin], [strava]], ['strava', 'garmin']).map((a) => [a.id, a.also_from])).toEqual([['s1', ['garmin']]]);
    const whoop = activity('whoop', 'w1', garmin.start_date, 3600);
    // whoop is listed, so it outranks both; without it garmin (more detailed) beats strava.
    expect(mergeActivities([[garmin], [strava], [whoop]], ['whoop']).map((a) => [a.id, a.also_from])).toEqual([['w1', ['garmin', 'strava']]]);
    expect(mergeActivities([[strava], [garmin]], ['coros']).map((a) => [a.id, a.also_from])).toEqual([['g1', ['strava']]]);
  });

  it('never leaves two copies of one workout, and returns only given activities, newest first', () => {
    const providers = ['garmin', 'strava', 'whoop'];
    const anActivity = fc.record({
      provider: fc.constantFrom(...providers),
      offsetSecs: fc.integer({ min: 0, max: 6 * 3600 }),
      duration: fc.integer({ min: 60, max: 7200 }),
      distance: fc.option(fc.integer({ min: 1, max: 50_000 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(anActivity, { maxLength: 60 }), (specs) => {
        const all = specs.map((spec, i) =>
          activity(spec.provider, `a${i}`, new Date(Date.UTC(2026, 10, 20) + spec.offsetSecs * 1000).toISOString(), spec.duration, {
            distance_meters: spec.distance ?? null,
          }),
        );
        const lists = providers.map((p) => all.filter((a) => a.provider === p));
        const merged = mergeActivities(lists);
        const starts = merged.map((a) => Date.parse(a.start_date));
        expect(starts).toEqual([...starts].sort((a, b) => b - a));
        for (const { also_from: _, ...a } of merged) expect(all).toContainEqual(a);
        for (let i = 0; i < merged.length; i += 1) {
          for (let j = i + 1; j < merged.length; j += 1) expect(sameActivity(merged[i]!, merged[j]!)).toBe(false);
        }
      }),
    );
    // 100 runs of up to 60 parsed activities: seconds on a loaded two-core machine.
  }, 30_000);

  it('merges tens of thousands of activities (the start-time index is not quadratic)', () => {
    const many = (provider: string) =>
      Array.from({ length: 20_000 }, (_, i) => activity(provider, `${provider}${i}`, new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString(), 1800));
    expect(mergeActivities([many('garmin'), many('strava')])).toHaveLength(20_000);
  });
});
