/** WHOOP v2 JSON -> the unified models: kilojoules to kcal, milliseconds to seconds. */
import { roundTo } from '../units';
import {
  ActivitySchema,
  AthleteSchema,
  HealthMetricsSchema,
  RecoveryMetricsSchema,
  SleepSessionSchema,
  endDateOf,
  type Activity,
  type Athlete,
  type HeartRateZone,
  type HealthMetrics,
  type RecoveryMetrics,
  type SleepSession,
  type SportType,
} from '../../models';
import type { WhoopBodyMeasurement, WhoopCycle, WhoopProfile, WhoopRecovery, WhoopSleep, WhoopWorkout } from './schemas';

const KJ_PER_KCAL = 4.184;
const DAY_MS = 86_400_000;

const orNull = (value: number | null | undefined): number | null => (value === undefined || value === null ? null : value);

export function kilojoulesToKcal(kj: number | null | undefined, digits = 1): number | null {
  return kj === undefined || kj === null ? null : roundTo(kj / KJ_PER_KCAL, digits);
}

function millisToSeconds(ms: number | null | undefined): number | null {
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
  [/^(spin|indoor cycling|assault bike)$/, 'virtual_ride'],
  [/^(cycling|road cycling|biking)$/, 'ride'],
  [/^swim/, 'swim'],
  [/^(walking|dog walking|stroller walking)$/, 'walk'],
  [/hiking|rucking/, 'hike'],
  [/^rowing$/, 'rowing'],
  [/kayak/, 'kayaking'],
  [/canoe/, 'canoeing'],
  [/paddleboard/, 'stand_up_paddling'],
  [/kite/, 'kitesurfing'],
  [/surf/, 'surfing'],
  [/sail/, 'sailing'],
  [/snowboard/, 'snowboard'],
  [/cross country ski/, 'cross_country_ski'],
  [/backcountry|skiing touring|ski touring/, 'backcountry_ski'],
  [/ski/, 'alpine_ski'],
  [/ice skat|ice hockey/, 'ice_skate'],
  [/inline skat/, 'inline_skate'],
  [/skateboard/, 'skateboard'],
  [/crossfit/, 'crossfit'],
  [/weightlifting|powerlifting|functional fitness|strength/, 'strength_training'],
  [/pilates/, 'pilates'],
  [/yoga/, 'yoga'],
  [/^hiit$/, 'hiit'],
  [/^elliptical$/, 'elliptical'],
  [/stair/, 'stair_stepper'],
  [/climb/, 'rock_climbing'],
  [/danc|barre/, 'dance'],
  [/box|kickbox/, 'boxing'],
  [/martial|jiu jitsu|judo|karate|wrestling/, 'martial_arts'],
  [/^(soccer|football \(soccer\))$/, 'soccer'],
  [/basketball/, 'basketball'],
  [/volleyball/, 'volleyball'],
  [/hockey/, 'hockey'],
  [/rugby/, 'rugby'],
  [/^football$/, 'american_football'],
  [/baseball|softball/, 'baseball'],
  [/table tennis/, 'table_tennis'],
  [/pickleball/, 'pickleball'],
  [/padel/, 'padel'],
  [/tennis/, 'tennis'],
  [/badminton/, 'badminton'],
  [/squash/, 'squash'],
  [/golf/, 'golf'],
  [/triathlon|duathlon/, 'multisport'],
  [/^(activity|other|meditation|sauna)$/, 'workout'],
];

/** WHOOP `sport_name` (`running`, `hiking/rucking`, `functional fitness`, ...) -> unified sport. */
export function sportTypeOf(sportName: string): SportType {
  const name = sportName.toLowerCase().replace(/[_-]+/g, ' ').replace(/\s+/g, ' ').trim();
  return SPORTS.find(([pattern]) => pattern.test(name))?.[1] ?? 'other';
}

/** WHOOP workouts carry no title: `hiking/rucking` becomes `Hiking/Rucking`. */
export function workoutName(sportName: string): string {
  const label = sportName
    .replace(/[_]+/g, ' ')
    .trim()
    .replace(/(^|[\s/-])(\p{L})/gu, (_m, sep: string, c: string) => sep + c.toUpperCase());
  return label || 'Workout';
}

const ZONES = ['zone_zero_milli', 'zone_one_milli', 'zone_two_milli', 'zone_three_milli', 'zone_four_milli', 'zone_five_milli'] as const;

