import { z } from 'zod';
import { isoInstant, SportTypeSchema } from './common';

export const TotalsSchema = z.object({
  count: z.number().int().nonnegative(),
  distance_meters: z.number().nonnegative(),
  duration_seconds: z.number().nonnegative(),
  elevation_gain: z.number().nonnegative(),
});
export type Totals = z.infer<typeof TotalsSchema>;

export const StatsSchema = z.object({
  provider: z.string().min(1),
  recent_4_weeks: TotalsSchema,
  year_to_date: TotalsSchema,
  all_time: TotalsSchema,
  by_sport: z.partialRecord(SportTypeSchema, TotalsSchema),
});
export type Stats = z.infer<typeof StatsSchema>;

export const PERSONAL_RECORD_METRICS = [
  'fastest_1k',
  'fastest_5k',
  'fastest_10k',
  'fastest_half_marathon',
  'fastest_marathon',
  'longest_distance',
  'longest_duration',
  'most_elevation_gain',
  'highest_average_power',
] as const;

export const PersonalRecordSchema = z.object({
  provider: z.string().min(1),
  sport_type: SportTypeSchema,
  metric: z.enum(PERSONAL_RECORD_METRICS),
  value: z.number().nonnegative(),
  unit: z.enum(['seconds', 'meters', 'watts']),
  activity_id: z.string(),
  achieved_at: isoInstant,
});
export type PersonalRecord = z.infer<typeof PersonalRecordSchema>;
