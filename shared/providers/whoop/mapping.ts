/** WHOOP v2 JSON -> the unified models: kilojoules to kcal, milliseconds to seconds. */
import { roundTo } from '../units';
import {
  ActivitySchema,
  AthleteSchema,
  HealthMetricsSchema,
  RecoveryMetricsSchema,
  SleepSessionSchema,
  type Activity,
  type Athlete,
  type HealthMetrics,
  type RecoveryMetrics,
  type SleepSession,
  type SportType,
} from '../../models';
import type { WhoopBodyMeasurement, WhoopCycle, WhoopProfile, WhoopRecovery, WhoopSleep, WhoopWorkout } from './schemas';

export const KJ_PER_KCAL = 4.184;
const DAY_MS = 86_400_000;

const orNull = (value: number | null | undefined): number | null => (value === undefined || value === null ? null : value);

export function kilojoulesToKcal(kj: number | null | undefined, digits = 1): number | null {
  return kj === undefined || kj === null ? null : roundTo(kj / KJ_PER_KCAL, digits);
}

export function millisToSeconds(ms: number | null | undefined): number | null {
  return ms === undefined || ms === null ? null : Math.round(ms / 1000);
}

/** `2022-04-24T02:25:44.774Z`, whatever offset WHOOP wrote the instant with. */
function utcInstant(value: string): string {
  return new Date(Date.parse(value)).toISOString();
}

const SPORTS: ReadonlyArray<readonly [RegExp, SportType]> = [
  [/trail/, 'trail_run'],
  [/^(running|run|track (and|&) field)$/, 'run'],
  [/mountain bik/, 'mountain_bike_ride'],
  [/^(spin|indoor cycling)$/, 'virtual_ride'],
  [/^(cycling|road cycling|biking)$/, 'ride'],
  [/^swim/, 'swim'],
  [/^(walking|dog walking)$/, 'walk'],
  [/hiking|rucking/, 'hike'],
  [/^rowing$/, 'rowing'],
  [/weightlifting|powerlifting|functional fitness|strength/, 'strength_training'],
  [/^yoga$/, 'yoga'],
  [/^hiit$/, 'hiit'],
  [/^elliptical$/, 'elliptical'],
  [/ski|snowboard/, 'ski'],
];

/** WHOOP `sport_name` (`running`, `hiking/rucking`, `functional fitness`, ...) -> unified sport. */
export function sportTypeOf(sportName: string): SportType {
  const name = sportName.toLowerCase().replace(/[_-]+/g, ' ').replace(/\s+/g, ' ').trim();
  return SPORTS.find(([pattern]) => pattern.test(name))?.[1] ?? 'other';
}

/** WHOOP workouts carry no title: `hiking/rucking` becomes `Hiking/Rucking`. */
export function workoutName(sportName: string): string {
  const label = sportName.replace(/[_]+/g, ' ').trim().replace(/(^|[\s/-])(\p{L})/gu, (_m, sep: string, c: string) => sep + c.toUpperCase());
  return label || 'Workout';
}

export function toActivity(provider: string, workout: WhoopWorkout): Activity {
  const startMs = Date.parse(workout.start);
  const duration = Math.max(0, Math.round((Date.parse(workout.end) - startMs) / 1000));
  // Measurements exist only once WHOOP has scored the workout.
  const score = workout.score_state === 'SCORED' ? workout.score : undefined;
  const distance = orNull(score?.distance_meter);
  return ActivitySchema.parse({
    id: workout.id,
    provider,
    name: workoutName(workout.sport_name),
    sport_type: sportTypeOf(workout.sport_name),
    start_date: utcInstant(workout.start),
    duration_seconds: duration,
    distance_meters: distance,
    elevation_gain: orNull(score?.altitude_gain_meter),
    average_heart_rate: orNull(score?.average_heart_rate),
    max_heart_rate: orNull(score?.max_heart_rate),
    average_speed: distance !== null && duration > 0 ? roundTo(distance / duration, 3) : null,
    calories: kilojoulesToKcal(score?.kilojoule),
  });
}

export function toAthlete(provider: string, profile: WhoopProfile, body: WhoopBodyMeasurement | undefined): Athlete {
  return AthleteSchema.parse({
    id: String(profile.user_id),
    provider,
    firstname: profile.first_name ?? null,
    lastname: profile.last_name ?? null,
    weight_kg: orNull(body?.weight_kilogram),
  });
}

