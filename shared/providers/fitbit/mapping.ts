/**
 * Google Health data points -> the unified models. Units: distances and elevation arrive in
 * millimetres, speed in millimetres per second, weight in grams, durations as seconds
 * (already parsed from `"1800s"` by the schemas), int64 counts as strings (parsed too).
 */
import {
  ActivitySchema,
  AthleteSchema,
  cadenceUnitOf,
  HealthMetricsSchema,
  LapSchema,
  RecoveryMetricsSchema,
  SleepSessionSchema,
  SPORT_LABELS,
  type Activity,
  type Athlete,
  type HeartRateZone,
  type HealthMetrics,
  type Lap,
  type RecoveryMetrics,
  type SleepSession,
  type SportType,
} from '../../models';
import { roundTo } from '../units';
import { PROVIDER } from './errors';
import type { BodyFatPoint, DailyRollUp, ExercisePoint, GoogleProfile, HrvPoint, RestingHeartRatePoint, SleepPoint, Spo2Point, WeightPoint } from './schemas';
import { dayString, isoInstant, localDay } from './time';

/**
 * Every ExerciseType of the v4 API with its most specific unified sport (the enum has 13
 * values; `sport_type_detail` keeps the raw one). Unknown values are `other`.
 */
export const SPORT_OF_EXERCISE_TYPE: Readonly<Record<string, SportType>> = {
  RUNNING: 'run',
  WALKING: 'walk',
  BIKING: 'ride',
  SWIMMING: 'swim',
  // Spellings one source gives for pool and open-water swims.
  SWIMMING_POOL: 'swim',
  SWIMMING_OPEN_WATER: 'swim',
  HIKING: 'hike',
  YOGA: 'yoga',
  PILATES: 'pilates',
  WORKOUT: 'workout',
  HIIT: 'hiit',
  WEIGHTLIFTING: 'strength_training',
  STRENGTH_TRAINING: 'strength_training',
  OTHER: 'other',
  EXERCISE_TYPE_UNSPECIFIED: 'other',
};

export function sportOf(exerciseType: string): SportType {
  return SPORT_OF_EXERCISE_TYPE[exerciseType] ?? 'other';
}

/** The `{id}` of `users/{user}/dataTypes/{type}/dataPoints/{id}`. */
function pointId(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);
const mm = (value: number | undefined, digits: number) => (value === undefined ? null : roundTo(value / 1000, digits));

/** Google's zones in order, lowest first, with the duration field each one is in. */
const ZONES = [
  ['Light', 'lightTime'],
  ['Moderate', 'moderateTime'],
  ['Vigorous', 'vigorousTime'],
  ['Peak', 'peakTime'],
] as const;

function zonesOf(durations: ExercisePoint['exercise']['metricsSummary']['heartRateZoneDurations']): HeartRateZone[] | null {
  if (!durations) return null;
  return ZONES.map(([name, field], zone) => ({ zone, name, min_heart_rate: null, max_heart_rate: null, duration_seconds: Math.max(0, durations[field] ?? 0) }));
}

/** Wall-clock time of an instant at a UTC offset, `YYYY-MM-DDTHH:MM:SS`. */
function wallClock(ms: number, offsetSecs: number): string {
  return new Date(ms + offsetSecs * 1000).toISOString().slice(0, 19);
}

/**
 * An exercise: elapsed time is the interval (start to end), moving time `activeDuration`
 * (pauses excluded). `caloriesKcal` is active energy (Google pairs it with the
 * active-energy-burned type, which excludes basal energy), so total `calories` stays null.
 */
export function toActivity(point: ExercisePoint): Activity {
  const e = point.exercise;
  const startMs = Date.parse(e.interval.startTime);
  const endMs = Math.max(startMs, Date.parse(e.interval.endTime));
  const elapsed = (endMs - startMs) / 1000;
  const moving = e.activeDuration === undefined ? null : Math.min(Math.max(0, e.activeDuration), elapsed);
  const m = e.metricsSummary;
  const meters = mm(m.distanceMillimeters, 1);
  const sport = sportOf(e.exerciseType);
  const seconds = moving ?? elapsed;
  const speed =
    m.averageSpeedMillimetersPerSecond !== undefined
      ? roundTo(m.averageSpeedMillimetersPerSecond / 1000, 3)
      : meters !== null && meters > 0 && seconds > 0
        ? roundTo(meters / seconds, 3)
        : null;
  const offset = e.interval.startUtcOffset;
  const cadence = cadenceUnitOf(sport) === 'steps_per_minute' ? orNull(m.mobilityMetrics?.avgCadenceStepsPerMinute) : null;
  return ActivitySchema.parse({
    id: pointId(point.name),
    provider: PROVIDER,
    name: e.displayName.trim() !== '' ? e.displayName : SPORT_LABELS[sport],
    sport_type: sport,
    sport_type_detail: e.exerciseType,
    start_date: isoInstant(startMs),
    end_date: isoInstant(endMs),
    start_date_local: offset === undefined ? null : wallClock(startMs, offset),
    utc_offset_seconds: orNull(offset),
    duration_seconds: elapsed,
    moving_time_seconds: moving,
    distance_meters: meters,
    elevation_gain_meters: mm(m.elevationGainMillimeters, 1),
    average_heart_rate: orNull(m.averageHeartRateBeatsPerMinute),
    // The exercise summary has no maximum; a heart-rate roll-up per activity would cost a call each.
    max_heart_rate: null,
    heart_rate_zones: zonesOf(m.heartRateZoneDurations),
    average_speed: speed,
    active_calories: m.caloriesKcal !== undefined ? Math.round(m.caloriesKcal) : null,
    // Only advanced running reports a cadence, in steps per minute.
    average_cadence: cadence,
    steps: orNull(m.steps),
    device_name: orNull(point.dataSource?.device?.displayName),
  });
}

