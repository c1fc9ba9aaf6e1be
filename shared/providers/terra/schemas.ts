/**
 * Zod schemas of Terra's native JSON (API v2, data models version 2022-03-16), reduced to the
 * fields we map. Terra documents every field as nullable unless stated otherwise and may add
 * fields at any time, so objects are loose and leaves are `nullish`.
 */
import * as z from '../../zod';
import { parseTerraTime } from './time';

const num = z.nullish(z.number());
const str = z.nullish(z.string());

/** Offsets are optional in Terra timestamps ("microsecond precision, timezone when possible"). */
const TERRA_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([zZ]|[+-]\d{2}:?\d{2})?$/;
const time = z.string().check(
  z.regex(TERRA_TIME, 'not an ISO-8601 date-time'),
  z.refine((value) => !Number.isNaN(parseTerraTime(value)), 'not a valid date-time'),
);

export const TerraUserSchema = z.looseObject({
  user_id: z.string().check(z.minLength(1)),
  provider: z.string().check(z.minLength(1)),
  reference_id: str,
  scopes: str,
  active: z.nullish(z.boolean()),
  created_at: str,
  last_webhook_update: str,
});
export type TerraUser = z.infer<typeof TerraUserSchema>;

/** `POST /api/widget/session`: `url` is the widget page; the rest of the answer is unverified, so only `url` is required. */
export const WidgetSessionResponseSchema = z.looseObject({
  url: z.url(),
  session_id: z.optional(z.string().check(z.minLength(1))),
});

export const UserInfoResponseSchema = z.looseObject({
  status: str,
  user: TerraUserSchema,
  is_authenticated: z.nullish(z.boolean()),
});

export const DeauthResponseSchema = z.looseObject({ status: str });

const HeartRateSummarySchema = z.looseObject({
  avg_hr_bpm: num,
  max_hr_bpm: num,
  min_hr_bpm: num,
  resting_hr_bpm: num,
  user_max_hr_bpm: num,
  avg_hrv_rmssd: num,
  /** Zero-based zones; bounds are percentages of the user's maximum heart rate. */
  hr_zone_data: z.nullish(z.array(z.looseObject({ zone: num, name: str, start_percentage: num, end_percentage: num, duration_seconds: num }))),
});
const HeartRateDataSchema = z.looseObject({ summary: z.nullish(HeartRateSummarySchema) });

export const TerraActivitySchema = z.looseObject({
  metadata: z.looseObject({
    summary_id: z.string().check(z.minLength(1)),
    name: str,
    type: z.number().check(z.int()),
    start_time: time,
    end_time: time,
    upload_type: num,
    city: str,
    state: str,
    country: str,
  }),
  /** `activity_seconds` is time in motion, `rest_seconds` the pauses. */
  active_durations_data: z.nullish(z.looseObject({ activity_seconds: num, rest_seconds: num })),
  /** Total energy (resting included) and the energy above resting, kcal. */
  calories_data: z.nullish(z.looseObject({ total_burned_calories: num, net_activity_calories: num })),
  distance_data: z.nullish(
    z.looseObject({
      summary: z.nullish(
        z.looseObject({
          distance_meters: num,
          steps: num,
          elevation: z.nullish(z.looseObject({ gain_actual_meters: num })),
        }),
      ),
    }),
  ),
  heart_rate_data: z.nullish(HeartRateDataSchema),
  movement_data: z.nullish(
    z.looseObject({
      avg_speed_meters_per_second: num,
      max_speed_meters_per_second: num,
      avg_cadence_rpm: num,
      max_cadence_rpm: num,
    }),
  ),
  position_data: z.nullish(z.looseObject({ start_pos_lat_lng_deg: z.nullish(z.array(z.nullable(z.number()))) })),
  polyline_map_data: z.nullish(z.looseObject({ summary_polyline: str })),
  power_data: z.nullish(z.looseObject({ avg_watts: num, max_watts: num })),
  TSS_data: z.nullish(
    z.looseObject({ TSS_samples: z.nullish(z.array(z.looseObject({ actual: num, planned: num, method: str, normalized_power_watts: num }))) }),
  ),
  device_data: z.nullish(z.looseObject({ name: str, manufacturer: str })),
});
export type TerraActivity = z.infer<typeof TerraActivitySchema>;

