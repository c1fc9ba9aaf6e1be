/** Terra's native JSON -> the unified models. Terra already speaks SI units (m, m/s, kcal, W, bpm) except grams of body mass and centimetres of height. */
import {
  ActivitySchema,
  AthleteSchema,
  cadenceUnitOf,
  type HeartRateZone,
  HealthMetricsSchema,
  SleepSessionSchema,
  type Activity,
  type Athlete,
  type HealthMetrics,
  type SleepSession,
  SPORT_LABELS,
} from '../../models';
import { sportTypeOf, typeTitleOf } from './activity-types';
import type { TerraActivity, TerraAthlete, TerraBody, TerraDaily, TerraSleep, TerraUser } from './schemas';
import { localDateOf, localWallClockOf, offsetSecondsOf, parseTerraTime, utcInstant } from './time';

const orNull = (value: number | null | undefined): number | null => (value === undefined ? null : value);

/** Terra's zones, bounds turned from percentages of the user's maximum into beats per minute. */
function zonesOf(hr: NonNullable<NonNullable<TerraActivity['heart_rate_data']>['summary']> | null | undefined): HeartRateZone[] | null {
  const zones = hr?.hr_zone_data ?? [];
  const max = hr?.user_max_hr_bpm ?? null;
  const bpm = (pct: number | null | undefined) => (max === null || pct === null || pct === undefined ? null : Math.round((max * pct) / 100));
  const out = zones.flatMap((z, i) =>
    z.duration_seconds === null || z.duration_seconds === undefined
      ? []
      : [
          {
            zone: z.zone ?? i,
            name: z.name ?? null,
            min_heart_rate: bpm(z.start_percentage),
            max_heart_rate: bpm(z.end_percentage),
            duration_seconds: z.duration_seconds,
          },
        ],
  );
  return out.length > 0 ? out : null;
}

const text = (value: string | null | undefined): string | null => (value && value.trim() !== '' ? value.trim() : null);

/**
 * Terra's activity: elapsed time is start to end, moving time `active_durations_data.
 * activity_seconds`; `total_burned_calories` is total energy and `net_activity_calories` the
 * active part; Terra calls every cadence `rpm` and passes on the source's sport unit.
 */
