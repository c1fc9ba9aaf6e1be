/**
 * The synthetic provider's finer details, drawn after a session's core metrics: pauses
 * (elapsed vs moving time), local time, heart-rate zones, peak power and cadence, training
 * loads, route, place and device. Each draws from its own RNG so the core metrics stay
 * what they were. Pure functions of their inputs.
 */
import { cadenceUnitOf, type Activity, type HeartRateZone, type SportType } from '../../models';

/** The few RNG operations the details need (the generator's Rng has them). */
interface Draw {
  next(): number;
  between(lo: number, hi: number): number;
  int(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

interface Athlete {
  restingHr: number;
  maxHr: number;
  weightKg: number;
  /** Functional threshold power, watts. */
  ftpWatts: number;
  device: string;
}

interface Place {
  city: string;
  region: string;
  country: string;
  timezone: string;
  utcOffsetHours: number;
}

const r1 = (value: number) => Math.round(value * 10) / 10;
const clamp = (value: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, value));

/** `2026-11-25T07:30:00`: the local wall clock of an instant at a fixed offset. */
function localWallClock(ms: number, offsetHours: number): string {
  return new Date(ms + offsetHours * 3_600_000).toISOString().slice(0, 19);
}

/** Google's encoded polyline (precision 5) of a few points. */
function encodePolyline(points: readonly (readonly [number, number])[]): string {
  let out = '';
  let prevLat = 0;
  let prevLng = 0;
  const encode = (delta: number) => {
    let value = delta < 0 ? ~(delta << 1) : delta << 1;
    while (value >= 0x20) {
      out += String.fromCharCode((0x20 | (value & 0x1f)) + 63);
      value >>= 5;
    }
    out += String.fromCharCode(value + 63);
  };
  for (const [lat, lng] of points) {
    const ilat = Math.round(lat * 1e5);
    const ilng = Math.round(lng * 1e5);
    encode(ilat - prevLat);
    encode(ilng - prevLng);
    prevLat = ilat;
    prevLng = ilng;
  }
  return out;
}

/** A loop of about `meters` around a start: four corners and back. */
function loopAround(lat: number, lng: number, meters: number): [number, number][] {
  const side = Math.min(meters, 40_000) / 4 / 111_000;
  const sideLng = side / Math.cos((lat * Math.PI) / 180);
  return [
    [lat, lng],
    [lat + side, lng],
    [lat + side, lng + sideLng],
    [lat, lng + sideLng],
    [lat, lng],
  ];
}

/** Zone bounds as shares of maximum heart rate (the common five-zone model). */
const ZONE_BOUNDS = [0.5, 0.6, 0.7, 0.8, 0.9, 1.0] as const;
const ZONE_NAMES = ['Warm Up', 'Easy', 'Aerobic', 'Threshold', 'Maximum'] as const;

/** Seconds in five zones, spread around the session's average heart rate. */
function heartRateZones(athlete: Athlete, averageHr: number, seconds: number): HeartRateZone[] {
  const centre = clamp((averageHr / athlete.maxHr - 0.55) / 0.1, 0, 4);
  const weights = ZONE_NAMES.map((_, zone) => Math.exp(-((zone - centre) ** 2) / 1.2));
  const sum = weights.reduce((a, b) => a + b, 0);
  const parts = weights.map((w) => Math.floor((seconds * w) / sum));
  parts[Math.round(centre)]! += Math.round(seconds) - parts.reduce((a, b) => a + b, 0);
  return ZONE_NAMES.map((name, zone) => ({
    zone,
    name,
    min_heart_rate: Math.round(athlete.maxHr * ZONE_BOUNDS[zone]!),
    max_heart_rate: Math.round(athlete.maxHr * ZONE_BOUNDS[zone + 1]!),
    duration_seconds: parts[zone]!,
  }));
}

/** WHOOP-like 0-21 strain of one session, saturating in heart-rate-weighted minutes. */
function sessionStrain(athlete: Athlete, averageHr: number | null, seconds: number): number {
  const share = clamp(((averageHr ?? athlete.restingHr) - athlete.restingHr) / (athlete.maxHr - athlete.restingHr), 0, 1);
  return Math.round(Math.min(21, 21 * (1 - Math.exp(-((seconds / 60) * share * share * 2 + 4) / 60))) * 10) / 10;
}

/** The core metrics a sport builder draws; everything else is derived here. */
export type CoreMetrics = Pick<
  Activity,
  | 'distance_meters'
  | 'elevation_gain_meters'
  | 'average_heart_rate'
  | 'max_heart_rate'
  | 'average_speed'
  | 'max_speed'
  | 'calories'
  | 'average_power'
  | 'average_cadence'
  | 'steps'
  | 'start_latitude'
  | 'start_longitude'
> & { moving_time_seconds: number };

export type DetailedMetrics = Omit<Activity, 'id' | 'provider' | 'name' | 'sport_type' | 'start_date'>;

interface DetailContext {
  rng: Draw;
  athlete: Athlete;
  place: Place;
  sport: SportType;
  startMs: number;
  long: boolean;
  /** The athlete's BMR, kcal per day, for the resting share of a session's energy. */
  bmrPerDay: number;
}

/**
 * Elapsed time (moving time plus pauses on the road), end, local time, zones, peaks, loads,
 * route, place and device of one session.
 */
export function detailed(core: CoreMetrics, ctx: DetailContext, label: string): DetailedMetrics {
  const { rng, athlete, place, sport } = ctx;
  const moving = core.moving_time_seconds;
  const outdoors = core.start_latitude !== null && core.start_longitude !== null;
  // Traffic lights and photo stops: outdoor distance sessions pause for 0-8 % of their time.
  const pausePercent = outdoors && core.distance_meters !== null ? rng.int(0, 8) : 0;
  const elapsed = Math.round(moving * (1 + pausePercent / 100));
  const avgHr = core.average_heart_rate;
  const power = core.average_power;
  const normalized = power === null ? null : Math.round(power * rng.between(1.03, 1.1));
  const intensity = normalized === null ? null : normalized / athlete.ftpWatts;
  const cadenceUnit = cadenceUnitOf(sport);
  const resting = (ctx.bmrPerDay * elapsed) / 86_400;
  return {
    sport_type_detail: label,
    workout_type: workoutTypeOf(sport, ctx.long, rng),
    end_date: new Date(ctx.startMs + elapsed * 1000).toISOString().replace('.000Z', 'Z'),
    start_date_local: localWallClock(ctx.startMs, place.utcOffsetHours),
    utc_offset_seconds: place.utcOffsetHours * 3600,
    timezone: place.timezone,
    duration_seconds: elapsed,
    moving_time_seconds: moving,
    distance_meters: core.distance_meters,
    elevation_gain_meters: core.elevation_gain_meters,
    average_heart_rate: avgHr,
    max_heart_rate: core.max_heart_rate,
    heart_rate_zones: avgHr === null ? null : heartRateZones(athlete, avgHr, moving),
    average_speed: core.average_speed,
    max_speed: core.max_speed,
    calories: core.calories,
    active_calories: core.calories === null ? null : Math.max(0, Math.round(core.calories - resting)),
    average_power: power,
    max_power: power === null ? null : Math.round(power * rng.between(2.1, 3.0)),
    normalized_power: normalized,
    average_cadence: cadenceUnit === undefined ? null : core.average_cadence,
    max_cadence: cadenceUnit === undefined || core.average_cadence === null ? null : r1(core.average_cadence * rng.between(1.08, 1.2)),
    steps: core.steps,
    suffer_score:
      avgHr === null ? null : Math.max(0, Math.round((moving / 60) * ((avgHr - athlete.restingHr) / (athlete.maxHr - athlete.restingHr)) ** 2 * 2.2)),
    strain: sessionStrain(athlete, avgHr, moving),
    training_stress_score: intensity === null ? null : Math.round(((moving * intensity * intensity) / 3600) * 1000) / 10,
    start_latitude: core.start_latitude,
    start_longitude: core.start_longitude,
    summary_polyline:
      outdoors && core.distance_meters !== null ? encodePolyline(loopAround(core.start_latitude!, core.start_longitude!, core.distance_meters)) : null,
    city: outdoors ? place.city : null,
    region: outdoors ? place.region : null,
    country: outdoors ? place.country : null,
    device_name: athlete.device,
  };
}

const RUNS: ReadonlySet<SportType> = new Set(['run', 'trail_run']);
const RIDES: ReadonlySet<SportType> = new Set(['ride', 'virtual_ride', 'mountain_bike_ride']);

function workoutTypeOf(sport: SportType, long: boolean, rng: Draw): Activity['workout_type'] {
  if (RUNS.has(sport)) return long ? 'long_run' : rng.chance(0.04) ? 'race' : rng.chance(0.2) ? 'workout' : 'default';
  if (RIDES.has(sport)) return rng.chance(0.03) ? 'race' : rng.chance(0.2) ? 'workout' : 'default';
  return null;
}