export const TerraSleepSchema = z.looseObject({
  metadata: z.looseObject({
    start_time: time,
    end_time: time,
    summary_id: str,
    is_nap: z.nullish(z.boolean()),
    upload_type: num,
  }),
  sleep_durations_data: z.nullish(
    z.looseObject({
      asleep: z.nullish(
        z.looseObject({
          duration_asleep_state_seconds: num,
          duration_deep_sleep_state_seconds: num,
          duration_light_sleep_state_seconds: num,
          duration_REM_sleep_state_seconds: num,
        }),
      ),
      awake: z.nullish(z.looseObject({ duration_awake_state_seconds: num, num_wakeup_events: num, sleep_latency_seconds: num })),
      other: z.nullish(z.looseObject({ duration_in_bed_seconds: num })),
      sleep_efficiency: num,
      hypnogram_samples: z.nullish(z.array(z.looseObject({ timestamp: str, level: num }))),
    }),
  ),
  heart_rate_data: z.nullish(HeartRateDataSchema),
  respiration_data: z.nullish(
    z.looseObject({
      breaths_data: z.nullish(z.looseObject({ avg_breaths_per_min: num })),
      oxygen_saturation_data: z.nullish(z.looseObject({ avg_saturation_percentage: num })),
    }),
  ),
  /** `delta`: skin temperature's deviation from the user's baseline, Celsius. */
  temperature_data: z.nullish(z.looseObject({ delta: num })),
  // The data models call it `scores.sleep`; older SDKs `scores.sleep_score`.
  scores: z.nullish(z.looseObject({ sleep: num, sleep_score: num })),
});
export type TerraSleep = z.infer<typeof TerraSleepSchema>;

export const TerraBodySchema = z.looseObject({
  metadata: z.looseObject({ start_time: time, end_time: time }),
  measurements_data: z.nullish(
    z.looseObject({
      measurements: z.nullish(
        z.array(
          z.looseObject({
            measurement_time: str,
            weight_kg: num,
            bodyfat_percentage: num,
            BMI: num,
            height_cm: num,
            muscle_mass_g: num,
            bone_mass_g: num,
            water_percentage: num,
          }),
        ),
      ),
    }),
  ),
  heart_data: z.nullish(z.looseObject({ heart_rate_data: z.nullish(HeartRateDataSchema) })),
  /** mmHg. */
  blood_pressure_data: z.nullish(
    z.looseObject({
      day_avg_systolic_bp: num,
      day_avg_diastolic_bp: num,
      blood_pressure_samples: z.nullish(z.array(z.looseObject({ timestamp: str, systolic_bp: num, diastolic_bp: num }))),
    }),
  ),
  /** mg/dL; Terra's docs spell the key both `..._mg_per_dL` and `..._mg_per_dl`. */
  glucose_data: z.nullish(z.looseObject({ day_avg_blood_glucose_mg_per_dL: num, day_avg_blood_glucose_mg_per_dl: num })),
});
export type TerraBody = z.infer<typeof TerraBodySchema>;

export const TerraDailySchema = z.looseObject({
  metadata: z.looseObject({ start_time: time, end_time: time, upload_type: num }),
  distance_data: z.nullish(z.looseObject({ steps: num, distance_meters: num })),
  calories_data: z.nullish(z.looseObject({ total_burned_calories: num, net_activity_calories: num, BMR_calories: num })),
  heart_rate_data: z.nullish(HeartRateDataSchema),
  oxygen_data: z.nullish(z.looseObject({ vo2max_ml_per_min_per_kg: num })),
});
export type TerraDaily = z.infer<typeof TerraDailySchema>;

const TerraAthleteSchema = z.looseObject({
  first_name: str,
  last_name: str,
  sex: str,
  gender: str,
  city: str,
  state: str,
  country: str,
});
export type TerraAthlete = z.infer<typeof TerraAthleteSchema>;

/** A `to_webhook=false` data answer: `{status, type, user, data: [...]}`. */
function dataResponseSchema<T extends z.ZodMiniType>(item: T) {
  return z.looseObject({
    status: str,
    type: str,
    user: z.nullish(TerraUserSchema),
    data: z.array(item),
  });
}

export const ActivityResponseSchema = dataResponseSchema(TerraActivitySchema);
export const SleepResponseSchema = dataResponseSchema(TerraSleepSchema);
export const BodyResponseSchema = dataResponseSchema(TerraBodySchema);
export const DailyResponseSchema = dataResponseSchema(TerraDailySchema);

export const AthleteResponseSchema = z.looseObject({
  status: str,
  type: str,
  user: z.nullish(TerraUserSchema),
  athlete: TerraAthleteSchema,
});
