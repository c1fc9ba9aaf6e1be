/**
 * Google Health data points -> the unified models. Units: distances and elevation arrive in
 * millimetres, speed in millimetres per second, weight in grams, durations as seconds
 * (already parsed from `"1800s"` by the schemas), int64 counts as strings (parsed too).
 */
import {
  ActivitySchema,
  AthleteSchema,
  HealthMetricsSchema,
  RecoveryMetricsSchema,
  SleepSessionSchema,
  SPORT_LABELS,
  type Activity,
  type Athlete,
  type HealthMetrics,
  type RecoveryMetrics,
  type SleepSession,
  type SportType,
} from '../../models';
import { roundTo } from '../units';
import { PROVIDER } from './errors';
import type {
  BodyFatPoint,
  DailyRollUp,
  ExercisePoint,
  GoogleProfile,
  HrvPoint,
  RestingHeartRatePoint,
  SleepPoint,
  Spo2Point,
  WeightPoint,
} from './schemas';
import { dayString, isoInstant, localDay } from './time';

/** Every ExerciseType with a unified sport; the rest (PILATES, WORKOUT, OTHER, ...) are `other`. */
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
  HIIT: 'hiit',
  WEIGHTLIFTING: 'strength_training',
  STRENGTH_TRAINING: 'strength_training',
};

export function sportOf(exerciseType: string): SportType {
  return SPORT_OF_EXERCISE_TYPE[exerciseType] ?? 'other';
}

/** The `{id}` of `users/{user}/dataTypes/{type}/dataPoints/{id}`. */
export function pointId(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);
const mm = (value: number | undefined, digits: number) => (value === undefined ? null : roundTo(value / 1000, digits));

export function toActivity(point: ExercisePoint): Activity {
  const e = point.exercise;
  const startMs = Date.parse(e.interval.startTime);
  const elapsedSecs = Math.max(0, (Date.parse(e.interval.endTime) - startMs) / 1000);
  const seconds = e.activeDuration ?? elapsedSecs;
  const m = e.metricsSummary;
  const meters = mm(m.distanceMillimeters, 1);
  const sport = sportOf(e.exerciseType);
  const speed =
    m.averageSpeedMillimetersPerSecond !== undefined
      ? roundTo(m.averageSpeedMillimetersPerSecond / 1000, 3)
      : meters !== null && meters > 0 && seconds > 0
        ? roundTo(meters / seconds, 3)
        : null;
  return ActivitySchema.parse({
    id: pointId(point.name),
    provider: PROVIDER,
    name: e.displayName.trim() !== '' ? e.displayName : SPORT_LABELS[sport],
    sport_type: sport,
    start_date: isoInstant(startMs),
    duration_seconds: Math.round(seconds),
    distance_meters: meters,
    elevation_gain: mm(m.elevationGainMillimeters, 1),
    average_heart_rate: orNull(m.averageHeartRateBeatsPerMinute),
    // The exercise summary has no maximum; a heart-rate roll-up per activity would cost a call each.
    max_heart_rate: null,
    average_speed: speed,
    max_speed: null,
    calories: m.caloriesKcal !== undefined ? Math.round(m.caloriesKcal) : null,
    average_power: null,
    average_cadence: orNull(m.mobilityMetrics?.avgCadenceStepsPerMinute),
    steps: orNull(m.steps),
    start_latitude: null,
    start_longitude: null,
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

export function toSleepSession(point: SleepPoint): SleepSession {
  const s = point.sleep;
  const startMs = Date.parse(s.interval.startTime);
  const endMs = Math.max(startMs, Date.parse(s.interval.endTime));
  const totals: SleepSession['stage_totals'] = { awake_seconds: null, light_seconds: null, deep_seconds: null, rem_seconds: null };
  for (const entry of s.summary?.stagesSummary ?? []) {
    const stage = STAGE_OF[entry.type];
    if (!stage || entry.minutes === undefined) continue;
    const key = TOTAL_OF[stage];
    totals[key] = (totals[key] ?? 0) + entry.minutes * 60;
  }
  if (totals.awake_seconds === null && s.summary?.minutesAwake !== undefined) totals.awake_seconds = s.summary.minutesAwake * 60;
  const asleep = s.summary?.minutesAsleep;
  const inPeriod = s.summary?.minutesInSleepPeriod;
  return SleepSessionSchema.parse({
    id: point.name ? pointId(point.name) : (s.metadata?.externalId ?? `sleep-${startMs}`),
    provider: PROVIDER,
    start_time: isoInstant(startMs),
    end_time: isoInstant(endMs),
    duration_seconds: Math.round((endMs - startMs) / 1000),
    efficiency: asleep !== undefined && inPeriod !== undefined && inPeriod > 0 ? roundTo((asleep / inPeriod) * 100, 1) : null,
    score: null,
    stages: s.stages.flatMap((st) => {
      const stage = STAGE_OF[st.type];
      if (!stage) return [];
      const from = Date.parse(st.startTime);
      return [{ stage, start_time: isoInstant(from), duration_seconds: Math.max(0, Math.round((Date.parse(st.endTime) - from) / 1000)) }];
    }),
    stage_totals: totals,
    average_heart_rate: null,
    hrv_rmssd_ms: null,
    respiratory_rate: null,
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
        recovery_score: null,
        resting_heart_rate: e.rhr,
        hrv_rmssd_ms: e.hrv,
        spo2_percentage: e.spo2,
        skin_temp_celsius: null,
        strain: null,
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
  type Day = Omit<HealthMetrics, 'provider' | 'date'> & { weighedAt: number; fatAt: number };
  const byDay = new Map<string, Day>();
  const entry = (day: string) => {
    let e = byDay.get(day);
    if (!e) {
      e = { weight_kg: null, body_fat_percentage: null, bmi: null, resting_heart_rate: null, steps: null, calories: null, vo2max: null, weighedAt: -Infinity, fatAt: -Infinity };
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
