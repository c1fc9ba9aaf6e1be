/** Simulated data in Strava's own JSON: field names, units and quirks of the real API. */
import type { SportType } from '../../../shared/models';
import { hash32, isoInstant } from '../../../shared/providers/synthetic/generator';
import type { SimActivity, SimAthlete } from './data';

// ---- faults (Strava's error bodies) --------------------------------------------------------------

export function fault(message: string, resource: string, field: string, code: string) {
  return { message, errors: [{ resource, field, code }] };
}

export const badRequest = (resource: string, field: string, code: string) => fault('Bad Request', resource, field, code);
export const authorizationError = (resource: string, field: string, code: string) => fault('Authorization Error', resource, field, code);
export const recordNotFound = (resource: string, field: string) => fault('Record Not Found', resource, field, 'invalid');
export const rateLimitExceeded = () => fault('Rate Limit Exceeded', 'Application', 'rate limit', 'exceeded');

// ---- athletes ------------------------------------------------------------------------------------

/** SummaryAthlete (resource_state 2), as in the token response. */
export function summaryAthlete(athlete: SimAthlete) {
  const p = athlete.profile;
  return {
    id: athlete.id,
    username: p.username,
    resource_state: 2,
    firstname: p.firstname,
    lastname: p.lastname,
    bio: null,
    city: p.city.city,
    state: null,
    country: p.city.country,
    sex: p.sex === 'female' ? 'F' : 'M',
    premium: hash32(`premium|${athlete.id}`) % 3 === 0,
    summit: hash32(`premium|${athlete.id}`) % 3 === 0,
    created_at: isoInstant(athlete.createdMs),
    updated_at: isoInstant(athlete.createdMs + 86_400_000),
    badge_type_id: 0,
    weight: p.weightKg,
    // Athletes without a photo get these relative placeholders from Strava.
    profile_medium: 'avatar/athlete/medium.png',
    profile: 'avatar/athlete/large.png',
    friend: null,
    follower: null,
  };
}

/** DetailedAthlete (resource_state 3), GET /athlete. */
export function detailedAthlete(athlete: SimAthlete) {
  const p = athlete.profile;
  const cyclist = p.favourites[0] === 'ride' || p.favourites[0] === 'mountain_bike_ride' || p.favourites[0] === 'virtual_ride';
  const h = hash32(`social|${athlete.id}`);
  return {
    ...summaryAthlete(athlete),
    resource_state: 3,
    blocked: false,
    can_follow: true,
    follower_count: h % 180,
    friend_count: (h >>> 8) % 150,
    mutual_friend_count: 0,
    athlete_type: cyclist ? 0 : 1,
    date_preference: '%m/%d/%Y',
    measurement_preference: 'meters',
    clubs: [],
    postable_clubs_count: 0,
    ftp: cyclist ? Math.round(p.weightKg * (2.2 + p.fitness * 1.6)) : null,
    bikes: [],
    shoes: [],
  };
}

// ---- activities ----------------------------------------------------------------------------------

/** Strava's `workout_type` codes: runs 0-3, rides 10-12. */
const WORKOUT_CODES: Readonly<Record<string, readonly [run: number, ride: number]>> = {
  default: [0, 10],
  race: [1, 11],
  long_run: [2, 10],
  workout: [3, 12],
};

/** Unified sport -> Strava [type (legacy), sport_type]. */
const SPORTS: Readonly<Partial<Record<SportType, readonly [string, string]>>> = {
  run: ['Run', 'Run'],
  trail_run: ['Run', 'TrailRun'],
  ride: ['Ride', 'Ride'],
  virtual_ride: ['VirtualRide', 'VirtualRide'],
  mountain_bike_ride: ['Ride', 'MountainBikeRide'],
  swim: ['Swim', 'Swim'],
  walk: ['Walk', 'Walk'],
  hike: ['Hike', 'Hike'],
  rowing: ['Rowing', 'Rowing'],
  strength_training: ['WeightTraining', 'WeightTraining'],
  yoga: ['Yoga', 'Yoga'],
  hiit: ['Workout', 'HighIntensityIntervalTraining'],
  elliptical: ['Elliptical', 'Elliptical'],
  alpine_ski: ['AlpineSki', 'AlpineSki'],
  other: ['Workout', 'Workout'],
};

const ON_FOOT: ReadonlySet<SportType> = new Set(['run', 'trail_run', 'walk', 'hike']);
const RIDES: ReadonlySet<SportType> = new Set(['ride', 'virtual_ride', 'mountain_bike_ride']);
const INDOOR: ReadonlySet<SportType> = new Set(['virtual_ride', 'rowing', 'strength_training', 'yoga', 'hiit', 'elliptical']);

const round1 = (value: number) => Math.round(value * 10) / 10;