/** WHOOP's six zones (0-5) as time in zone; null when WHOOP sent none. */
function zonesOf(durations: NonNullable<WhoopWorkout['score']>['zone_durations']): HeartRateZone[] | null {
  if (!durations) return null;
  const zones = ZONES.flatMap((key, zone) => {
    const seconds = millisToSeconds(durations[key]);
    return seconds === null ? [] : [{ zone, name: null, min_heart_rate: null, max_heart_rate: null, duration_seconds: seconds }];
  });
  return zones.length > 0 ? zones : null;
}

/** `2026-11-25T07:30:00` at WHOOP's `timezone_offset`; null without one. */
function wallClock(instant: string, offset: string | undefined): string | null {
  if (offset === undefined || !/^([+-])(\d{2}):?(\d{2})$|^Z$/.test(offset.trim())) return null;
  return new Date(Date.parse(instant) + offsetMinutes(offset) * 60_000).toISOString().slice(0, 19);
}

/**
 * A workout runs from `start` to `end` (elapsed time; WHOOP has no moving time). `kilojoule`
 * is the energy WHOOP counts for the workout, resting energy included: total calories.
 */
export function toActivity(provider: string, workout: WhoopWorkout): Activity {
  const startMs = Date.parse(workout.start);
  const duration = Math.max(0, Math.round((Date.parse(workout.end) - startMs) / 1000));
  // Measurements exist only once WHOOP has scored the workout.
  const score = workout.score_state === 'SCORED' ? workout.score : undefined;
  const distance = orNull(score?.distance_meter);
  const start = utcInstant(workout.start);
  return ActivitySchema.parse({
    id: workout.id,
    provider,
    name: workoutName(workout.sport_name),
    sport_type: sportTypeOf(workout.sport_name),
    sport_type_detail: workout.sport_name,
    start_date: start,
    end_date: endDateOf(start, duration),
    start_date_local: wallClock(workout.start, workout.timezone_offset),
    utc_offset_seconds: workout.timezone_offset === undefined ? null : offsetMinutes(workout.timezone_offset) * 60,
    duration_seconds: duration,
    distance_meters: distance,
    elevation_gain_meters: orNull(score?.altitude_gain_meter),
    average_heart_rate: orNull(score?.average_heart_rate),
    max_heart_rate: orNull(score?.max_heart_rate),
    heart_rate_zones: zonesOf(score?.zone_durations),
    average_speed: distance !== null && duration > 0 ? roundTo(distance / duration, 3) : null,
    calories: kilojoulesToKcal(score?.kilojoule),
    strain: orNull(score?.strain),
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
  const asleepMs = [stages?.total_light_sleep_time_milli, stages?.total_slow_wave_sleep_time_milli, stages?.total_rem_sleep_time_milli];
  return SleepSessionSchema.parse({
    id: sleep.id,
    provider,
    start_date: utcInstant(sleep.start),
    end_date: utcInstant(sleep.end),
    time_in_bed_seconds: inBed ?? Math.max(0, Math.round((Date.parse(sleep.end) - Date.parse(sleep.start)) / 1000)),
    time_asleep_seconds: asleepMs.every((ms) => ms === null || ms === undefined) ? null : millisToSeconds(asleepMs.reduce<number>((a, b) => a + (b ?? 0), 0)),
    efficiency_percentage: orNull(score?.sleep_efficiency_percentage),
    sleep_score: orNull(score?.sleep_performance_percentage),
    is_nap: sleep.nap ?? null,
    wake_count: orNull(stages?.disturbance_count),
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
function offsetMinutes(offset: string | undefined): number {
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
  const bmi = roundTo(weight / (height * height), 1);
  // A height too small to square (a typo, a unit mix-up) gives no usable BMI.
  return Number.isFinite(bmi) ? bmi : null;
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
    height_meters: orNull(body?.height_meter),
    bmi: bmiOf(body),
    resting_heart_rate: orNull(recovery?.resting_heart_rate),
    calories: kilojoulesToKcal(cycle?.kilojoule, 0),
  });
}

/** Body measurements alone, for a day WHOOP has no cycle for yet. */
export function bodyOnlyHealthMetrics(provider: string, date: string, body: WhoopBodyMeasurement): HealthMetrics {
  return HealthMetricsSchema.parse({ provider, date, weight_kg: orNull(body.weight_kilogram), height_meters: orNull(body.height_meter), bmi: bmiOf(body) });
}
