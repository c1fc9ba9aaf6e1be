/**
 * Strava's JSON -> the unified model. Units: Strava already speaks metres, seconds, m/s and
 * watts; duration is `elapsed_time` (as Pierre fills it), moving time rides beside it.
 */
import { ActivitySchema, AthleteSchema, cadenceUnitOf, endDateOf, type Activity, type Athlete, type SportType, type Stats, type Totals } from '../../models';
import type { StravaActivity, StravaActivityStats, StravaActivityTotal, StravaAthlete } from './schemas';

/** Strava `sport_type` (or the legacy `type`) -> unified sport; anything else is `other`. */
const SPORTS: Readonly<Record<string, SportType>> = {
  Run: 'run',
  VirtualRun: 'virtual_run',
  TrailRun: 'trail_run',
  Ride: 'ride',
  GravelRide: 'gravel_ride',
  EBikeRide: 'e_bike_ride',
  EMountainBikeRide: 'e_bike_ride',
  Handcycle: 'handcycle',
  Velomobile: 'ride',
  VirtualRide: 'virtual_ride',
  MountainBikeRide: 'mountain_bike_ride',
  Swim: 'swim',
  Walk: 'walk',
  Hike: 'hike',
  Snowshoe: 'snowshoe',
  Rowing: 'rowing',
  VirtualRow: 'rowing',
  Kayaking: 'kayaking',
  Canoeing: 'canoeing',
  StandUpPaddling: 'stand_up_paddling',
  Surfing: 'surfing',
  Kitesurf: 'kitesurfing',
  Windsurf: 'windsurfing',
  Sail: 'sailing',
  AlpineSki: 'alpine_ski',
  BackcountrySki: 'backcountry_ski',
  NordicSki: 'cross_country_ski',
  RollerSki: 'roller_ski',
  Snowboard: 'snowboard',
  IceSkate: 'ice_skate',
  InlineSkate: 'inline_skate',
  Skateboard: 'skateboard',
  WeightTraining: 'strength_training',
  Crossfit: 'crossfit',
  Pilates: 'pilates',
  Yoga: 'yoga',
  HighIntensityIntervalTraining: 'hiit',
  Elliptical: 'elliptical',
  StairStepper: 'stair_stepper',
  RockClimbing: 'rock_climbing',
  Dance: 'dance',
  Soccer: 'soccer',
  Basketball: 'basketball',
  Volleyball: 'volleyball',
  Tennis: 'tennis',
  Badminton: 'badminton',
  Squash: 'squash',
  TableTennis: 'table_tennis',
  Pickleball: 'pickleball',
  Padel: 'padel',
  Racquetball: 'squash',
  Golf: 'golf',
  Workout: 'workout',
};

/** Strava's `workout_type` codes (runs 0-3, rides 10-12). */
const WORKOUT_TYPES: Readonly<Record<number, NonNullable<Activity['workout_type']>>> = {
  0: 'default',
  1: 'race',
  2: 'long_run',
  3: 'workout',
  10: 'default',
  11: 'race',
  12: 'workout',
};

export function stravaSport(activity: Pick<StravaActivity, 'sport_type' | 'type'>): SportType {
  const native = activity.sport_type ?? activity.type ?? '';
  return SPORTS[native] ?? SPORTS[activity.type ?? ''] ?? 'other';
}

/** `2018-05-02T12:15:09Z`: whole-second UTC instants, as Strava sends them. */
function utcInstant(value: string): string {
  return new Date(value).toISOString().replace('.000Z', 'Z');
}

/** Strava writes the local wall clock with a `Z` (`2018-05-02T05:15:09Z`): drop the zone. */
function localWallClock(value: string | null | undefined): string | null {
  const match = value ? /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})/.exec(value) : null;
  return match ? match[1]! : null;
}

/** `(GMT+01:00) Europe/Paris` -> `Europe/Paris`. */
function ianaZone(value: string | null | undefined): string | null {
  const zone = value?.replace(/^\([^)]*\)\s*/, '').trim();
  return zone ? zone : null;
}

const positive = (value: number | null | undefined): number | null => (value !== null && value !== undefined && value > 0 ? value : null);
const present = (value: number | null | undefined): number | null => (value === null || value === undefined ? null : value);
const textOf = (value: string | null | undefined): string | null => (value && value.trim() !== '' ? value : null);

/**
 * Kilocalories: DetailedActivity's own `calories` when Strava computed them; otherwise, for
 * rides with power, the work in kJ. Muscles are about 20-25 % efficient and 1 kcal is
 * 4.184 kJ, so the energy burned in kcal is close to the work in kJ (the rule Strava and
 * cycling computers apply). Both are total energy, resting energy included.
 */
function caloriesOf(activity: Pick<StravaActivity, 'calories' | 'kilojoules'>): number | null {
  const calories = positive(activity.calories);
  if (calories !== null) return calories;
  const kilojoules = positive(activity.kilojoules);
  return kilojoules === null ? null : Math.round(kilojoules);
}

