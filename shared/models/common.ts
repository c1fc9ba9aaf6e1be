import * as z from '../zod';

/**
 * Naming rules of the unified model (docs/model.md's model reference repeats them):
 * - A unit is in the field's name (`_meters`, `_seconds`, `_kg`, `_ms`, `_celsius`,
 *   `_percentage`, `_mmhg`, `_mg_dl`), except for five families whose unit is fixed model-wide
 *   and stated in every description: heart rates in beats per minute (`*_heart_rate`), speeds in
 *   metres per second (`*_speed`), power in watts (`*_power`), energy in kilocalories
 *   (`*calories`) and cadence in the unit of the sport's family (see CADENCE_UNITS).
 * - Instants are `*_date` (ISO-8601 UTC); calendar days are `date`.
 * - A measurement has the same name in every model (`resting_heart_rate`, `hrv_rmssd_ms`,
 *   `respiratory_rate`, `spo2_percentage`); scores are `<subject>_score` with their scale in the
 *   description.
 * - Unknown values are present as `null`, never left out.
 */

/** A documented nullable number: `description` names its unit and meaning. */
export const num = (description: string) => z._default(z.nullable(z.number()), null).check(z.describe(description));
/** A documented nullable text. */
export const text = (description: string) => z._default(z.nullable(z.string()), null).check(z.describe(description));

/**
 * The other providers whose copies of the same record a `provider=all` answer merged into this
 * one (docs/merging.md); absent from one provider's own answer.
 */
export const alsoFrom = (what: string) =>
  z
    .optional(z.array(z.string()))
    .check(z.describe(`With provider=all: the other providers that recorded the same ${what}, merged into this copy (empty when none); absent otherwise`));

/** ISO-8601 instant in UTC (`2026-11-25T06:30:00Z` or with milliseconds). */
export const isoInstant = z.iso.datetime();
/** Calendar date `YYYY-MM-DD`. */
export const isoDate = z.iso.date();
/** Local wall-clock date-time without offset, `2026-11-25T07:30:00`. */
export const localDateTime = z.iso.datetime({ local: true });

/**
 * Sport types: Pierre's named types and the families our providers report. A provider's own
 * label always travels beside it in `sport_type_detail`, so `other` loses nothing.
 */
const SPORT_TYPES = [
  'run',
  'trail_run',
  'virtual_run',
  'track_run',
  'ride',
  'virtual_ride',
  'mountain_bike_ride',
  'gravel_ride',
  'e_bike_ride',
  'handcycle',
  'swim',
  'walk',
  'hike',
  'mountaineering',
  'snowshoe',
  'rowing',
  'kayaking',
  'canoeing',
  'stand_up_paddling',
  'surfing',
  'kitesurfing',
  'windsurfing',
  'sailing',
  'alpine_ski',
  'cross_country_ski',
  'backcountry_ski',
  'roller_ski',
  'snowboard',
  'ice_skate',
  'inline_skate',
  'skateboard',
  'strength_training',
  'crossfit',
  'pilates',
  'yoga',
  'hiit',
  'elliptical',
  'stair_stepper',
  'rock_climbing',
  'dance',
  'boxing',
  'martial_arts',
  'soccer',
  'basketball',
  'volleyball',
  'hockey',
  'rugby',
  'american_football',
  'baseball',
  'tennis',
  'badminton',
  'squash',
  'table_tennis',
  'pickleball',
  'padel',
  'golf',
  'multisport',
  'workout',
  'other',
] as const;
export const SportTypeSchema = z
  .enum(SPORT_TYPES)
  .check(z.describe("Unified sport; `workout` is a generic session, `other` a sport the model has no name for (the provider's label is in sport_type_detail)"));
export type SportType = z.infer<typeof SportTypeSchema>;

/** How a sport reads in a default activity name ("Morning Run"). */
export const SPORT_LABELS: Readonly<Record<SportType, string>> = {
  run: 'Run',
  trail_run: 'Trail Run',
  virtual_run: 'Virtual Run',
  track_run: 'Track Run',
  ride: 'Ride',
  virtual_ride: 'Virtual Ride',
  mountain_bike_ride: 'Mountain Bike Ride',
  gravel_ride: 'Gravel Ride',
  e_bike_ride: 'E-Bike Ride',
  handcycle: 'Handcycle',
  swim: 'Swim',
  walk: 'Walk',
  hike: 'Hike',
  mountaineering: 'Mountaineering',
  snowshoe: 'Snowshoe',
  rowing: 'Row',
  kayaking: 'Kayak',
  canoeing: 'Canoe',
  stand_up_paddling: 'Stand Up Paddle',
  surfing: 'Surf',
  kitesurfing: 'Kitesurf',
  windsurfing: 'Windsurf',
  sailing: 'Sail',
  alpine_ski: 'Alpine Ski',
  cross_country_ski: 'Cross-Country Ski',
  backcountry_ski: 'Backcountry Ski',
  roller_ski: 'Roller Ski',
  snowboard: 'Snowboard',
  ice_skate: 'Ice Skate',
  inline_skate: 'Inline Skate',
  skateboard: 'Skateboard',
  strength_training: 'Strength Training',
  crossfit: 'CrossFit',
  pilates: 'Pilates',
  yoga: 'Yoga',
  hiit: 'HIIT',
  elliptical: 'Elliptical',
  stair_stepper: 'Stair Stepper',
  rock_climbing: 'Climb',
  dance: 'Dance',
  boxing: 'Boxing',
  martial_arts: 'Martial Arts',
  soccer: 'Soccer',
  basketball: 'Basketball',
  volleyball: 'Volleyball',
  hockey: 'Hockey',
  rugby: 'Rugby',
  american_football: 'Football',
  baseball: 'Baseball',
  tennis: 'Tennis',
  badminton: 'Badminton',
  squash: 'Squash',
  table_tennis: 'Table Tennis',
  pickleball: 'Pickleball',
  padel: 'Padel',
  golf: 'Golf',
  multisport: 'Multisport',
  workout: 'Workout',
  other: 'Workout',
};

/** The unit `average_cadence` and `max_cadence` are given in, by sport family. */
export type CadenceUnit = 'steps_per_minute' | 'revolutions_per_minute' | 'strokes_per_minute';

const CADENCE_FAMILIES: ReadonlyArray<readonly [CadenceUnit, readonly SportType[]]> = [
  ['steps_per_minute', ['run', 'trail_run', 'virtual_run', 'track_run', 'walk', 'hike', 'mountaineering', 'snowshoe', 'elliptical', 'stair_stepper']],
  ['revolutions_per_minute', ['ride', 'virtual_ride', 'mountain_bike_ride', 'gravel_ride', 'e_bike_ride', 'handcycle']],
  ['strokes_per_minute', ['swim', 'rowing', 'kayaking', 'canoeing', 'stand_up_paddling']],
];

const CADENCE_UNITS: Readonly<Partial<Record<SportType, CadenceUnit>>> = Object.fromEntries(
  CADENCE_FAMILIES.flatMap(([unit, sports]) => sports.map((sport) => [sport, unit])),
);

/** The cadence unit of a sport, or undefined for sports whose cadence the model does not carry. */
export function cadenceUnitOf(sport: SportType): CadenceUnit | undefined {
  return CADENCE_UNITS[sport];
}

export const CADENCE_DESCRIPTION =
  'steps per minute (both feet) on foot (run, walk, hike, elliptical, ...), revolutions per minute on a bike, strokes per minute in the water and on a rowing machine; null for other sports';