/** An exercise's laps (`splitSummaries`), in time order; `caloriesKcal` is active energy as for the exercise. */
export function toLaps(point: ExercisePoint): Lap[] {
  const laps = [...point.exercise.splitSummaries].sort((a, b) => Date.parse(a.startTime) - Date.parse(b.startTime));
  return laps.map((lap, index) => {
    const startMs = Date.parse(lap.startTime);
    const endMs = Math.max(startMs, Date.parse(lap.endTime));
    const elapsed = (endMs - startMs) / 1000;
    const m = lap.metricsSummary;
    return LapSchema.parse({
      lap_index: index,
      start_date: isoInstant(startMs),
      end_date: isoInstant(endMs),
      elapsed_time_seconds: elapsed,
      moving_time_seconds: lap.activeDuration === undefined ? null : Math.min(Math.max(0, lap.activeDuration), elapsed),
      distance_meters: mm(m.distanceMillimeters, 1),
      elevation_gain_meters: mm(m.elevationGainMillimeters, 1),
      average_heart_rate: orNull(m.averageHeartRateBeatsPerMinute),
      active_calories: m.caloriesKcal !== undefined ? Math.round(m.caloriesKcal) : null,
      lap_type: lap.splitType,
    });
  });
}

/** The profile has no name or picture: the athlete is the Google Health user id and little else. */
export function toAthlete(healthUserId: string, _profile: GoogleProfile): Athlete {
  return AthleteSchema.parse({ id: healthUserId, provider: PROVIDER });
}

type Stage = SleepSession['stages'][number]['stage'];
/** CLASSIC sleeps use AWAKE/RESTLESS/ASLEEP, STAGES sleeps AWAKE/LIGHT/DEEP/REM; ASLEEP has no unified stage. */
const STAGE_OF: Readonly<Record<string, Stage>> = { AWAKE: 'awake', RESTLESS: 'awake', LIGHT: 'light', DEEP: 'deep', REM: 'rem' };
const TOTAL_OF: Readonly<Record<Stage, keyof SleepSession['stage_totals']>> = {
  awake: 'awake_seconds',
  light: 'light_seconds',
  deep: 'deep_seconds',
  rem: 'rem_seconds',
};

/**
 * A sleep: time in bed is the whole session (the interval), time asleep the summary's
 * `minutesAsleep` (light + deep + REM, or the ASLEEP stages of a CLASSIC sleep).
 */
export function toSleepSession(point: SleepPoint): SleepSession {
  const s = point.sleep;
  const startMs = Date.parse(s.interval.startTime);
  const endMs = Math.max(startMs, Date.parse(s.interval.endTime));
  const inBed = Math.round((endMs - startMs) / 1000);
  const totals: SleepSession['stage_totals'] = { awake_seconds: null, light_seconds: null, deep_seconds: null, rem_seconds: null };
  for (const entry of s.summary?.stagesSummary ?? []) {
    const stage = STAGE_OF[entry.type];
    if (!stage || entry.minutes === undefined) continue;
    const key = TOTAL_OF[stage];
    totals[key] = (totals[key] ?? 0) + entry.minutes * 60;
  }
  if (totals.awake_seconds === null && s.summary?.minutesAwake !== undefined) totals.awake_seconds = s.summary.minutesAwake * 60;
  const asleep = s.summary?.minutesAsleep;
  const inPeriod = s.summary?.minutesInSleepPeriod ?? inBed / 60;
  const latency = s.summary?.minutesToFallAsleep;
  // Awakenings after falling asleep: AWAKE stages that follow the first stage of sleep.
  const firstAsleep = s.stages.findIndex((st) => st.type !== 'AWAKE' && st.type !== 'RESTLESS');
  return SleepSessionSchema.parse({
    id: point.name ? pointId(point.name) : (s.metadata?.externalId ?? `sleep-${startMs}`),
    provider: PROVIDER,
    start_date: isoInstant(startMs),
    end_date: isoInstant(endMs),
    time_in_bed_seconds: inBed,
    time_asleep_seconds: asleep === undefined ? null : asleep * 60,
    efficiency_percentage: asleep !== undefined && inPeriod > 0 ? roundTo((asleep / inPeriod) * 100, 1) : null,
    is_nap: orNull(s.metadata?.nap),
    wake_count: firstAsleep < 0 ? null : s.stages.slice(firstAsleep).filter((st) => st.type === 'AWAKE').length,
    onset_latency_seconds: latency === undefined ? null : latency * 60,
    stages: s.stages.flatMap((st) => {
      const stage = STAGE_OF[st.type];
      if (!stage) return [];
      const from = Date.parse(st.startTime);
      return [{ stage, start_date: isoInstant(from), duration_seconds: Math.max(0, Math.round((Date.parse(st.endTime) - from) / 1000)) }];
    }),
    stage_totals: totals,
  });
}

