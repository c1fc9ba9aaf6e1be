import * as z from '../zod';
import { isoInstant, SportTypeSchema } from './common';

export const TotalsSchema = z
  .object({
    count: z.number().check(z.int(), z.nonnegative(), z.describe('Number of activities')),
    distance_meters: z.number().check(z.nonnegative(), z.describe('Total distance, metres')),
    duration_seconds: z.number().check(z.nonnegative(), z.describe('Total elapsed time, seconds')),
    moving_time_seconds: z
      .number()
      .check(z.nonnegative(), z.describe('Total moving time, seconds (an activity without a moving time counts its elapsed time)')),
    elevation_gain_meters: z.number().check(z.nonnegative(), z.describe('Total ascent, metres')),
  })
  .check(z.describe('Totals over a set of activities'));
export type Totals = z.infer<typeof TotalsSchema>;

export const StatsSchema = z
  .object({
    provider: z.string().check(z.minLength(1), z.describe('Provider the totals came from')),
    recent_4_weeks: TotalsSchema.check(z.describe('Activities started in the last 28 days')),
    year_to_date: TotalsSchema.check(z.describe('Activities started since 1 January (UTC)')),
    all_time: TotalsSchema.check(z.describe('Every activity')),
    by_sport: z.partialRecord(SportTypeSchema, TotalsSchema).check(z.describe('All-time totals per sport')),
  })
  .check(z.describe('Activity totals'));
export type Stats = z.infer<typeof StatsSchema>;

const PERSONAL_RECORD_METRICS = [
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

export const PersonalRecordSchema = z
  .object({
    provider: z.string().check(z.minLength(1), z.describe('Provider of the activity that set the record')),
    sport_type: SportTypeSchema,
    metric: z.enum(PERSONAL_RECORD_METRICS).check(z.describe('What the record measures; race distances are estimated from the average pace over moving time')),
    value: z.number().check(z.nonnegative(), z.describe('The record, in `unit`')),
    unit: z.enum(['seconds', 'meters', 'watts']).check(z.describe('Unit of `value`')),
    activity_id: z.string().check(z.describe('Id of the activity that set the record')),
    achieved_at: isoInstant.check(z.describe('Start of that activity, ISO-8601 UTC')),
  })
  .check(z.describe('A best effort over the activities read'));
export type PersonalRecord = z.infer<typeof PersonalRecordSchema>;