/** Strava's cadence in the model's unit: strides are doubled to steps on foot. */
function cadenceOf(sport: SportType, value: number | null): number | null {
  const unit = cadenceUnitOf(sport);
  if (value === null || unit === undefined) return null;
  return unit === 'steps_per_minute' ? Math.round(value * 2 * 10) / 10 : value;
}

export function activityFromStrava(activity: StravaActivity, provider: string): Activity {
  const distance = positive(activity.distance);
  const moved = distance !== null;
  const heartRate = activity.has_heartrate !== false;
  const sport = stravaSport(activity);
  const [lat, lng] = activity.start_latlng?.length === 2 ? activity.start_latlng : [null, null];
  const start = utcInstant(activity.start_date);
  // Activities without movement data report a moving time of 0: elapsed is all there is.
  const elapsed = activity.elapsed_time > 0 ? activity.elapsed_time : activity.moving_time;
  return ActivitySchema.parse({
    id: String(activity.id),
    provider,
    name: activity.name,
    sport_type: sport,
    sport_type_detail: activity.sport_type ?? activity.type ?? null,
    workout_type: activity.workout_type === null || activity.workout_type === undefined ? null : (WORKOUT_TYPES[activity.workout_type] ?? null),
    start_date: start,
    end_date: endDateOf(start, elapsed),
    start_date_local: localWallClock(activity.start_date_local),
    utc_offset_seconds: present(activity.utc_offset),
    timezone: ianaZone(activity.timezone),
    duration_seconds: elapsed,
    moving_time_seconds: activity.moving_time > 0 ? activity.moving_time : null,
    distance_meters: distance,
    elevation_gain_meters: moved ? present(activity.total_elevation_gain) : null,
    average_heart_rate: heartRate ? present(activity.average_heartrate) : null,
    max_heart_rate: heartRate ? present(activity.max_heartrate) : null,
    average_speed: moved ? present(activity.average_speed) : null,
    max_speed: moved ? present(activity.max_speed) : null,
    calories: caloriesOf(activity),
    average_power: present(activity.average_watts),
    max_power: present(activity.max_watts),
    normalized_power: present(activity.weighted_average_watts),
    average_cadence: cadenceOf(sport, present(activity.average_cadence)),
    suffer_score: present(activity.suffer_score),
    start_latitude: lat ?? null,
    start_longitude: lng ?? null,
    summary_polyline: textOf(activity.map?.summary_polyline),
    city: textOf(activity.location_city),
    region: textOf(activity.location_state),
    country: textOf(activity.location_country),
    device_name: textOf(activity.device_name),
  });
}

function sexOf(value: string | null | undefined): Athlete['sex'] {
  if (value === 'M') return 'male';
  if (value === 'F') return 'female';
  return null;
}

export function athleteFromStrava(athlete: StravaAthlete, provider: string): Athlete {
  // Athletes without a picture get a relative placeholder path, not a URL.
  const picture = textOf(athlete.profile) ?? textOf(athlete.profile_medium);
  return AthleteSchema.parse({
    id: String(athlete.id),
    provider,
    username: textOf(athlete.username),
    firstname: textOf(athlete.firstname),
    lastname: textOf(athlete.lastname),
    profile_picture: picture && /^https?:\/\//i.test(picture) ? picture : null,
    sex: sexOf(athlete.sex),
    weight_kg: positive(athlete.weight),
    city: textOf(athlete.city),
    country: textOf(athlete.country),
  });
}

function totals(...parts: StravaActivityTotal[]): Totals {
  return parts.reduce<Totals>(
    (sum, t) => ({
      count: sum.count + t.count,
      distance_meters: sum.distance_meters + t.distance,
      duration_seconds: sum.duration_seconds + t.elapsed_time,
      moving_time_seconds: sum.moving_time_seconds + t.moving_time,
      elevation_gain_meters: sum.elevation_gain_meters + t.elevation_gain,
    }),
    { count: 0, distance_meters: 0, duration_seconds: 0, moving_time_seconds: 0, elevation_gain_meters: 0 },
  );
}

/**
 * Strava's stats cover rides (every ride type, virtual and mountain bike included), runs
 * (trail runs included) and swims; the periods are the last four weeks, the year to date and
 * all time. Other sports are not counted by Strava and so not here. `by_sport` is all time.
 */
export function statsFromStrava(stats: StravaActivityStats, provider: string): Stats {
  const bySport: Stats['by_sport'] = {};
  const sports: [SportType, StravaActivityTotal][] = [
    ['run', stats.all_run_totals],
    ['ride', stats.all_ride_totals],
    ['swim', stats.all_swim_totals],
  ];
  for (const [sport, total] of sports) if (total.count > 0) bySport[sport] = totals(total);
  return {
    provider,
    recent_4_weeks: totals(stats.recent_run_totals, stats.recent_ride_totals, stats.recent_swim_totals),
    year_to_date: totals(stats.ytd_run_totals, stats.ytd_ride_totals, stats.ytd_swim_totals),
    all_time: totals(stats.all_run_totals, stats.all_ride_totals, stats.all_swim_totals),
    by_sport: bySport,
  };
}