export interface RecoveryParts {
  resting: readonly RestingHeartRatePoint[];
  hrv: readonly HrvPoint[];
  spo2: readonly Spo2Point[];
}

/** One entry per day with any value in [first, last], oldest first. */
export function toRecoveryMetrics(parts: RecoveryParts, first: string, last: string): RecoveryMetrics[] {
  const byDay = new Map<string, { rhr: number | null; hrv: number | null; spo2: number | null }>();
  const entry = (day: string) => {
    let e = byDay.get(day);
    if (!e) byDay.set(day, (e = { rhr: null, hrv: null, spo2: null }));
    return e;
  };
  for (const p of parts.resting) entry(dayString(p.dailyRestingHeartRate.date)).rhr = p.dailyRestingHeartRate.beatsPerMinute;
  for (const p of parts.hrv) {
    const ms = p.dailyHeartRateVariability.averageHeartRateVariabilityMilliseconds;
    if (ms !== undefined) entry(dayString(p.dailyHeartRateVariability.date)).hrv = roundTo(ms, 1);
  }
  for (const p of parts.spo2) entry(dayString(p.dailyOxygenSaturation.date)).spo2 = roundTo(p.dailyOxygenSaturation.averagePercentage, 1);
  return [...byDay.entries()]
    .filter(([day]) => day >= first && day <= last)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, e]) =>
      RecoveryMetricsSchema.parse({
        provider: PROVIDER,
        date,
        resting_heart_rate: e.rhr,
        hrv_rmssd_ms: e.hrv,
        spo2_percentage: e.spo2,
      }),
    );
}

export interface HealthParts {
  weight: readonly WeightPoint[];
  bodyFat: readonly BodyFatPoint[];
  resting: readonly RestingHeartRatePoint[];
  steps: readonly DailyRollUp['rollupDataPoints'][number][];
  calories: readonly DailyRollUp['rollupDataPoints'][number][];
}

/** One entry per day with any value in [first, last], oldest first; a day's latest weigh-in wins. */
export function toHealthMetrics(parts: HealthParts, first: string, last: string): HealthMetrics[] {
  type Day = Pick<HealthMetrics, 'weight_kg' | 'body_fat_percentage' | 'resting_heart_rate' | 'steps' | 'calories'> & { weighedAt: number; fatAt: number };
  const byDay = new Map<string, Day>();
  const entry = (day: string): Day => {
    let e = byDay.get(day);
    if (!e) {
      e = { weight_kg: null, body_fat_percentage: null, resting_heart_rate: null, steps: null, calories: null, weighedAt: -Infinity, fatAt: -Infinity };
      byDay.set(day, e);
    }
    return e;
  };
  for (const { weight: w } of parts.weight) {
    const e = entry(localDay(w.sampleTime.physicalTime, w.sampleTime.utcOffset));
    const at = Date.parse(w.sampleTime.physicalTime);
    if (at < e.weighedAt) continue;
    e.weighedAt = at;
    e.weight_kg = roundTo(w.weightGrams / 1000, 2);
  }
  for (const { bodyFat: f } of parts.bodyFat) {
    const e = entry(localDay(f.sampleTime.physicalTime, f.sampleTime.utcOffset));
    const at = Date.parse(f.sampleTime.physicalTime);
    if (at < e.fatAt) continue;
    e.fatAt = at;
    e.body_fat_percentage = roundTo(f.percentage, 1);
  }
  for (const p of parts.resting) entry(dayString(p.dailyRestingHeartRate.date)).resting_heart_rate = p.dailyRestingHeartRate.beatsPerMinute;
  for (const r of parts.steps) if (r.steps?.countSum !== undefined) entry(dayString(r.civilStartTime.date)).steps = r.steps.countSum;
  for (const r of parts.calories) {
    if (r.totalCalories?.kcalSum !== undefined) entry(dayString(r.civilStartTime.date)).calories = Math.round(r.totalCalories.kcalSum);
  }
  return [...byDay.entries()]
    .filter(([day]) => day >= first && day <= last)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, { weighedAt: _w, fatAt: _f, ...values }]) => HealthMetricsSchema.parse({ provider: PROVIDER, date, ...values }));
}
