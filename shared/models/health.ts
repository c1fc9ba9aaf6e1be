import { z } from 'zod';
import { isoDate, isoInstant, maybeNumber } from './common';

export const SleepStageSchema = z.object({
  stage: z.enum(['awake', 'light', 'deep', 'rem']),
  start_time: isoInstant,
  duration_seconds: z.number().nonnegative(),
});

export const SleepSessionSchema = z.object({
  id: z.string().min(1),
  provider: z.string().min(1),
  start_time: isoInstant,
  end_time: isoInstant,
  duration_seconds: z.number().nonnegative(),
  /** Share of time in bed spent asleep, 0-100. */
  efficiency: maybeNumber,
  /** Provider's own sleep score, 0-100. */
  score: maybeNumber,
  stages: z.array(SleepStageSchema).default([]),
  stage_totals: z.object({
    awake_seconds: maybeNumber,
    light_seconds: maybeNumber,
    deep_seconds: maybeNumber,
    rem_seconds: maybeNumber,
  }),
  average_heart_rate: maybeNumber,
  hrv_rmssd_ms: maybeNumber,
  respiratory_rate: maybeNumber,
});
export type SleepSession = z.infer<typeof SleepSessionSchema>;
export type SleepSessionInput = z.input<typeof SleepSessionSchema>;

export const RecoveryMetricsSchema = z.object({
  provider: z.string().min(1),
  date: isoDate,
  /** 0-100, higher is better rested. */
  recovery_score: maybeNumber,
  resting_heart_rate: maybeNumber,
  hrv_rmssd_ms: maybeNumber,
  spo2_percentage: maybeNumber,
  skin_temp_celsius: maybeNumber,
  /** Day strain on WHOOP's 0-21 scale where the provider reports one. */
  strain: maybeNumber,
});
export type RecoveryMetrics = z.infer<typeof RecoveryMetricsSchema>;
export type RecoveryMetricsInput = z.input<typeof RecoveryMetricsSchema>;

export const HealthMetricsSchema = z.object({
  provider: z.string().min(1),
  date: isoDate,
  weight_kg: maybeNumber,
  body_fat_percentage: maybeNumber,
  bmi: maybeNumber,
  resting_heart_rate: maybeNumber,
  steps: maybeNumber,
  calories: maybeNumber,
  vo2max: maybeNumber,
});
export type HealthMetrics = z.infer<typeof HealthMetricsSchema>;
export type HealthMetricsInput = z.input<typeof HealthMetricsSchema>;
