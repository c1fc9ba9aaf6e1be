import { describe, expect, it } from 'vitest';
import { mergeActivities, sameActivity } from '../../shared/app/merge';
import { ActivitySchema, type Activity } from '../../shared/models';

const activity = (provider: string, id: string, start: string, duration: number, extra: Partial<Activity> = {}): Activity =>
  ActivitySchema.parse({ id, provider, name: 'Run', sport_type: 'run', start_date: start, duration_seconds: duration, ...extra });

describe('merging activities across providers', () => {
  const garmin = activity('garmin', 'g1', '2026-11-20T07:00:00Z', 3600, { distance_meters: 10_000, average_heart_rate: 150 });
  const strava = activity('strava', 's1', '2026-11-20T07:00:30Z', 3540, { distance_meters: 10_010 });

  it('treats the same workout synced to two providers as one', () => {
    expect(sameActivity(garmin, strava)).toBe(true);
    expect(sameActivity(garmin, activity('strava', 's2', '2026-11-20T07:05:00Z', 3600))).toBe(false);
    expect(sameActivity(garmin, activity('strava', 's3', '2026-11-20T07:00:00Z', 1800))).toBe(false);
    expect(sameActivity(garmin, activity('garmin', 'g2', '2026-11-20T07:00:00Z', 3600))).toBe(false);
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
});
