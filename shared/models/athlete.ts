import * as z from '../zod';
import { num, text } from './common';

export const AthleteSchema = z
  .object({
    id: z.string().check(z.minLength(1), z.describe("The provider's id of the athlete")),
    provider: z.string().check(z.minLength(1), z.describe('Provider the profile came from')),
    username: text('Username at the provider'),
    firstname: text('First name'),
    lastname: text('Last name'),
    profile_picture: text('URL of the profile picture'),
    sex: z._default(z.nullable(z.enum(['male', 'female', 'other'])), null).check(z.describe('Sex as the athlete told the provider')),
    weight_kg: num('Body weight, kilograms'),
    city: text('Home city'),
    country: text('Home country'),
  })
  .check(z.describe("An athlete's profile"));
export type Athlete = z.infer<typeof AthleteSchema>;