/** SummaryActivity (resource_state 2), as GET /athlete/activities lists it. */
export function summaryActivity(sim: SimActivity, athlete: SimAthlete) {
  const a = sim.activity;
  const [type, sportType] = SPORTS[a.sport_type] ?? SPORTS.other!;
  const city = athlete.profile.city;
  const offsetSecs = city.utcOffsetHours * 3600;
  const sign = city.utcOffsetHours < 0 ? '-' : '+';
  const hh = String(Math.abs(city.utcOffsetHours)).padStart(2, '0');
  const h = hash32(`render|${sim.id}`);
  const moved = a.distance_meters !== null && a.distance_meters > 0;
  const hasGps = a.start_latitude !== null && a.start_longitude !== null;
  const hasHr = a.average_heart_rate !== null;
  const power = a.average_power;
  const isRide = RIDES.has(a.sport_type);
  const latlng = hasGps ? [a.start_latitude!, a.start_longitude!] : [];
  const elevation = a.elevation_gain_meters ?? 0;
  const codes = a.workout_type === null ? undefined : WORKOUT_CODES[a.workout_type];
  const baseAltitude = 20 + (h % 400);
  return {
    resource_state: 2,
    athlete: { id: athlete.id, resource_state: 1 },
    name: a.name,
    distance: a.distance_meters ?? 0,
    moving_time: sim.movingTime,
    elapsed_time: sim.elapsedTime,
    total_elevation_gain: elevation,
    type,
    sport_type: sportType,
    workout_type: codes === undefined ? null : isRide ? codes[1] : codes[0],
    id: sim.id,
    external_id: `garmin_ping_${sim.id + 9_000_000_000}`,
    upload_id: sim.id + 1_000_000_000,
    upload_id_str: String(sim.id + 1_000_000_000),
    start_date: isoInstant(sim.startMs),
    // Strava's quirk: the local wall-clock time, written with a Z.
    start_date_local: isoInstant(sim.startMs + offsetSecs * 1000),
    timezone: `(GMT${sign}${hh}:00) ${city.timezone}`,
    utc_offset: offsetSecs,
    // Deprecated by Strava: often null, filled here for outdoor activities.
    location_city: a.city,
    location_state: a.region,
    location_country: a.country,
    achievement_count: h % 3,
    kudos_count: (h >>> 4) % 12,
    comment_count: (h >>> 8) % 3,
    athlete_count: 1,
    photo_count: 0,
    map: {
      id: `a${sim.id}`,
      summary_polyline: a.summary_polyline ?? '',
      resource_state: 2,
    },
    trainer: INDOOR.has(a.sport_type),
    commute: false,
    manual: false,
    private: sim.private,
    visibility: sim.private ? 'only_me' : 'everyone',
    flagged: false,
    gear_id: null,
    start_latlng: latlng,
    end_latlng: latlng,
    average_speed: a.average_speed ?? 0,
    max_speed: a.max_speed ?? 0,
    // On foot Strava counts strides of one foot: half the steps per minute.
    ...(a.average_cadence !== null && { average_cadence: ON_FOOT.has(a.sport_type) ? round1(a.average_cadence / 2) : a.average_cadence }),
    ...(power !== null && {
      average_watts: power,
      kilojoules: round1((power * sim.movingTime) / 1000),
      device_watts: isRide ? h % 2 === 0 : true,
      max_watts: a.max_power,
      weighted_average_watts: a.normalized_power,
    }),
    has_heartrate: hasHr,
    ...(hasHr && {
      average_heartrate: a.average_heart_rate,
      max_heartrate: a.max_heart_rate,
    }),
    heartrate_opt_out: false,
    display_hide_heartrate_option: hasHr,
    ...(moved && hasGps && { elev_high: round1(baseAltitude + elevation / 3), elev_low: baseAltitude }),
    pr_count: 0,
    total_photo_count: 0,
    has_kudoed: false,
    suffer_score: a.suffer_score,
  };
}

/** DetailedActivity (resource_state 3), GET /activities/{id}. */
export function detailedActivity(sim: SimActivity, athlete: SimAthlete) {
  const h = hash32(`detail|${sim.id}`);
  return {
    ...summaryActivity(sim, athlete),
    resource_state: 3,
    description: null,
    calories: sim.activity.calories ?? 0,
    device_name: sim.activity.device_name,
    embed_token: (h.toString(16) + hash32(`embed|${sim.id}`).toString(16)).padEnd(16, '0'),
    perceived_exertion: null,
    prefer_perceived_exertion: null,
    segment_efforts: [],
    splits_metric: [],
    splits_standard: [],
    laps: [],
    best_efforts: [],
    gear: null,
    photos: { primary: null, count: 0 },
    stats_visibility: [],
    hide_from_home: false,
    available_zones: [],
  };
}
