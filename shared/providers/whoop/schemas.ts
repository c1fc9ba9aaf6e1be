/**
 * Zod schemas of the WHOOP API v2 JSON, as its public reference describes it. Objects are
 * loose (WHOOP adds fields over time); only what the mapping reads is required.
 */
import * as z from '../../zod';

/** An instant as WHOOP writes it: `2022-04-24T02:25:44.774Z` (an offset is tolerated). */
const instant = z.iso.datetime({ offset: true });
/** A measurement WHOOP may leave out (or send as null). */
const optionalNumber = z.nullish(z.number());
const scoreState = z.enum(['SCORED', 'PENDING_SCORE', 'UNSCORABLE']);

const WhoopWorkoutScoreSchema = z.looseObject({
  strain: optionalNumber,
  average_heart_rate: optionalNumber,
  max_heart_rate: optionalNumber,
  kilojoule: optionalNumber,
  percent_recorded: optionalNumber,
  distance_meter: optionalNumber,
  altitude_gain_meter: optionalNumber,
  altitude_change_meter: optionalNumber,
  /** Milliseconds in WHOOP's heart-rate zones 0-5 (shares of maximum heart rate). */
  zone_durations: z.nullish(
    z.looseObject({
      zone_zero_milli: optionalNumber,
      zone_one_milli: optionalNumber,
      zone_two_milli: optionalNumber,
      zone_three_milli: optionalNumber,
      zone_four_milli: optionalNumber,
      zone_five_milli: optionalNumber,
    }),
  ),
});

export const WhoopWorkoutSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  user_id: z.number().check(z.int()),
  created_at: z.optional(instant),
  updated_at: z.optional(instant),
  start: instant,
  end: instant,
  timezone_offset: z.optional(z.string()),
  sport_name: z.string(),
  score_state: scoreState,
  score: z.nullish(WhoopWorkoutScoreSchema),
});
export type WhoopWorkout = z.infer<typeof WhoopWorkoutSchema>;

const WhoopSleepStageSummarySchema = z.looseObject({
  total_in_bed_time_milli: optionalNumber,
  total_awake_time_milli: optionalNumber,
  total_no_data_time_milli: optionalNumber,
  total_light_sleep_time_milli: optionalNumber,
  total_slow_wave_sleep_time_milli: optionalNumber,
  total_rem_sleep_time_milli: optionalNumber,
  sleep_cycle_count: optionalNumber,
  disturbance_count: optionalNumber,
});

export const WhoopSleepSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  cycle_id: z.optional(z.number().check(z.int())),
  user_id: z.number().check(z.int()),
  start: instant,
  end: instant,
  timezone_offset: z.optional(z.string()),
  nap: z.optional(z.boolean()),
  score_state: scoreState,
  score: z.nullish(
    z.looseObject({
      stage_summary: z.nullish(WhoopSleepStageSummarySchema),
      respiratory_rate: optionalNumber,
      sleep_performance_percentage: optionalNumber,
      sleep_consistency_percentage: optionalNumber,
      sleep_efficiency_percentage: optionalNumber,
    }),
  ),
});
export type WhoopSleep = z.infer<typeof WhoopSleepSchema>;

export const WhoopRecoverySchema = z.looseObject({
  cycle_id: z.number().check(z.int()),
  sleep_id: z.optional(z.string()),
  user_id: z.number().check(z.int()),
  created_at: z.optional(instant),
  updated_at: z.optional(instant),
  score_state: scoreState,
  score: z.nullish(
    z.looseObject({
      user_calibrating: z.optional(z.boolean()),
      recovery_score: optionalNumber,
      resting_heart_rate: optionalNumber,
      hrv_rmssd_milli: optionalNumber,
      spo2_percentage: optionalNumber,
      skin_temp_celsius: optionalNumber,
    }),
  ),
});
export type WhoopRecovery = z.infer<typeof WhoopRecoverySchema>;

export const WhoopCycleSchema = z.looseObject({
  id: z.number().check(z.int()),
  user_id: z.number().check(z.int()),
  start: instant,
  /** Absent while the user is still in this cycle. */
  end: z.nullish(instant),
  timezone_offset: z.optional(z.string()),
  score_state: scoreState,
  score: z.nullish(
    z.looseObject({
      strain: optionalNumber,
      kilojoule: optionalNumber,
      average_heart_rate: optionalNumber,
      max_heart_rate: optionalNumber,
    }),
  ),
});
export type WhoopCycle = z.infer<typeof WhoopCycleSchema>;

/** Every v2 collection: `{records, next_token}`; no `next_token` means the last page. */
export function collectionOf<T extends z.ZodMiniType>(record: T) {
  return z.looseObject({
    records: z.array(record),
    next_token: z.nullish(z.string()),
  });
}

export const WhoopProfileSchema = z.looseObject({
  user_id: z.number().check(z.int()),
  email: z.optional(z.string()),
  first_name: z.nullish(z.string()),
  last_name: z.nullish(z.string()),
});
export type WhoopProfile = z.infer<typeof WhoopProfileSchema>;

export const WhoopBodyMeasurementSchema = z.looseObject({
  height_meter: optionalNumber,
  weight_kilogram: optionalNumber,
  max_heart_rate: optionalNumber,
});
export type WhoopBodyMeasurement = z.infer<typeof WhoopBodyMeasurementSchema>;
