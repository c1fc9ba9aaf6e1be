import { z } from 'zod';

/** A number the provider may not report: always present in JSON, `null` when unknown. */
export const maybeNumber = z.number().nullable().default(null);
export const maybeString = z.string().nullable().default(null);

/** ISO-8601 instant in UTC (`2026-11-25T06:30:00Z` or with milliseconds). */
export const isoInstant = z.iso.datetime();
/** Calendar date `YYYY-MM-DD`. */
export const isoDate = z.iso.date();

export const SPORT_TYPES = [
  'run',
  'trail_run',
  'ride',
  'virtual_ride',
  'mountain_bike_ride',
  'swim',
  'walk',
  'hike',
  'rowing',
  'strength_training',
  'yoga',
  'hiit',
  'elliptical',
  'ski',
  'other',
] as const;
export const SportTypeSchema = z.enum(SPORT_TYPES);
export type SportType = z.infer<typeof SportTypeSchema>;

/** How a sport reads in a default activity name ("Morning Run"). */
export const SPORT_LABELS: Readonly<Record<SportType, string>> = {
  run: 'Run',
  trail_run: 'Trail Run',
  ride: 'Ride',
  virtual_ride: 'Virtual Ride',
  mountain_bike_ride: 'Mountain Bike Ride',
  swim: 'Swim',
  walk: 'Walk',
  hike: 'Hike',
  rowing: 'Row',
  strength_training: 'Strength Training',
  yoga: 'Yoga',
  hiit: 'HIIT',
  elliptical: 'Elliptical',
  ski: 'Ski',
  other: 'Workout',
};
