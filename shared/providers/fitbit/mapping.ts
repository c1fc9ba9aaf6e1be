/**
 * Fitbit's native JSON -> the unified models. Units: durations arrive in milliseconds,
 * distances in the request's unit system (kilometres for the metric locale the client asks
 * for, miles otherwise), and sleep times as local wall-clock times without an offset.
 */
import { roundTo } from '../units';
import {
  ActivitySchema,
  AthleteSchema,
  endDateOf,
  HealthMetricsSchema,
  ProviderError,
  RecoveryMetricsSchema,
  SleepSessionSchema,
  type Activity,
  type Athlete,
  type HealthMetrics,
  type RecoveryMetrics,
  type SleepSession,
  type SportType,
} from '../../models';
import type { FitbitActivityLog, FitbitProfile, FitbitSleepLog, FitbitWeightLog } from './schemas';
import { isoInstant, localToUtcMs } from './time';

export const PROVIDER = 'fitbit';

const METERS_PER_MILE = 1_609.344;

/** Metres from a distance in Fitbit's `distanceUnit` (kilometres when absent: we ask for metric). */
export function distanceInMeters(distance: number, unit: string | undefined): number {
  const u = (unit ?? 'Kilometer').toLowerCase();
  if (u.startsWith('mile')) return distance * METERS_PER_MILE;
  if (u.startsWith('kilomet') || u === 'km') return distance * 1000;
  if (u.startsWith('meter') || u.startsWith('metre') || u === 'm') return distance;
  if (u.startsWith('yard')) return distance * 0.9144;
  if (u.startsWith('feet') || u.startsWith('foot')) return distance * 0.3048;
  return distance * 1000;
}

/** Activity type ids whose meaning is stable across Fitbit's catalogue. */
const SPORT_BY_TYPE_ID: Readonly<Record<number, SportType>> = {
  90009: 'run',
  90013: 'walk',
  90001: 'ride',
  1071: 'ride',
  90012: 'hike',
  90024: 'swim',
  20047: 'elliptical',
};

/** Keyword rules on the activity name, first match wins. */
const SPORT_BY_NAME: ReadonlyArray<readonly [RegExp, SportType]> = [
  [/trail/i, 'trail_run'],
  [/run|jog|treadmill/i, 'run'],
  [/mountain\s*bik/i, 'mountain_bike_ride'],
  [/spinning|indoor\s*(bik|cycl)|stationary|virtual/i, 'virtual_ride'],
  [/bik|cycl/i, 'ride'],
  [/swim/i, 'swim'],
  [/hike|hiking/i, 'hike'],
  [/walk/i, 'walk'],
  [/row/i, 'rowing'],
  [/weight|strength|lifting/i, 'strength_training'],
  [/pilates/i, 'pilates'],
  [/yoga/i, 'yoga'],
  [/interval|hiit|bootcamp|circuit/i, 'hiit'],
  [/elliptical/i, 'elliptical'],
  [/snowboard/i, 'snowboard'],
  [/cross.?country ski/i, 'cross_country_ski'],
  [/ski/i, 'alpine_ski'],
];

export function sportOf(activityTypeId: number | undefined, activityName: string): SportType {
  const byId = activityTypeId !== undefined ? SPORT_BY_TYPE_ID[activityTypeId] : undefined;
  if (byId) return byId;
  return SPORT_BY_NAME.find(([pattern]) => pattern.test(activityName))?.[1] ?? 'other';
}

function invalid(message: string): ProviderError {
  return new ProviderError({ kind: 'invalid_data', provider: PROVIDER, message: `${PROVIDER} returned ${message}` });
}

function instant(value: string, what: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalid(`an unreadable ${what}`);
  return ms;
}

const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

