/** Strava's JSON -> the unified model. Units: Strava already speaks metres, seconds and m/s. */
import {
  ActivitySchema,
  AthleteSchema,
  type Activity,
  type Athlete,
  type SportType,
  type Stats,
  type Totals,
} from '../../models';
import type { StravaActivity, StravaActivityStats, StravaActivityTotal, StravaAthlete } from './schemas';

/** Strava `sport_type` (or the legacy `type`) -> unified sport; anything else is `other`. */
const SPORTS: Readonly<Record<string, SportType>> = {
  Run: 'run',
  VirtualRun: 'run',
  TrailRun: 'trail_run',
  Ride: 'ride',
  GravelRide: 'ride',
  EBikeRide: 'ride',
  Handcycle: 'ride',
  Velomobile: 'ride',
  VirtualRide: 'virtual_ride',
  MountainBikeRide: 'mountain_bike_ride',
  EMountainBikeRide: 'mountain_bike_ride',
  Swim: 'swim',
  Walk: 'walk',
  Hike: 'hike',
  Snowshoe: 'hike',
  Rowing: 'rowing',
  VirtualRow: 'rowing',
  WeightTraining: 'strength_training',
  Yoga: 'yoga',
  HighIntensityIntervalTraining: 'hiit',
  Crossfit: 'hiit',
  Elliptical: 'elliptical',
  AlpineSki: 'ski',
  BackcountrySki: 'ski',
  NordicSki: 'ski',
  RollerSki: 'ski',
  Snowboard: 'ski',
};

/** Sports on foot, whose cadence Strava reports per foot (half the steps per minute). */
const ON_FOOT: ReadonlySet<string> = new Set(['Run', 'VirtualRun', 'TrailRun', 'Walk', 'Hike', 'Snowshoe']);

export function stravaSport(activity: Pick<StravaActivity, 'sport_type' | 'type'>): SportType {
  const native = activity.sport_type ?? activity.type ?? '';
  return SPORTS[native] ?? SPORTS[activity.type ?? ''] ?? 'other';
}

/** `2018-05-02T12:15:09Z`: whole-second UTC instants, as Strava sends them. */
function utcInstant(value: string): string {
  return new Date(value).toISOString().replace('.000Z', 'Z');
}

const positive = (value: number | null | undefined): number | null => (value !== null && value !== undefined && value > 0 ? value : null);
const present = (value: number | null | undefined): number | null => (value === null || value === undefined ? null : value);

/**
 * Kilocalories: DetailedActivity's own `calories` when Strava computed them; otherwise, for
 * rides with power, the work in kJ. Muscles are about 20-25 % efficient and 1 kcal is
 * 4.184 kJ, so the energy burned in kcal is close to the work in kJ (the rule Strava and
 * cycling computers apply).
 */
export function caloriesOf(activity: Pick<StravaActivity, 'calories' | 'kilojoules'>): number | null {
  const calories = positive(activity.calories);
  if (calories !== null) return calories;
  const kilojoules = positive(activity.kilojoules);
  return kilojoules === null ? null : Math.round(kilojoules);
}

export function activityFromStrava(activity: StravaActivity, provider: string): Activity {
  const distance = positive(activity.distance);
  const moved = distance !== null;
  const heartRate = activity.has_heartrate !== false;
  const cadence = present(activity.average_cadence);
  const onFoot = ON_FOOT.has(activity.sport_type ?? activity.type ?? '');
  const [lat, lng] = activity.start_latlng?.length === 2 ? activity.start_latlng : [null, null];
  return ActivitySchema.parse({
    id: String(activity.id),
    provider,
    name: activity.name,
    sport_type: stravaSport(activity),
    start_date: utcInstant(activity.start_date),
    // Moving time is Strava's headline duration (pace and speed are computed from it);
    // activities without movement data report 0 and fall back to the elapsed time.
    duration_seconds: activity.moving_time > 0 ? activity.moving_time : activity.elapsed_time,
    distance_meters: distance,
    elevation_gain: moved ? present(activity.total_elevation_gain) : null,
    average_heart_rate: heartRate ? present(activity.average_heartrate) : null,
    max_heart_rate: heartRate ? present(activity.max_heartrate) : null,
    average_speed: moved ? present(activity.average_speed) : null,
    max_speed: moved ? present(activity.max_speed) : null,
    calories: caloriesOf(activity),
    average_power: present(activity.average_watts),
    average_cadence: cadence === null ? null : onFoot ? Math.round(cadence * 2 * 10) / 10 : cadence,
    steps: null,
    start_latitude: lat ?? null,
    start_longitude: lng ?? null,
  });
}

function sexOf(value: string | null | undefined): Athlete['sex'] {
  if (value === 'M') return 'male';
  if (value === 'F') return 'female';
  return null;
}

const text = (value: string | null | undefined): string | null => (value && value.trim() !== '' ? value : null);

export function athleteFromStrava(athlete: StravaAthlete, provider: string): Athlete {
  // Athletes without a picture get a relative placeholder path, not a URL.
  const picture = text(athlete.profile) ?? text(athlete.profile_medium);
  return AthleteSchema.parse({
    id: String(athlete.id),
    provider,
    username: text(athlete.username),
    firstname: text(athlete.firstname),
    lastname: text(athlete.lastname),
    profile_picture: picture && /^https?:\/\//i.test(picture) ? picture : null,
    sex: sexOf(athlete.sex),
    weight_kg: positive(athlete.weight),
    city: text(athlete.city),
    country: text(athlete.country),
  });
}

function totals(...parts: StravaActivityTotal[]): Totals {
  return parts.reduce<Totals>(
    (sum, t) => ({
      count: sum.count + t.count,
      distance_meters: sum.distance_meters + t.distance,
      duration_seconds: sum.duration_seconds + t.moving_time,
      elevation_gain: sum.elevation_gain + t.elevation_gain,
    }),
    { count: 0, distance_meters: 0, duration_seconds: 0, elevation_gain: 0 },
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