export function activityFromTerra(raw: TerraActivity, provider: string): Activity {
  const meta = raw.metadata;
  const startMs = parseTerraTime(meta.start_time);
  const endMs = parseTerraTime(meta.end_time);
  const sport = sportTypeOf(meta.type);
  const moving = orNull(raw.active_durations_data?.activity_seconds);
  const elapsed = Math.max(0, Math.round((endMs - startMs) / 1000));
  const summary = raw.distance_data?.summary;
  const hr = raw.heart_rate_data?.summary;
  const movement = raw.movement_data;
  const start = raw.position_data?.start_pos_lat_lng_deg;
  const tss = raw.TSS_data?.TSS_samples?.find((t) => t.actual !== null && t.actual !== undefined);
  const cadenced = cadenceUnitOf(sport) !== undefined;
  return ActivitySchema.parse({
    id: meta.summary_id,
    provider,
    name: meta.name?.trim() || SPORT_LABELS[sport],
    sport_type: sport,
    sport_type_detail: typeTitleOf(meta.type),
    start_date: utcInstant(startMs),
    end_date: utcInstant(startMs + elapsed * 1000),
    start_date_local: localWallClockOf(meta.start_time),
    utc_offset_seconds: offsetSecondsOf(meta.start_time),
    duration_seconds: elapsed,
    moving_time_seconds: moving === null ? null : Math.round(moving),
    distance_meters: orNull(summary?.distance_meters),
    elevation_gain_meters: orNull(summary?.elevation?.gain_actual_meters),
    average_heart_rate: orNull(hr?.avg_hr_bpm),
    max_heart_rate: orNull(hr?.max_hr_bpm),
    heart_rate_zones: zonesOf(hr),
    average_speed: orNull(movement?.avg_speed_meters_per_second),
    max_speed: orNull(movement?.max_speed_meters_per_second),
    calories: orNull(raw.calories_data?.total_burned_calories),
    active_calories: orNull(raw.calories_data?.net_activity_calories),
    average_power: orNull(raw.power_data?.avg_watts),
    max_power: orNull(raw.power_data?.max_watts),
    normalized_power: orNull(tss?.normalized_power_watts),
    average_cadence: cadenced ? orNull(movement?.avg_cadence_rpm) : null,
    max_cadence: cadenced ? orNull(movement?.max_cadence_rpm) : null,
    steps: orNull(summary?.steps),
    training_stress_score: orNull(tss?.actual),
    start_latitude: start && start.length >= 2 ? orNull(start[0]) : null,
    start_longitude: start && start.length >= 2 ? orNull(start[1]) : null,
    summary_polyline: text(raw.polyline_map_data?.summary_polyline),
    city: text(meta.city),
    region: text(meta.state),
    country: text(meta.country),
    device_name: text(raw.device_data?.name),
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
    else stages.push({ stage: sample.stage, start_date: utcInstant(sample.at), duration_seconds: seconds });
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
  const asleep = durations?.asleep?.duration_asleep_state_seconds;
  const hr = raw.heart_rate_data?.summary;
  return SleepSessionSchema.parse({
    id: raw.metadata.summary_id || `terra-sleep-${Math.floor(startMs / 1000)}`,
    provider,
    start_date: utcInstant(startMs),
    end_date: utcInstant(endMs),
    time_in_bed_seconds: Math.max(0, Math.round(inBed)),
    time_asleep_seconds: asleep === null || asleep === undefined ? null : Math.round(asleep),
    efficiency_percentage: percentage(durations?.sleep_efficiency),
    sleep_score: orNull(raw.scores?.sleep ?? raw.scores?.sleep_score),
    is_nap: raw.metadata.is_nap ?? null,
    wake_count: orNull(durations?.awake?.num_wakeup_events),
    onset_latency_seconds: orNull(durations?.awake?.sleep_latency_seconds),
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
    spo2_percentage: orNull(raw.respiration_data?.oxygen_saturation_data?.avg_saturation_percentage),
    skin_temp_deviation_celsius: orNull(raw.temperature_data?.delta),
  });
}

type Measurement = NonNullable<NonNullable<TerraBody['measurements_data']>['measurements']>[number];

interface DayParts {
  daily?: TerraDaily;
  measurement?: Measurement & { at: number };
  bodyRestingHr?: number | null;
  bloodPressure?: { systolic: number | null; diastolic: number | null };
  glucose?: number | null;
}

/** The day's average blood pressure: Terra's own, else the mean of its samples. */
function bloodPressureOf(b: TerraBody): DayParts['bloodPressure'] {
  const data = b.blood_pressure_data;
  if (!data) return undefined;
  const mean = (values: (number | null | undefined)[]) => {
    const known = values.filter((v): v is number => v !== null && v !== undefined);
    return known.length === 0 ? null : Math.round(known.reduce((a, c) => a + c, 0) / known.length);
  };
  const samples = data.blood_pressure_samples ?? [];
  return {
    systolic: orNull(data.day_avg_systolic_bp) ?? mean(samples.map((s) => s.systolic_bp)),
    diastolic: orNull(data.day_avg_diastolic_bp) ?? mean(samples.map((s) => s.diastolic_bp)),
  };
}

const gramsToKg = (grams: number | null | undefined): number | null => (grams === null || grams === undefined ? null : Math.round(grams) / 1000);

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
    const day = partsOf(localDateOf(b.metadata.start_time));
    if (resting !== null && resting !== undefined) day.bodyRestingHr = resting;
    const pressure = bloodPressureOf(b);
    if (pressure) day.bloodPressure = pressure;
    const glucose = b.glucose_data?.day_avg_blood_glucose_mg_per_dL ?? b.glucose_data?.day_avg_blood_glucose_mg_per_dl;
    if (glucose !== null && glucose !== undefined) day.glucose = glucose;
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
        height_meters: parts.measurement?.height_cm ? Math.round(parts.measurement.height_cm) / 100 : null,
        body_fat_percentage: orNull(parts.measurement?.bodyfat_percentage),
        bmi: orNull(parts.measurement?.BMI),
        muscle_mass_kg: gramsToKg(parts.measurement?.muscle_mass_g),
        bone_mass_kg: gramsToKg(parts.measurement?.bone_mass_g),
        body_water_percentage: orNull(parts.measurement?.water_percentage),
        resting_heart_rate: orNull(parts.daily?.heart_rate_data?.summary?.resting_hr_bpm ?? parts.bodyRestingHr),
        steps: orNull(parts.daily?.distance_data?.steps),
        calories: orNull(parts.daily?.calories_data?.total_burned_calories),
        active_calories: orNull(parts.daily?.calories_data?.net_activity_calories),
        bmr_calories: orNull(parts.daily?.calories_data?.BMR_calories),
        vo2max: orNull(parts.daily?.oxygen_data?.vo2max_ml_per_min_per_kg),
        blood_pressure_systolic_mmhg: parts.bloodPressure?.systolic ?? null,
        blood_pressure_diastolic_mmhg: parts.bloodPressure?.diastolic ?? null,
        blood_glucose_mg_dl: parts.glucose ?? null,
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

export function athleteFromTerra(user: Pick<TerraUser, 'user_id'>, athlete: TerraAthlete, provider: string): Athlete {
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