/** Legacy Fitbit log: `duration` is elapsed, `activeDuration` moving time (both ms). */
export function toActivity(log: FitbitActivityLog): Activity {
  const elapsed = Math.round(log.duration / 1000);
  const seconds = (log.activeDuration ?? log.duration) / 1000;
  const start = isoInstant(instant(log.startTime, 'activity start time'));
  const meters = log.distance !== undefined ? roundTo(distanceInMeters(log.distance, log.distanceUnit), 1) : null;
  return ActivitySchema.parse({
    id: String(log.logId),
    provider: PROVIDER,
    name: log.activityName,
    sport_type: sportOf(log.activityTypeId, log.activityName),
    sport_type_detail: log.activityName,
    start_date: start,
    end_date: endDateOf(start, elapsed),
    duration_seconds: elapsed,
    moving_time_seconds: log.activeDuration === undefined ? null : Math.round(seconds),
    distance_meters: meters,
    // Metres for metric requests; Fitbit reports 0 for activities without elevation data.
    elevation_gain_meters: orNull(log.elevationGain),
    average_heart_rate: orNull(log.averageHeartRate),
    max_heart_rate: null,
    average_speed: meters !== null && meters > 0 && seconds > 0 ? roundTo(meters / seconds, 3) : null,
    max_speed: null,
    calories: orNull(log.calories),
    average_power: null,
    average_cadence: null,
    steps: orNull(log.steps),
    start_latitude: null,
    start_longitude: null,
  });
}

const nonEmpty = (value: string | undefined): string | null => (value && value.trim() !== '' ? value : null);

export function toAthlete(profile: FitbitProfile): Athlete {
  const u = profile.user;
  const gender = u.gender?.toUpperCase();
  return AthleteSchema.parse({
    id: u.encodedId,
    provider: PROVIDER,
    username: nonEmpty(u.displayName),
    firstname: nonEmpty(u.firstName),
    lastname: nonEmpty(u.lastName),
    profile_picture: nonEmpty(u.avatar150) ?? nonEmpty(u.avatar),
    sex: gender === 'MALE' ? 'male' : gender === 'FEMALE' ? 'female' : null,
    weight_kg: u.weight !== undefined && u.weight > 0 ? u.weight : null,
    city: nonEmpty(u.city),
    country: nonEmpty(u.country),
  });
}

const STAGE_OF_LEVEL: Readonly<Record<string, SleepSession['stages'][number]['stage']>> = {
  wake: 'awake',
  light: 'light',
  deep: 'deep',
  rem: 'rem',
};

/** A v1.2 sleep log; `offsetMs` is the user's offset from UTC (profile `offsetFromUTCMillis`). */
export function toSleepSession(log: FitbitSleepLog, offsetMs: number): SleepSession {
  const start = localToUtcMs(log.startTime, offsetMs);
  const end = localToUtcMs(log.endTime, offsetMs);
  const staged = log.type === undefined ? log.levels?.summary['deep'] !== undefined : log.type === 'stages';
  const summary = log.levels?.summary ?? {};
  const minutes = (level: string) => {
    const entry = summary[level];
    return entry === undefined ? null : entry.minutes * 60;
  };
  const stages = staged
    ? (log.levels?.data ?? []).flatMap((d) => {
        const stage = STAGE_OF_LEVEL[d.level];
        return stage ? [{ stage, start_date: isoInstant(localToUtcMs(d.dateTime, offsetMs)), duration_seconds: d.seconds }] : [];
      })
    : [];
  return SleepSessionSchema.parse({
    id: String(log.logId),
    provider: PROVIDER,
    start_date: isoInstant(start),
    end_date: isoInstant(Math.max(start, end)),
    time_in_bed_seconds: Math.round(log.duration / 1000),
    efficiency_percentage: orNull(log.efficiency),
    // Fitbit's sleep score is not served by the public Web API.
    sleep_score: null,
    stages,
    stage_totals: staged
      ? { awake_seconds: minutes('wake'), light_seconds: minutes('light'), deep_seconds: minutes('deep'), rem_seconds: minutes('rem') }
      : {
          awake_seconds: log.minutesAwake !== undefined ? log.minutesAwake * 60 : null,
          light_seconds: null,
          deep_seconds: null,
          rem_seconds: null,
        },
    average_heart_rate: null,
    hrv_rmssd_ms: null,
    respiratory_rate: null,
  });
}

