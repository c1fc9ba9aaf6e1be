/** Terra's native JSON -> the unified models. Terra already speaks SI units (m, m/s, kcal, W, bpm). */
import {
  ActivitySchema,
  AthleteSchema,
  HealthMetricsSchema,
  SleepSessionSchema,
  type Activity,
  type Athlete,
  type HealthMetrics,
  type SleepSession,
  type SportType,
  SPORT_LABELS,
} from '../../models';
import { sportTypeOf } from './activity-types';
import type { TerraActivity, TerraAthlete, TerraBody, TerraDaily, TerraSleep, TerraUser } from './schemas';
import { localDateOf, parseTerraTime, utcInstant } from './time';

const orNull = (value: number | null | undefined): number | null => (value === undefined ? null : value);

export function activityFromTerra(raw: TerraActivity, provider: string): Activity {
  const meta = raw.metadata;
  const startMs = parseTerraTime(meta.start_time);
  const endMs = parseTerraTime(meta.end_time);
  const sport = sportTypeOf(meta.type);
  const moving = raw.active_durations_data?.activity_seconds;
  const duration = moving !== null && moving !== undefined ? moving : (endMs - startMs) / 1000;
  const summary = raw.distance_data?.summary;
  const hr = raw.heart_rate_data?.summary;
  const movement = raw.movement_data;
  const start = raw.position_data?.start_pos_lat_lng_deg;
  return ActivitySchema.parse({
    id: meta.summary_id,
    provider,
    name: meta.name?.trim() || (SPORT_LABELS[sport]),
    sport_type: sport,
    start_date: utcInstant(startMs),
    duration_seconds: Math.max(0, Math.round(duration)),
    distance_meters: orNull(summary?.distance_meters),
    elevation_gain: orNull(summary?.elevation?.gain_actual_meters),
    average_heart_rate: orNull(hr?.avg_hr_bpm),
    max_heart_rate: orNull(hr?.max_hr_bpm),
    average_speed: orNull(movement?.avg_speed_meters_per_second),
    max_speed: orNull(movement?.max_speed_meters_per_second),
    calories: orNull(raw.calories_data?.total_burned_calories),
    average_power: orNull(raw.power_data?.avg_watts),
    average_cadence: orNull(movement?.avg_cadence_rpm),
    steps: orNull(summary?.steps),
    start_latitude: start && start.length >= 2 ? orNull(start[0]) : null,
    start_longitude: start && start.length >= 2 ? orNull(start[1]) : null,
  });
}

type Stage = 'awake' | 'light' | 'deep' | 'rem';

/** Terra SleepLevel: 0 unknown, 1 awake, 2 sleeping (unstaged), 3 out of bed, 4 light, 5 deep, 6 REM. */
const LEVELS: ReadonlyMap<number, Stage> = new Map<number, Stage>([
  [1, 'awake'],
  [2, 'light'],
  [3, 'awake'],
  [4, 'light'],
  [5, 'deep'],
  [6, 'rem'],
]);

/** Hypnogram samples mark stage changes; each stage lasts until the next sample (or the end). */
function stagesOf(raw: TerraSleep, endMs: number): SleepSession['stages'] {
  const samples = (raw.sleep_durations_data?.hypnogram_samples ?? [])
    .map((s) => ({ at: s.timestamp ? parseTerraTime(s.timestamp) : Number.NaN, stage: LEVELS.get(s.level ?? 0) }))
    .filter((s): s is { at: number; stage: Stage } => !Number.isNaN(s.at) && s.stage !== undefined && s.at < endMs)
    .sort((a, b) => a.at - b.at);
  const stages: SleepSession['stages'] = [];
  samples.forEach((sample, i) => {
    const until = samples[i + 1]?.at ?? endMs;
    const seconds = Math.round((until - sample.at) / 1000);
    if (seconds <= 0) return;
    const last = stages.at(-1);
    if (last && last.stage === sample.stage) last.duration_seconds += seconds;
    else stages.push({ stage: sample.stage, start_time: utcInstant(sample.at), duration_seconds: seconds });
  });
  return stages;
}

/** Terra documents `sleep_efficiency` as a percentage; some sources send a 0-1 ratio. */
function percentage(value: number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  return value <= 1 ? Math.round(value * 1000) / 10 : value;
}

