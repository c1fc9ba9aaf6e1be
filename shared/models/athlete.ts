import { z } from 'zod';
import { maybeNumber, maybeString } from './common';

export const AthleteSchema = z.object({
  id: z.string().min(1),
  provider: z.string().min(1),
  username: maybeString,
  firstname: maybeString,
  lastname: maybeString,
  profile_picture: maybeString,
  sex: z.enum(['male', 'female', 'other']).nullable().default(null),
  weight_kg: maybeNumber,
  city: maybeString,
  country: maybeString,
});
export type Athlete = z.infer<typeof AthleteSchema>;
export type AthleteInput = z.input<typeof AthleteSchema>;
