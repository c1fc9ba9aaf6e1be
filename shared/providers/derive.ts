/** Stats and personal records computed from activities, for providers without such endpoints. */
import type { Activity, PersonalRecord, SportType, Stats, Totals } from '../models';
import { roundTo } from './units';

const DAY_MS = 86_400_000;

/** Moving time, or the elapsed time for an activity whose provider reports no moving time. */
function movingSeconds(activity: Activity): number {
  return activity.moving_time_seconds ?? activity.duration_seconds;
}

function emptyTotals(): Totals {
  return { count: 0, distance_meters: 0, duration_seconds: 0, moving_time_seconds: 0, elevation_gain_meters: 0 };
}

function add(totals: Totals, activity: Activity): void {
  totals.count += 1;
  totals.distance_meters += activity.distance_meters ?? 0;
  totals.duration_seconds += activity.duration_seconds;
  totals.moving_time_seconds += movingSeconds(activity);
  totals.elevation_gain_meters += activity.elevation_gain_meters ?? 0;
}

export function statsFromActivities(provider: string, activities: readonly Activity[], nowMs: number): Stats {
  const now = new Date(nowMs);
  const yearStart = Date.UTC(now.getUTCFullYear(), 0, 1);
  const fourWeeksAgo = nowMs - 28 * DAY_MS;
  const stats: Stats = {
    provider,
    recent_4_weeks: emptyTotals(),
    year_to_date: emptyTotals(),
    all_time: emptyTotals(),
    by_sport: {},
  };
  for (const activity of activities) {
    const started = Date.parse(activity.start_date);
    add(stats.all_time, activity);
    if (started >= yearStart) add(stats.year_to_date, activity);
    if (started >= fourWeeksAgo) add(stats.recent_4_weeks, activity);
    const sport = (stats.by_sport[activity.sport_type] ??= emptyTotals());
    add(sport, activity);
  }
  for (const totals of [stats.recent_4_weeks, stats.year_to_date, stats.all_time, ...Object.values(stats.by_sport)]) {
    tidy(totals);
  }
  return stats;
}

/** Sums of floats drift (`2077279.9999999995`); a tenth of a metre or second is plenty. */
function tidy(totals: Totals): void {
  totals.distance_meters = roundTo(totals.distance_meters, 1);
  totals.duration_seconds = roundTo(totals.duration_seconds, 1);
  totals.moving_time_seconds = roundTo(totals.moving_time_seconds, 1);
  totals.elevation_gain_meters = roundTo(totals.elevation_gain_meters, 1);
}

const RACE_DISTANCES: ReadonlyArray<readonly [PersonalRecord['metric'], number]> = [
  ['fastest_1k', 1_000],
  ['fastest_5k', 5_000],
  ['fastest_10k', 10_000],
  ['fastest_half_marathon', 21_097.5],
  ['fastest_marathon', 42_195],
];
const TIMED_SPORTS: ReadonlySet<SportType> = new Set(['run', 'trail_run', 'virtual_run', 'track_run']);

/**
 * Best efforts per sport. Race-distance times are estimated from each activity's average
 * pace over its moving time (activities at least that long), since summaries carry no split
 * data; the longest duration is elapsed time.
 */
export function personalRecordsFromActivities(provider: string, activities: readonly Activity[]): PersonalRecord[] {
  const best = new Map<string, PersonalRecord>();
  const offer = (record: PersonalRecord, lowerIsBetter: boolean) => {
    const key = `${record.sport_type}:${record.metric}`;
    const current = best.get(key);
    if (!current || (lowerIsBetter ? record.value < current.value : record.value > current.value)) best.set(key, record);
  };
  for (const a of activities) {
    const base = { provider, sport_type: a.sport_type, activity_id: a.id, achieved_at: a.start_date };
    if (a.distance_meters && a.distance_meters > 0) {
      offer({ ...base, metric: 'longest_distance', value: a.distance_meters, unit: 'meters' }, false);
      const moving = movingSeconds(a);
      if (TIMED_SPORTS.has(a.sport_type) && moving > 0) {
        for (const [metric, distance] of RACE_DISTANCES) {
          if (a.distance_meters >= distance) {
            const seconds = Math.round((moving * distance) / a.distance_meters);
            offer({ ...base, metric, value: seconds, unit: 'seconds' }, true);
          }
        }
      }
    }
    if (a.duration_seconds > 0) offer({ ...base, metric: 'longest_duration', value: a.duration_seconds, unit: 'seconds' }, false);
    if (a.elevation_gain_meters && a.elevation_gain_meters > 0) {
      offer({ ...base, metric: 'most_elevation_gain', value: a.elevation_gain_meters, unit: 'meters' }, false);
    }
    if (a.average_power && a.average_power > 0) offer({ ...base, metric: 'highest_average_power', value: a.average_power, unit: 'watts' }, false);
  }
  return [...best.values()].sort((x, y) => x.sport_type.localeCompare(y.sport_type) || x.metric.localeCompare(y.metric));
}