export function sleepFromTerra(raw: TerraSleep, provider: string): SleepSession {
  const startMs = parseTerraTime(raw.metadata.start_time);
  const endMs = parseTerraTime(raw.metadata.end_time);
  const durations = raw.sleep_durations_data;
  const inBed = durations?.other?.duration_in_bed_seconds ?? (endMs - startMs) / 1000;
  const hr = raw.heart_rate_data?.summary;
  return SleepSessionSchema.parse({
    id: raw.metadata.summary_id || `terra-sleep-${Math.floor(startMs / 1000)}`,
    provider,
    start_time: utcInstant(startMs),
    end_time: utcInstant(endMs),
    duration_seconds: Math.max(0, Math.round(inBed)),
    efficiency: percentage(durations?.sleep_efficiency),
    score: orNull(raw.scores?.sleep ?? raw.scores?.sleep_score),
    stages: stagesOf(raw, endMs),
    stage_totals: {
      awake_seconds: orNull(durations?.awake?.duration_awake_state_seconds),
      light_seconds: orNull(durations?.asleep?.duration_light_sleep_state_seconds),
      deep_seconds: orNull(durations?.asleep?.duration_deep_sleep_state_seconds),
      rem_seconds: orNull(durations?.asleep?.duration_REM_sleep_state_seconds),
    },
    average_heart_rate: orNull(hr?.avg_hr_bpm),
    hrv_rmssd_ms: orNull(hr?.avg_hrv_rmssd),
    respiratory_rate: orNull(raw.respiration_data?.breaths_data?.avg_breaths_per_min),
  });
}

interface DayParts {
  daily?: TerraDaily;
  measurement?: { at: number; weight_kg?: number | null; bodyfat_percentage?: number | null; BMI?: number | null };
  bodyRestingHr?: number | null;
}

/**
 * One health record per local calendar day, oldest first: steps, calories, resting heart
 * rate and VO2max from `daily` payloads (the latest copy of a day wins: Terra re-sends a day
 * as it fills up), weight, body fat and BMI from the day's latest `body` measurement.
 */
export function healthFromTerra(daily: readonly TerraDaily[], body: readonly TerraBody[], provider: string): HealthMetrics[] {
  const days = new Map<string, DayParts>();
  const partsOf = (date: string) => {
    let parts = days.get(date);
    if (!parts) days.set(date, (parts = {}));
    return parts;
  };
  for (const d of daily) {
    const parts = partsOf(localDateOf(d.metadata.start_time));
    const previousEnd = parts.daily ? parseTerraTime(parts.daily.metadata.end_time) : Number.NEGATIVE_INFINITY;
    if (parseTerraTime(d.metadata.end_time) >= previousEnd) parts.daily = d;
  }
  for (const b of body) {
    const resting = b.heart_data?.heart_rate_data?.summary?.resting_hr_bpm;
    if (resting !== null && resting !== undefined) partsOf(localDateOf(b.metadata.start_time)).bodyRestingHr = resting;
    for (const m of b.measurements_data?.measurements ?? []) {
      const when = m.measurement_time ?? b.metadata.start_time;
      const at = parseTerraTime(when);
      const parts = partsOf(localDateOf(when));
      if (!parts.measurement || at >= parts.measurement.at) parts.measurement = { ...m, at };
    }
  }
  return [...days.entries()]
    .filter(([date]) => /^\d{4}-\d{2}-\d{2}$/.test(date))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, parts]) =>
      HealthMetricsSchema.parse({
        provider,
        date,
        weight_kg: orNull(parts.measurement?.weight_kg),
        body_fat_percentage: orNull(parts.measurement?.bodyfat_percentage),
        bmi: orNull(parts.measurement?.BMI),
        resting_heart_rate: orNull(parts.daily?.heart_rate_data?.summary?.resting_hr_bpm ?? parts.bodyRestingHr),
        steps: orNull(parts.daily?.distance_data?.steps),
        calories: orNull(parts.daily?.calories_data?.total_burned_calories),
        vo2max: orNull(parts.daily?.oxygen_data?.vo2max_ml_per_min_per_kg),
      }),
    );
}

function sexOf(value: string | null | undefined): Athlete['sex'] {
  const v = value?.trim().toLowerCase();
  if (!v) return null;
  if (v === 'male' || v === 'm') return 'male';
  if (v === 'female' || v === 'f') return 'female';
  return 'other';
}

export function athleteFromTerra(
  user: Pick<TerraUser, 'user_id'>,
  athlete: TerraAthlete,
  provider: string,
): Athlete {
  return AthleteSchema.parse({
    id: user.user_id,
    provider,
    username: null,
    firstname: athlete.first_name ?? null,
    lastname: athlete.last_name ?? null,
    profile_picture: null,
    sex: sexOf(athlete.sex ?? athlete.gender),
    weight_kg: null,
    city: athlete.city ?? null,
    country: athlete.country ?? null,
  });
}