export function toSleepSession(provider: string, sleep: WhoopSleep): SleepSession {
  const score = sleep.score_state === 'SCORED' ? sleep.score : undefined;
  const stages = score?.stage_summary;
  const inBed = millisToSeconds(stages?.total_in_bed_time_milli);
  return SleepSessionSchema.parse({
    id: sleep.id,
    provider,
    start_time: utcInstant(sleep.start),
    end_time: utcInstant(sleep.end),
    duration_seconds: inBed ?? Math.max(0, Math.round((Date.parse(sleep.end) - Date.parse(sleep.start)) / 1000)),
    efficiency: orNull(score?.sleep_efficiency_percentage),
    score: orNull(score?.sleep_performance_percentage),
    stages: [],
    stage_totals: {
      awake_seconds: millisToSeconds(stages?.total_awake_time_milli),
      light_seconds: millisToSeconds(stages?.total_light_sleep_time_milli),
      deep_seconds: millisToSeconds(stages?.total_slow_wave_sleep_time_milli),
      rem_seconds: millisToSeconds(stages?.total_rem_sleep_time_milli),
    },
    average_heart_rate: null,
    hrv_rmssd_ms: null,
    respiratory_rate: orNull(score?.respiratory_rate),
  });
}

/** Minutes east of UTC from a WHOOP `timezone_offset` (`-05:00`, `+0530`, `Z`); 0 when unknown. */
export function offsetMinutes(offset: string | undefined): number {
  const match = offset ? /^([+-])(\d{2}):?(\d{2})$/.exec(offset.trim()) : null;
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/**
 * The calendar day a cycle stands for. A WHOOP cycle runs from one sleep onset to the next, so
 * it usually starts the evening before the day it covers: the day is the local date twelve
 * hours after the cycle starts (the day the user woke up into).
 */
export function cycleDate(cycle: Pick<WhoopCycle, 'start' | 'timezone_offset'>): string {
  const localMs = Date.parse(cycle.start) + offsetMinutes(cycle.timezone_offset) * 60_000;
  return new Date(localMs + DAY_MS / 2).toISOString().slice(0, 10);
}

export interface WhoopDay {
  date: string;
  cycle: WhoopCycle;
  recovery: WhoopRecovery | undefined;
}

/** Joins cycles and recoveries on `cycle_id`, oldest first. */
export function joinDays(cycles: readonly WhoopCycle[], recoveries: readonly WhoopRecovery[]): WhoopDay[] {
  const byCycle = new Map(recoveries.map((r) => [r.cycle_id, r]));
  return [...cycles]
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start))
    .map((cycle) => ({ date: cycleDate(cycle), cycle, recovery: byCycle.get(cycle.id) }));
}

export function toRecoveryMetrics(provider: string, day: WhoopDay): RecoveryMetrics {
  const recovery = day.recovery?.score_state === 'SCORED' ? day.recovery.score : undefined;
  const cycle = day.cycle.score_state === 'SCORED' ? day.cycle.score : undefined;
  return RecoveryMetricsSchema.parse({
    provider,
    date: day.date,
    recovery_score: orNull(recovery?.recovery_score),
    resting_heart_rate: orNull(recovery?.resting_heart_rate),
    hrv_rmssd_ms: orNull(recovery?.hrv_rmssd_milli),
    spo2_percentage: orNull(recovery?.spo2_percentage),
    skin_temp_celsius: orNull(recovery?.skin_temp_celsius),
    strain: orNull(cycle?.strain),
  });
}

/** Body mass index from WHOOP's height and weight, one decimal; null when either is missing. */
export function bmiOf(body: WhoopBodyMeasurement | undefined): number | null {
  const height = body?.height_meter;
  const weight = body?.weight_kilogram;
  if (!height || !weight || height <= 0) return null;
  return roundTo(weight / (height * height), 1);
}

/**
 * A day's health metrics: energy from the cycle's kilojoules, resting heart rate from its
 * recovery, and (for the current day only: WHOOP keeps no history of them) body measurements.
 */
export function toHealthMetrics(provider: string, day: WhoopDay, body: WhoopBodyMeasurement | undefined): HealthMetrics {
  const recovery = day.recovery?.score_state === 'SCORED' ? day.recovery.score : undefined;
  const cycle = day.cycle.score_state === 'SCORED' ? day.cycle.score : undefined;
  return HealthMetricsSchema.parse({
    provider,
    date: day.date,
    weight_kg: orNull(body?.weight_kilogram),
    bmi: bmiOf(body),
    resting_heart_rate: orNull(recovery?.resting_heart_rate),
    calories: kilojoulesToKcal(cycle?.kilojoule, 0),
  });
}

/** Body measurements alone, for a day WHOOP has no cycle for yet. */
export function bodyOnlyHealthMetrics(provider: string, date: string, body: WhoopBodyMeasurement): HealthMetrics {
  return HealthMetricsSchema.parse({ provider, date, weight_kg: orNull(body.weight_kilogram), bmi: bmiOf(body) });
}
