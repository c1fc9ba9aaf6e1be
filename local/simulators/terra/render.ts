/**
 * Per-user data for the Terra simulator: the shared synthetic generator produces a user's days,
 * rendered here in Terra's own JSON (data models 2022-03-16): local timestamps with microseconds
 * and the user's UTC offset, nested `*_data` objects, SI units, integer enums.
 */
import { createHash } from 'node:crypto';
import type { Activity, HealthMetrics, RecoveryMetrics, SleepSession, SportType } from '../../../shared/models';
import {
  DAY_MS,
  generateDay,
  generateProfile,
  windowOf,
  type SyntheticDay,
  type SyntheticProfile,
  type UserKey,
} from '../../../shared/providers/synthetic/generator';

/** Terra activity types (`metadata.type`) for the generator's sports. */
const TERRA_TYPES: Partial<Record<SportType, number>> = {
  run: 8,
  trail_run: 149,
  ride: 1,
  virtual_ride: 18,
  mountain_bike_ride: 15,
  swim: 82,
  walk: 7,
  hike: 35,
  rowing: 53,
  strength_training: 80,
  yoga: 100,
  hiit: 114,
  elliptical: 25,
  alpine_ski: 67,
  other: 108,
};

/** Terra SleepLevel values. */
const SLEEP_LEVELS = { awake: 1, light: 4, deep: 5, rem: 6 } as const;

const DEVICES: Record<string, { name: string; manufacturer: string }> = {
  GARMIN: { name: 'Forerunner 265', manufacturer: 'Garmin' },
  FITBIT: { name: 'Charge 6', manufacturer: 'Fitbit' },
  OURA: { name: 'Oura Ring Gen3', manufacturer: 'Oura' },
  POLAR: { name: 'Vantage V3', manufacturer: 'Polar' },
  WITHINGS: { name: 'ScanWatch 2', manufacturer: 'Withings' },
};

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/** `2026-07-01T07:04:11.000000+01:00`: Terra's local time with microseconds and offset. */
export function terraTime(ms: number, offsetHours: number): string {
  const local = new Date(ms + offsetHours * 3_600_000);
  const sign = offsetHours < 0 ? '-' : '+';
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    `.${pad(local.getUTCMilliseconds(), 3)}000${sign}${pad(Math.trunc(offsetHours))}:${pad(Math.round((Math.abs(offsetHours) % 1) * 60))}`
  );
}

/** A stable UUID-shaped id from any text (Terra summary ids are per-user unique strings). */
function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface TerraUserRecord {
  user_id: string;
  provider: string;
  reference_id: string | null;
  created_at: string;
  devId: string;
}