export interface RecoveryParts {
  hrv: ReadonlyArray<{ dateTime: string; value: { dailyRmssd: number } }>;
  spo2: ReadonlyArray<{ dateTime: string; value: { avg: number } }>;
  heart: ReadonlyArray<{ dateTime: string; value: { restingHeartRate?: number | undefined } }>;
}

/** One entry per date that has at least one value, oldest first, within [start, end]. */
export function toRecoveryMetrics(parts: RecoveryParts, start: string, end: string): RecoveryMetrics[] {
  const byDate = new Map<string, { rhr: number | null; hrv: number | null; spo2: number | null }>();
  const entry = (date: string) => {
    let e = byDate.get(date);
    if (!e) byDate.set(date, (e = { rhr: null, hrv: null, spo2: null }));
    return e;
  };
  for (const h of parts.hrv) entry(h.dateTime).hrv = roundTo(h.value.dailyRmssd, 1);
  for (const s of parts.spo2) entry(s.dateTime).spo2 = roundTo(s.value.avg, 1);
  for (const h of parts.heart) if (h.value.restingHeartRate !== undefined) entry(h.dateTime).rhr = h.value.restingHeartRate;
  return [...byDate.entries()]
    .filter(([date, e]) => date >= start && date <= end && (e.rhr !== null || e.hrv !== null || e.spo2 !== null))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, e]) =>
      RecoveryMetricsSchema.parse({
        provider: PROVIDER,
        date,
        recovery_score: null,
        resting_heart_rate: e.rhr,
        hrv_rmssd_ms: e.hrv,
        spo2_percentage: e.spo2,
        // Fitbit's skin temperature is relative to the user's baseline, not degrees Celsius.
        skin_temp_celsius: null,
        strain: null,
      }),
    );
}

export interface HealthParts {
  weight: readonly FitbitWeightLog[];
  heart: RecoveryParts['heart'];
  steps: ReadonlyArray<{ dateTime: string; value: number }>;
  calories: ReadonlyArray<{ dateTime: string; value: number }>;
}

/** One entry per date with any value, oldest first; the day's latest weigh-in wins. */
export function toHealthMetrics(parts: HealthParts, start: string, end: string): HealthMetrics[] {
  type Day = Pick<HealthMetrics, 'weight_kg' | 'body_fat_percentage' | 'bmi' | 'resting_heart_rate' | 'steps' | 'calories' | 'vo2max'> & { weighedAt: string };
  const byDate = new Map<string, Day>();
  const entry = (date: string) => {
    let e = byDate.get(date);
    if (!e) {
      e = { weight_kg: null, body_fat_percentage: null, bmi: null, resting_heart_rate: null, steps: null, calories: null, vo2max: null, weighedAt: '' };
      byDate.set(date, e);
    }
    return e;
  };
  for (const w of parts.weight) {
    const e = entry(w.date);
    const at = w.time ?? '00:00:00';
    if (e.weight_kg !== null && at < e.weighedAt) continue;
    e.weighedAt = at;
    e.weight_kg = roundTo(w.weight, 2);
    e.bmi = w.bmi !== undefined ? roundTo(w.bmi, 2) : null;
    e.body_fat_percentage = w.fat !== undefined ? roundTo(w.fat, 2) : null;
  }
  for (const h of parts.heart) if (h.value.restingHeartRate !== undefined) entry(h.dateTime).resting_heart_rate = h.value.restingHeartRate;
  for (const s of parts.steps) entry(s.dateTime).steps = s.value;
  for (const c of parts.calories) entry(c.dateTime).calories = c.value;
  return [...byDate.entries()]
    .filter(([date]) => date >= start && date <= end)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, { weighedAt: _ignored, ...values }]) => HealthMetricsSchema.parse({ provider: PROVIDER, date, ...values }))
    .filter((h) => h.weight_kg !== null || h.resting_heart_rate !== null || h.steps !== null || h.calories !== null);
}
