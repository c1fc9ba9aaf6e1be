import { z } from 'zod';
import { isoInstant, maybeNumber, SportTypeSchema } from './common';

export const ActivitySchema = z.object({
  id: z.string().min(1),
  provider: z.string().min(1),
  name: z.string(),
  sport_type: SportTypeSchema,
  start_date: isoInstant,
  duration_seconds: z.number().nonnegative(),
  distance_meters: maybeNumber,
  elevation_gain: maybeNumber,
  average_heart_rate: maybeNumber,
  max_heart_rate: maybeNumber,
  average_speed: maybeNumber,
  max_speed: maybeNumber,
  calories: maybeNumber,
  average_power: maybeNumber,
  average_cadence: maybeNumber,
  steps: maybeNumber,
  start_latitude: maybeNumber,
  start_longitude: maybeNumber,
});
export type Activity = z.infer<typeof ActivitySchema>;
/** What a provider mapping hands over: unknown metrics may simply be left out. */
export type ActivityInput = z.input<typeof ActivitySchema>;
