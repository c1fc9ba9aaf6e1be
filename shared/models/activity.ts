import * as z from '../zod';
import { alsoFrom, CADENCE_DESCRIPTION, isoInstant, localDateTime, num, SportTypeSchema, text } from './common';

export const HeartRateZoneSchema = z
  .object({
    zone: z.number().check(z.int(), z.nonnegative(), z.describe("Zone index as the provider numbers it (0 = the provider's lowest zone)")),
    name: text("The provider's name of the zone (`Aerobic`), when it has one"),
    min_heart_rate: num('Lower bound of the zone in beats per minute, when the provider gives it'),
    max_heart_rate: num('Upper bound of the zone in beats per minute, when the provider gives it'),
    duration_seconds: z.number().check(z.nonnegative(), z.describe('Time spent in the zone during the activity, seconds')),
  })
  .check(z.describe('Time spent in one heart-rate zone'));
export type HeartRateZone = z.infer<typeof HeartRateZoneSchema>;

const WORKOUT_TYPES = ['default', 'race', 'long_run', 'workout'] as const;

export const ActivitySchema = z
  .object({
    id: z.string().check(z.minLength(1), z.describe("The provider's id of the activity")),
    provider: z.string().check(z.minLength(1), z.describe('Provider the activity came from')),
    name: z.string().check(z.describe("The activity's title, or a name made from its sport when the provider has none")),
    sport_type: SportTypeSchema,
    sport_type_detail: text("The provider's own sport label, unchanged (Strava `TrailRun`, Garmin `TRAIL_RUNNING`, WHOOP `running`)"),
    workout_type: z
      ._default(z.nullable(z.enum(WORKOUT_TYPES)), null)
      .check(z.describe("The athlete's tag of the session where the provider has one (Strava's race, long run, workout; `default` when untagged)")),
    start_date: isoInstant.check(z.describe('When the activity started, ISO-8601 UTC')),
    end_date: isoInstant.check(z.describe('When the activity ended (start plus elapsed time), ISO-8601 UTC')),
    start_date_local: z
      ._default(z.nullable(localDateTime), null)
      .check(z.describe('Start as the wall clock showed it where the athlete was, `YYYY-MM-DDTHH:MM:SS` without offset')),
    utc_offset_seconds: num('Offset of the local time from UTC at the start, seconds (3600 for UTC+1)'),
    timezone: text('IANA time zone of the start (`Europe/Paris`), when the provider names it'),
    duration_seconds: z.number().check(z.nonnegative(), z.describe('Elapsed time from start to end, pauses included, seconds')),
    moving_time_seconds: num('Time in motion (elapsed time minus pauses and rests), seconds'),
    distance_meters: num('Distance covered, metres'),
    elevation_gain_meters: num('Total ascent, metres'),
    average_heart_rate: num('Average heart rate, beats per minute'),
    max_heart_rate: num('Highest heart rate, beats per minute'),
    heart_rate_zones: z
      ._default(z.nullable(z.array(HeartRateZoneSchema)), null)
      .check(z.describe('Time in each heart-rate zone, lowest zone first; null when the provider gives no zones')),
    average_speed: num('Average speed, metres per second (distance over moving time when the provider computes it so)'),
    max_speed: num('Highest speed, metres per second'),
    calories: num('Total energy burned during the activity, resting energy included, kilocalories'),
    active_calories: num('Energy burned above resting during the activity, kilocalories'),
    average_power: num('Average power, watts'),
    max_power: num('Highest power, watts'),
    normalized_power: num('Normalized (weighted average) power, watts'),
    average_cadence: num(`Average cadence: ${CADENCE_DESCRIPTION}`),
    max_cadence: num(`Highest cadence, in the same unit as average_cadence`),
    steps: num('Steps taken during the activity'),
    suffer_score: num("Strava's Relative Effort (suffer score): heart-rate-based load, open-ended, about 100 for an hour's hard effort"),
    strain: num("WHOOP strain of the activity: cardiovascular load on WHOOP's logarithmic 0-21 scale"),
    training_stress_score: num('Training Stress Score (TSS): load relative to threshold, 100 = one hour at functional threshold'),
    start_latitude: num('Latitude of the start, decimal degrees (WGS 84)'),
    start_longitude: num('Longitude of the start, decimal degrees (WGS 84)'),
    summary_polyline: text("The route as a Google encoded polyline (precision 5), simplified as the provider's summary gives it"),
    city: text('City the activity took place in, as the provider names it'),
    region: text('State or region the activity took place in'),
    country: text('Country the activity took place in'),
    device_name: text('Device that recorded the activity (`Garmin Forerunner 965`)'),
    also_from: alsoFrom('workout'),
  })
  .check(z.describe('One workout, in the unified model'));
export type Activity = z.infer<typeof ActivitySchema>;

export const LapSchema = z
  .object({
    lap_index: z.number().check(z.int(), z.nonnegative(), z.describe('Position of the lap in the activity, from 0 (Number of the lap)')),
    start_date: isoInstant.check(z.describe('When the lap started, ISO-8601 UTC')),
    end_date: isoInstant.check(z.describe('When the lap ended, ISO-8601 UTC')),
    elapsed_time_seconds: z.number().check(z.nonnegative(), z.describe('Time from the start to the end of the lap, seconds')),
    moving_time_seconds: num('Time in motion during the lap (pauses excluded), seconds'),
    distance_meters: num('Distance covered in the lap, metres'),
    elevation_gain_meters: num('Ascent during the lap, metres'),
    average_heart_rate: num('Average heart rate during the lap, beats per minute'),
    active_calories: num('Energy burned in the lap above resting, kilocalories'),
    lap_type: text('How the lap was made, as the provider names it (Google `MANUAL`, `DISTANCE`, `DURATION`, `CALORIES`)'),
  })
  .check(z.describe('One lap of an activity, as the device recorded it'));
export type Lap = z.infer<typeof LapSchema>;

/** End of an activity from its start and elapsed seconds, ISO-8601 UTC (whole seconds stay whole). */
export function endDateOf(startDate: string, durationSeconds: number): string {
  const iso = new Date(Date.parse(startDate) + Math.round(durationSeconds * 1000)).toISOString();
  return startDate.includes('.') ? iso : iso.replace('.000Z', 'Z');
}