export function userJson(user: TerraUserRecord) {
  return {
    user_id: user.user_id,
    provider: user.provider,
    last_webhook_update: null,
    scopes: 'activity,sleep,body,daily,athlete',
    reference_id: user.reference_id,
    active: true,
    created_at: user.created_at,
  };
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Generated days of a Terra user, cached; one user's data never depends on another's. */
export class UserData {
  readonly profile: SyntheticProfile;
  private readonly key: UserKey;
  private readonly days = new Map<number, SyntheticDay>();

  constructor(
    readonly user: TerraUserRecord,
    private readonly now: () => number,
  ) {
    this.key = { seed: 'terra-simulator', tenantId: user.provider, userId: user.user_id };
    this.profile = generateProfile(this.key);
  }

  private get offset(): number {
    return this.profile.city.utcOffsetHours;
  }

  private day(day: number): SyntheticDay {
    let data = this.days.get(day);
    if (!data) {
      data = generateDay(this.key, this.profile, day, 'terra');
      this.days.set(day, data);
    }
    return data;
  }

  /** Day numbers of the user's history (90 days to today) that overlap [startMs, endMs]. */
  private daysBetween(startMs: number, endMs: number, slackDays = 1): number[] {
    const { first, last } = windowOf(this.now());
    const from = Math.max(first, Math.floor(startMs / DAY_MS) - slackDays);
    const to = Math.min(last, Math.floor(endMs / DAY_MS) + slackDays);
    const out: number[] = [];
    for (let d = from; d <= to; d++) out.push(d);
    return out;
  }

  /** Completed workouts that started within [startMs, endMs], in start order. */
  activities(startMs: number, endMs: number) {
    const now = this.now();
    return this.daysBetween(startMs, endMs)
      .flatMap((d) => this.day(d).activities)
      .filter((a) => {
        const started = Date.parse(a.start_date);
        return started >= startMs && started <= endMs && started + a.duration_seconds * 1000 <= now;
      })
      .map((a) => this.activityJson(a));
  }

  /** Nights that started within [startMs, endMs] and are over. */
  sleep(startMs: number, endMs: number) {
    const now = this.now();
    return this.daysBetween(startMs, endMs)
      .map((d) => this.day(d).sleep)
      .filter((s) => {
        const started = Date.parse(s.start_date);
        return started >= startMs && started <= endMs && Date.parse(s.end_date) <= now;
      })
      .map((s) => this.sleepJson(s));
  }

  /** Local days whose midnight falls within [startMs, endMs] and has passed. */
  private localDays(startMs: number, endMs: number): SyntheticDay[] {
    const now = this.now();
    return this.daysBetween(startMs, endMs)
      .filter((d) => {
        const midnight = this.localMidnight(d);
        return midnight >= startMs && midnight <= endMs && midnight <= now;
      })
      .map((d) => this.day(d));
  }

  daily(startMs: number, endMs: number) {
    return this.localDays(startMs, endMs).map((d) => this.dailyJson(d));
  }

  body(startMs: number, endMs: number) {
    return this.localDays(startMs, endMs).map((d) => this.bodyJson(d.day, d.health, d.recovery));
  }

  athleteJson() {
    const p = this.profile;
    const birthYear = new Date(this.now()).getUTCFullYear() - p.age;
    return {
      first_name: p.firstname,
      last_name: p.lastname,
      sex: p.sex,
      gender: p.sex,
      age: p.age,
      date_of_birth: `${birthYear}-0${1 + (p.age % 9)}-1${p.age % 10}`,
      city: p.city.city,
      state: null,
      country: p.city.country,
      email: null,
      bio: null,
    };
  }

  // ---- rendering ------------------------------------------------------------------------------

  private localMidnight(day: number): number {
    return day * DAY_MS - this.offset * 3_600_000;
  }

  private time(ms: number): string {
    return terraTime(ms, this.offset);
  }

  private device() {
    const device = DEVICES[this.user.provider] ?? { name: this.user.provider, manufacturer: this.user.provider };
    return { ...device, software_version: '18.22', serial_number: uuidFrom(`${this.user.user_id}|device`).slice(0, 12) };
  }

  summaryId(activity: Activity): string {
    return uuidFrom(`${this.user.user_id}|${activity.id}`);
  }

  private activityJson(a: Activity) {
    const startMs = Date.parse(a.start_date);
    const indoor = a.start_latitude === null || a.start_longitude === null;
    return {
      metadata: {
        name: a.name,
        summary_id: this.summaryId(a),
        type: TERRA_TYPES[a.sport_type] ?? 108,
        start_time: this.time(startMs),
        end_time: this.time(startMs + a.duration_seconds * 1000),
        upload_type: 1,
        city: a.city,
        country: a.country,
        state: a.region,
        timestamp_localization: 0,
      },
      active_durations_data: {
        activity_seconds: a.moving_time_seconds,
        rest_seconds: a.moving_time_seconds === null ? null : a.duration_seconds - a.moving_time_seconds,
      },
      calories_data: { total_burned_calories: a.calories, net_activity_calories: a.active_calories },
      distance_data: {
        summary: {
          distance_meters: a.distance_meters,
          steps: a.steps,
          elevation: { gain_actual_meters: a.elevation_gain_meters, loss_actual_meters: a.elevation_gain_meters },
          floors_climbed: null,
          swimming: null,
        },
      },
      heart_rate_data: {
        summary: {
          avg_hr_bpm: a.average_heart_rate,
          max_hr_bpm: a.max_heart_rate,
          user_max_hr_bpm: this.profile.maxHr,
          hr_zone_data: (a.heart_rate_zones ?? []).map((z) => ({
            zone: z.zone,
            name: z.name,
            start_percentage: z.min_heart_rate === null ? null : round((100 * z.min_heart_rate) / this.profile.maxHr, 2),
            end_percentage: z.max_heart_rate === null ? null : round((100 * z.max_heart_rate) / this.profile.maxHr, 2),
            duration_seconds: z.duration_seconds,
          })),
        },
      },
      movement_data: {
        avg_speed_meters_per_second: a.average_speed,
        max_speed_meters_per_second: a.max_speed,
        avg_cadence_rpm: a.average_cadence,
        max_cadence_rpm: a.max_cadence,
        avg_pace_minutes_per_kilometer: a.average_speed ? round(1000 / 60 / a.average_speed, 2) : null,
      },
      position_data: indoor ? null : { start_pos_lat_lng_deg: [a.start_latitude, a.start_longitude] },
      polyline_map_data: a.summary_polyline === null ? null : { summary_polyline: a.summary_polyline },
      power_data: a.average_power === null ? null : { avg_watts: a.average_power, max_watts: a.max_power },
      TSS_data:
        a.training_stress_score === null
          ? null
          : { TSS_samples: [{ actual: a.training_stress_score, planned: null, method: 'Power', normalized_power_watts: a.normalized_power }] },
      device_data: this.device(),
    };
  }

  private sleepJson(s: SleepSession) {
    const t = s.stage_totals;
    const asleep = (t.light_seconds ?? 0) + (t.deep_seconds ?? 0) + (t.rem_seconds ?? 0);
    return {
      metadata: {
        start_time: this.time(Date.parse(s.start_date)),
        end_time: this.time(Date.parse(s.end_date)),
        summary_id: uuidFrom(`${this.user.user_id}|${s.id}`),
        is_nap: false,
        upload_type: 1,
        timestamp_localization: 0,
      },
      sleep_durations_data: {
        asleep: {
          duration_asleep_state_seconds: s.time_asleep_seconds ?? asleep,
          duration_deep_sleep_state_seconds: t.deep_seconds,
          duration_light_sleep_state_seconds: t.light_seconds,
          duration_REM_sleep_state_seconds: t.rem_seconds,
          num_REM_events: s.stages.filter((st) => st.stage === 'rem').length,
        },
        awake: {
          duration_awake_state_seconds: t.awake_seconds,
          num_wakeup_events: s.wake_count,
          sleep_latency_seconds: s.onset_latency_seconds,
        },
        other: { duration_in_bed_seconds: s.time_in_bed_seconds, duration_unmeasurable_sleep_seconds: 0 },
        sleep_efficiency: s.efficiency_percentage,
        hypnogram_samples: s.stages.map((st) => ({ timestamp: this.time(Date.parse(st.start_date)), level: SLEEP_LEVELS[st.stage] })),
      },
      heart_rate_data: { summary: { avg_hr_bpm: s.average_heart_rate, avg_hrv_rmssd: s.hrv_rmssd_ms } },
      respiration_data: {
        breaths_data: { avg_breaths_per_min: s.respiratory_rate },
        oxygen_saturation_data: { avg_saturation_percentage: s.spo2_percentage },
      },
      temperature_data: { delta: s.skin_temp_deviation_celsius },
      scores: { sleep: s.sleep_score },
      device_data: this.device(),
    };
  }

  private dailyJson(d: SyntheticDay) {
    const h = d.health;
    const moving = d.activities.reduce((sum, a) => sum + a.duration_seconds, 0);
    const walked = d.activities.reduce((sum, a) => sum + (a.steps ? (a.distance_meters ?? 0) : 0), 0);
    const strideMeters = (this.profile.heightCm / 100) * 0.415;
    const midnight = this.localMidnight(d.day);
    return {
      metadata: { start_time: this.time(midnight), end_time: this.time(midnight + DAY_MS), upload_type: 1, timestamp_localization: 0 },
      distance_data: {
        steps: h.steps,
        distance_meters: h.steps === null ? null : round(Math.max(walked, h.steps * strideMeters), 1),
        floors_climbed: null,
      },
      calories_data: { total_burned_calories: h.calories, net_activity_calories: h.active_calories, BMR_calories: h.bmr_calories },
      stress_data: { avg_stress_level: d.recovery.stress_level },
      heart_rate_data: { summary: { resting_hr_bpm: h.resting_heart_rate } },
      oxygen_data: { vo2max_ml_per_min_per_kg: h.vo2max, avg_saturation_percentage: d.recovery.spo2_percentage },
      active_durations_data: { activity_seconds: moving },
      device_data: this.device(),
    };
  }

  private bodyJson(day: number, h: HealthMetrics, r: RecoveryMetrics) {
    const midnight = this.localMidnight(day);
    return {
      metadata: { start_time: this.time(midnight), end_time: this.time(midnight + DAY_MS), timestamp_localization: 0 },
      measurements_data: {
        measurements: [
          {
            measurement_time: this.time(midnight + (7 * 60 + (day % 40)) * 60_000),
            weight_kg: h.weight_kg,
            bodyfat_percentage: h.body_fat_percentage,
            BMI: h.bmi,
            height_cm: this.profile.heightCm,
            muscle_mass_g: h.muscle_mass_kg === null ? null : Math.round(h.muscle_mass_kg * 1000),
            bone_mass_g: h.bone_mass_kg === null ? null : Math.round(h.bone_mass_kg * 1000),
            water_percentage: h.body_water_percentage,
          },
        ],
      },
      blood_pressure_data: {
        day_avg_systolic_bp: h.blood_pressure_systolic_mmhg,
        day_avg_diastolic_bp: h.blood_pressure_diastolic_mmhg,
        blood_pressure_samples: [
          {
            timestamp: this.time(midnight + (7 * 60 + 20) * 60_000),
            systolic_bp: h.blood_pressure_systolic_mmhg,
            diastolic_bp: h.blood_pressure_diastolic_mmhg,
          },
        ],
      },
      glucose_data: { day_avg_blood_glucose_mg_per_dL: h.blood_glucose_mg_dl },
      heart_data: { heart_rate_data: { summary: { resting_hr_bpm: r.resting_heart_rate } } },
      device_data: this.device(),
    };
  }
}
