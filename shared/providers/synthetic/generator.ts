/**
 * Deterministic synthetic fitness data, as pure functions.
 *
 * A user's profile is a function of (seed, tenant, user); a day's data is a function of
 * (seed, tenant, user, UTC calendar day) through that day's own RNG, so a day never changes
 * as the 90-day window slides forward.
 */
import {
  ActivitySchema,
  AthleteSchema,
  HealthMetricsSchema,
  RecoveryMetricsSchema,
  SleepSessionSchema,
  type Activity,
  type Athlete,
  type HealthMetrics,
  type RecoveryMetrics,
  type SleepSession,
  type SportType,
  SPORT_LABELS,
} from '../../models';
import { detailed, type CoreMetrics } from './details';

const WINDOW_DAYS = 90;
export const DAY_MS = 86_400_000;

// ---- randomness ------------------------------------------------------------------------------

const UTF8 = new TextEncoder();

/** FNV-1a over the UTF-8 bytes, finished with murmur3's fmix32. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of UTF8.encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  // FNV-1a alone spreads a change in the last byte poorly, and day keys differ only there.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32 seeded from a string key. */
export class Rng {
  private state: number;

  constructor(key: string) {
    this.state = hash32(key);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return at(items, Math.floor(this.next() * items.length));
  }

  /** Approximately standard normal (Irwin-Hall with four uniforms), bounded by ±3.5. */
  gauss(): number {
    return (this.next() + this.next() + this.next() + this.next() - 2) * Math.sqrt(3);
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [at(out, j), at(out, i)];
    }
    return out;
  }
}

function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new RangeError(`index ${index} outside 0..${items.length - 1}`);
  return item;
}

// ---- small helpers -------------------------------------------------------------------------------

const clamp = (value: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, value));
const r1 = (value: number) => Math.round(value * 10) / 10;
const r3 = (value: number) => Math.round(value * 1000) / 1000;
const r6 = (value: number) => Math.round(value * 1e6) / 1e6;
/** kcal for a MET value held for `seconds`. */
const metKcal = (met: number, weightKg: number, seconds: number) => (met * weightKg * seconds) / 3600;

/** `2026-11-25T06:30:00Z`: every generated instant is on a whole second. */
export function isoInstant(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

export function dayNumberOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** `YYYY-MM-DD` of a day number (days since 1970-01-01, UTC). */
export function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday). */
function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** The inclusive day numbers of the 90-day window ending today. */
export function windowOf(nowMs: number): { first: number; last: number } {
  const last = dayNumberOf(nowMs);
  return { first: last - WINDOW_DAYS + 1, last };
}

// ---- identities ----------------------------------------------------------------------------------

export interface UserKey {
  seed: string;
  tenantId: string;
  userId: string;
}

export function userKeyString(user: UserKey): string {
  return `${user.seed}|${user.tenantId}|${user.userId}`;
}

export function dayKeyString(user: UserKey, day: number): string {
  return `${userKeyString(user)}|${isoDay(day)}`;
}

const ACTIVITY_ID = /^syn-(\d{4})(\d{2})(\d{2})-([1-9]\d?)$/;

/** `syn-20261125-1`: the day and the activity's position within it, in start order. */
export function activityId(day: number, index: number): string {
  return `syn-${isoDay(day).replaceAll('-', '')}-${index}`;
}

export function parseActivityId(id: string): { day: number; index: number } | undefined {
  const match = ACTIVITY_ID.exec(id);
  if (!match) return undefined;
  const [, year, month, date, index] = match;
  const day = Date.UTC(Number(year), Number(month) - 1, Number(date)) / DAY_MS;
  // Rejects impossible dates (20260230) and two-digit years, which Date.UTC maps to 19xx.
  if (!Number.isInteger(day) || activityId(day, Number(index)) !== id) return undefined;
  return { day, index: Number(index) };
}

// ---- profile -------------------------------------------------------------------------------------

/** Fixed standard-time offsets: daylight saving time is ignored on purpose. */
interface City {
  city: string;
  region: string;
  country: string;
  /** IANA name; the offset below ignores its daylight saving time. */
  timezone: string;
  lat: number;
  lng: number;
  utcOffsetHours: number;
}

const CITIES: readonly City[] = [
  { city: 'London', region: 'England', country: 'United Kingdom', timezone: 'Europe/London', lat: 51.5072, lng: -0.1276, utcOffsetHours: 0 },
  { city: 'Lisbon', region: 'Lisboa', country: 'Portugal', timezone: 'Europe/Lisbon', lat: 38.7223, lng: -9.1393, utcOffsetHours: 0 },
  { city: 'Paris', region: 'Île-de-France', country: 'France', timezone: 'Europe/Paris', lat: 48.8566, lng: 2.3522, utcOffsetHours: 1 },
  { city: 'Berlin', region: 'Berlin', country: 'Germany', timezone: 'Europe/Berlin', lat: 52.52, lng: 13.405, utcOffsetHours: 1 },
  { city: 'Amsterdam', region: 'North Holland', country: 'Netherlands', timezone: 'Europe/Amsterdam', lat: 52.3676, lng: 4.9041, utcOffsetHours: 1 },
  { city: 'Barcelona', region: 'Catalonia', country: 'Spain', timezone: 'Europe/Madrid', lat: 41.3874, lng: 2.1686, utcOffsetHours: 1 },
  { city: 'Zurich', region: 'Zurich', country: 'Switzerland', timezone: 'Europe/Zurich', lat: 47.3769, lng: 8.5417, utcOffsetHours: 1 },
  { city: 'Stockholm', region: 'Stockholm', country: 'Sweden', timezone: 'Europe/Stockholm', lat: 59.3293, lng: 18.0686, utcOffsetHours: 1 },
  { city: 'Cape Town', region: 'Western Cape', country: 'South Africa', timezone: 'Africa/Johannesburg', lat: -33.9249, lng: 18.4241, utcOffsetHours: 2 },
  { city: 'New York', region: 'New York', country: 'United States', timezone: 'America/New_York', lat: 40.7128, lng: -74.006, utcOffsetHours: -5 },
  { city: 'Boulder', region: 'Colorado', country: 'United States', timezone: 'America/Denver', lat: 40.015, lng: -105.2705, utcOffsetHours: -7 },
  { city: 'San Francisco', region: 'California', country: 'United States', timezone: 'America/Los_Angeles', lat: 37.7749, lng: -122.4194, utcOffsetHours: -8 },
  { city: 'Vancouver', region: 'British Columbia', country: 'Canada', timezone: 'America/Vancouver', lat: 49.2827, lng: -123.1207, utcOffsetHours: -8 },
  { city: 'Tokyo', region: 'Tokyo', country: 'Japan', timezone: 'Asia/Tokyo', lat: 35.6762, lng: 139.6503, utcOffsetHours: 9 },
  { city: 'Sydney', region: 'New South Wales', country: 'Australia', timezone: 'Australia/Sydney', lat: -33.8688, lng: 151.2093, utcOffsetHours: 10 },
];

const FEMALE_NAMES = ['Emma', 'Sofia', 'Mia', 'Lena', 'Chloe', 'Aiko', 'Zoe', 'Isabel', 'Nora', 'Freya', 'Maya', 'Clara'];
const MALE_NAMES = ['Liam', 'Lucas', 'Noah', 'Felix', 'Mateo', 'Hugo', 'Kenji', 'Oliver', 'Elias', 'Samuel', 'Leo', 'Jonas'];
const LAST_NAMES = [
  'Andersen',
  'Moreau',
  'Schmidt',
  'Rossi',
  'Silva',
  'Tanaka',
  'Walker',
  'Novak',
  'Jensen',
  'Garcia',
  'Okafor',
  'Fischer',
  'Larsen',
  'Dubois',
  'Kowalski',
  'Murphy',
  'Costa',
  'Bauer',
  'Nakamura',
  'Evans',
];

const DEVICES = ['Garmin Forerunner 965', 'Garmin Fenix 7', 'COROS PACE 3', 'Wahoo ELEMNT BOLT', 'Apple Watch Series 9', 'Polar Vantage V3'];

const ENDURANCE_SPORTS: readonly SportType[] = ['run', 'ride', 'swim', 'trail_run', 'rowing', 'mountain_bike_ride', 'virtual_ride'];
const GYM_SPORTS: readonly SportType[] = ['strength_training', 'yoga', 'hiit'];
const OTHER_SPORTS: readonly SportType[] = ['walk', 'hike', ...GYM_SPORTS];
const LONG_SPORTS: ReadonlySet<SportType> = new Set(['run', 'trail_run', 'ride', 'mountain_bike_ride', 'hike', 'walk']);

export interface SyntheticProfile {
  athleteId: string;
  firstname: string;
  lastname: string;
  username: string;
  sex: 'female' | 'male';
  city: City;
  home: { lat: number; lng: number };
  age: number;
  /** 0 (beginner) to 1 (well trained). */
  fitness: number;
  heightCm: number;
  weightKg: number;
  bodyFatPct: number;
  restingHr: number;
  maxHr: number;
  hrvBaselineMs: number;
  respiratoryRate: number;
  vo2max: number;
  /** Functional threshold power, watts. */
  ftpWatts: number;
  /** The watch or computer that records every session. */
  device: string;
  baseSteps: number;
  /** Planned sport per weekday (index 0 = Sunday); null is the rest day. Six distinct sports. */
  rotation: readonly (SportType | null)[];
  favourites: readonly SportType[];
  prefersMornings: boolean;
  /** Phases (in days) of the slow sinusoidal drifts of weight, body fat and VO2max. */
  drift: { weight: number; weight2: number; vo2max: number };
}

export function generateProfile(user: UserKey): SyntheticProfile {
  const rng = new Rng(userKeyString(user));
  const sex = rng.chance(0.5) ? 'female' : 'male';
  const firstname = rng.pick(sex === 'female' ? FEMALE_NAMES : MALE_NAMES);
  const lastname = rng.pick(LAST_NAMES);
  const city = rng.pick(CITIES);
  const home = {
    lat: r6(city.lat + rng.between(-0.06, 0.06)),
    lng: r6(city.lng + rng.between(-0.06, 0.06) / Math.cos((city.lat * Math.PI) / 180)),
  };
  const age = rng.int(24, 55);
  const fitness = rng.next();
  const heightCm = Math.round(sex === 'female' ? rng.between(155, 178) : rng.between(166, 194));
  const bmi = rng.between(19.5, 25.5) + (1 - fitness) * 1.2;
  const weightKg = r1(bmi * (heightCm / 100) ** 2);
  const bodyFatPct = r1((sex === 'female' ? 31 : 22) - fitness * 9 + rng.between(-2, 2));
  const restingHr = Math.round(68 - fitness * 22 + rng.between(-3, 3));
  const maxHr = Math.min(200, Math.round(208 - 0.7 * age + rng.between(-4, 4)));
  const hrvBaselineMs = r1(clamp(95 - age + fitness * 35 + rng.between(-8, 8), 25, 120));
  const respiratoryRate = r1(rng.between(12.5, 16.5));
  const vo2max = r1((sex === 'female' ? 34 : 39) + fitness * 22 - (age - 30) * 0.25 + rng.between(-2, 2));
  const baseSteps = rng.int(4_000, 9_000);

  const favourites = rng.shuffle(ENDURANCE_SPORTS).slice(0, 3);
  const gym = rng.pick(GYM_SPORTS);
  const extras = rng
    .shuffle([...ENDURANCE_SPORTS, ...OTHER_SPORTS])
    .filter((s) => !favourites.includes(s) && s !== gym)
    .slice(0, 2);
  const sports = [...favourites, gym, ...extras];
  // The weekend carries the long sessions: the top favourite and a hike when there is one.
  const weekendSecond = sports.includes('hike') ? 'hike' : at(favourites, 1);
  const saturdayFirst = rng.chance(0.5);
  const rotation: (SportType | null)[] = new Array<SportType | null>(7).fill(null);
  rotation[saturdayFirst ? 6 : 0] = at(favourites, 0);
  rotation[saturdayFirst ? 0 : 6] = weekendSecond;
  const restDay = rng.pick([1, 3, 5]);
  const weekdaySports = rng.shuffle(sports.filter((s) => s !== at(favourites, 0) && s !== weekendSecond));
  let next = 0;
  for (const weekday of [1, 2, 3, 4, 5]) {
    if (weekday !== restDay) rotation[weekday] = at(weekdaySports, next++);
  }

  return {
    athleteId: `syn-athlete-${hash32(userKeyString(user)).toString(16).padStart(8, '0')}`,
    firstname,
    lastname,
    username: `${firstname}.${lastname}${rng.int(1, 99)}`.toLowerCase(),
    sex,
    city,
    home,
    age,
    fitness,
    heightCm,
    weightKg,
    bodyFatPct,
    restingHr,
    maxHr,
    hrvBaselineMs,
    respiratoryRate,
    vo2max,
    // Drawn from their own RNG so the rest of the profile is what it was before they existed.
    ftpWatts: Math.round(weightKg * (2.2 + fitness * 1.8)),
    device: new Rng(`${userKeyString(user)}|device`).pick(DEVICES),
    baseSteps,
    rotation,
    favourites,
    prefersMornings: rng.chance(0.55),
    drift: { weight: rng.int(0, 46), weight2: rng.int(0, 112), vo2max: rng.int(0, 130) },
  };
}

export function athleteFromProfile(profile: SyntheticProfile, provider: string): Athlete {
  return AthleteSchema.parse({
    id: profile.athleteId,
    provider,
    username: profile.username,
    firstname: profile.firstname,
    lastname: profile.lastname,
    profile_picture: null,
    sex: profile.sex,
    weight_kg: profile.weightKg,
    city: profile.city.city,
    country: profile.city.country,
  });
}

// ---- activities ----------------------------------------------------------------------------------

type Metrics = CoreMetrics;

interface ActivityContext {
  profile: SyntheticProfile;
  rng: Rng;
  long: boolean;
}

/** Average and maximum heart rate at a share of the heart-rate reserve. */
function heartRates(ctx: ActivityContext, lo: number, hi: number): { avg: number; max: number } {
  const { profile: p, rng } = ctx;
  const intensity = rng.between(lo, hi) - (ctx.long ? 0.04 : 0);
  const avg = clamp(Math.round(p.restingHr + (p.maxHr - p.restingHr) * intensity), 100, Math.min(170, p.maxHr - 10));
  return { avg, max: Math.min(p.maxHr, avg + rng.int(10, 28)) };
}

function near(ctx: ActivityContext, maxKm: number): { start_latitude: number; start_longitude: number } {
  const { home } = ctx.profile;
  const degrees = maxKm / 111;
  return {
    start_latitude: r6(home.lat + ctx.rng.between(-degrees, degrees)),
    start_longitude: r6(home.lng + ctx.rng.between(-degrees, degrees) / Math.cos((home.lat * Math.PI) / 180)),
  };
}

const INDOOR = { start_latitude: null, start_longitude: null, elevation_gain_meters: null };
const NO_DISTANCE = { distance_meters: null, average_speed: null, max_speed: null, ...INDOOR };
const NO_EXTRAS = { average_power: null, average_cadence: null, steps: null };

function strideMeters(p: SyntheticProfile): number {
  return (p.heightCm / 100) * 0.415;
}

/** A session at a distance and duration: the fields every distance sport shares. */
function moving(ctx: ActivityContext, meters: number, seconds: number, maxSpeedFactor: [number, number]) {
  const speed = meters / seconds;
  return {
    moving_time_seconds: Math.round(seconds),
    distance_meters: r1(meters),
    average_speed: r3(speed),
    max_speed: r3(speed * ctx.rng.between(...maxSpeedFactor)),
  };
}

function cycling(
  ctx: ActivityContext,
  ride: { kmh: number; km: number; power: number; cadence: number; maxSpeedFactor: [number, number] },
  hr: { avg: number; max: number },
) {
  const { kmh, km, power, cadence } = ride;
  const seconds = (km / kmh) * 3600;
  return {
    ...moving(ctx, km * 1000, seconds, ride.maxSpeedFactor),
    average_heart_rate: hr.avg,
    max_heart_rate: hr.max,
    // Work in kJ is close to kcal burned, given ~24% muscular efficiency.
    calories: Math.round(((power * seconds) / 1000) * ctx.rng.between(1.0, 1.1)),
    average_power: Math.round(power),
    average_cadence: r1(cadence),
    steps: null,
  };
}

const BUILDERS: Partial<Record<SportType, (ctx: ActivityContext) => Metrics>> = {
  run(ctx) {
    const { profile: p, rng, long } = ctx;
    const pace = clamp(420 - p.fitness * 140 + rng.between(-10, 25) + (long ? 15 : 0), 255, 420);
    const km = clamp((5 + p.fitness * 6 + rng.between(-2, 3)) * (long ? rng.between(1.6, 2.0) : 1), 3, 21);
    const seconds = km * pace;
    const cadence = clamp(158 + p.fitness * 16 + rng.between(-4, 4), 150, 190);
    const hr = heartRates(ctx, 0.62, 0.8);
    return {
      ...moving(ctx, km * 1000, seconds, [1.2, 1.45]),
      elevation_gain_meters: r1(km * rng.between(3, 14)),
      average_heart_rate: hr.avg,
      max_heart_rate: hr.max,
      calories: Math.round(p.weightKg * km * rng.between(0.95, 1.08)),
      average_power: null,
      average_cadence: r1(cadence),
      steps: Math.round((cadence * seconds) / 60),
      ...near(ctx, 5),
    };
  },
  trail_run(ctx) {
    const { profile: p, rng, long } = ctx;
    const pace = clamp(480 - p.fitness * 110 + rng.between(-15, 40), 360, 600);
    const km = clamp((6 + p.fitness * 6 + rng.between(-2, 4)) * (long ? rng.between(1.5, 1.9) : 1), 5, 30);
    const seconds = km * pace;
    const cadence = clamp(152 + p.fitness * 16 + rng.between(-4, 4), 145, 185);
    const hr = heartRates(ctx, 0.6, 0.78);
    return {
      ...moving(ctx, km * 1000, seconds, [1.3, 1.7]),
      elevation_gain_meters: r1(km * rng.between(25, 60)),
      average_heart_rate: hr.avg,
      max_heart_rate: hr.max,
      calories: Math.round(p.weightKg * km * rng.between(1.1, 1.25)),
      average_power: null,
      average_cadence: r1(cadence),
      steps: Math.round((cadence * seconds) / 60),
      ...near(ctx, 25),
    };
  },
  ride(ctx) {
    const { profile: p, rng, long } = ctx;
    const kmh = clamp(20 + p.fitness * 10 + rng.between(-3, 3) - (long ? 1 : 0), 18, 34);
    const km = clamp((28 + p.fitness * 32 + rng.between(-10, 15)) * (long ? rng.between(1.6, 2.1) : 1), 15, 110);
    const power = clamp(p.weightKg * (1.7 + p.fitness * 1.3) * rng.between(0.92, 1.08) - (long ? 10 : 0), 120, 260);
    const cadence = clamp(80 + p.fitness * 8 + rng.between(-5, 5), 75, 95);
    return {
      ...cycling(ctx, { kmh, km, power, cadence, maxSpeedFactor: [1.6, 2.2] }, heartRates(ctx, 0.55, 0.75)),
      elevation_gain_meters: r1(km * rng.between(5, 15)),
      ...near(ctx, 5),
    };
  },
  virtual_ride(ctx) {
    const { profile: p, rng } = ctx;
    const kmh = clamp(25 + p.fitness * 7 + rng.between(-2, 2), 18, 34);
    const km = clamp(kmh * rng.between(0.75, 1.5), 15, 60);
    const power = clamp(p.weightKg * (1.9 + p.fitness * 1.3) * rng.between(0.92, 1.08), 120, 260);
    const cadence = clamp(84 + p.fitness * 6 + rng.between(-4, 4), 75, 95);
    return { ...cycling(ctx, { kmh, km, power, cadence, maxSpeedFactor: [1.25, 1.6] }, heartRates(ctx, 0.6, 0.78)), ...INDOOR };
  },
  mountain_bike_ride(ctx) {
    const { profile: p, rng, long } = ctx;
    const kmh = clamp(11 + p.fitness * 6 + rng.between(-2, 2), 9, 20);
    const km = clamp((15 + p.fitness * 15 + rng.between(-5, 8)) * (long ? rng.between(1.3, 1.7) : 1), 10, 60);
    const power = clamp(p.weightKg * (1.8 + p.fitness * 1.2) * rng.between(0.9, 1.1), 120, 260);
    const cadence = clamp(72 + p.fitness * 8 + rng.between(-4, 4), 65, 90);
    return {
      ...cycling(ctx, { kmh, km, power, cadence, maxSpeedFactor: [2.0, 2.8] }, heartRates(ctx, 0.6, 0.78)),
      elevation_gain_meters: r1(km * rng.between(15, 32)),
      ...near(ctx, 25),
    };
  },
  swim(ctx) {
    const { profile: p, rng } = ctx;
    const per100 = clamp(158 - p.fitness * 50 + rng.between(-6, 8), 100, 160);
    const meters = clamp(Math.round(((1.4 + p.fitness * 1.6 + rng.between(-0.4, 0.8)) * 1000) / 50) * 50, 1000, 4000);
    const seconds = (meters / 100) * per100;
    const hr = heartRates(ctx, 0.5, 0.7);
    return {
      ...moving(ctx, meters, seconds, [1.15, 1.35]),
      elevation_gain_meters: null,
      average_heart_rate: hr.avg,
      max_heart_rate: hr.max,
      calories: Math.round(metKcal(rng.between(6, 9.5), p.weightKg, seconds)),
      ...NO_EXTRAS,
      // Strokes per minute (both arms), faster for a faster swimmer.
      average_cadence: r1(clamp(24 + p.fitness * 10 + rng.between(-2, 2), 20, 38)),
      ...near(ctx, 4),
    };
  },
  walk(ctx) {
    const { profile: p, rng, long } = ctx;
    const kmh = clamp(4.6 + rng.between(-0.3, 0.9), 4.3, 5.8);
    const km = clamp(rng.between(2, 6) + (long ? 2 : 0), 2, 8);
    const seconds = (km / kmh) * 3600;
    const steps = Math.round((km * 1000) / strideMeters(p));
    const hr = heartRates(ctx, 0.25, 0.38);
    return {
      ...moving(ctx, km * 1000, seconds, [1.15, 1.4]),
      elevation_gain_meters: r1(km * rng.between(2, 10)),
      average_heart_rate: hr.avg,
      max_heart_rate: hr.max,
      calories: Math.round(metKcal(3.5, p.weightKg, seconds)),
      average_power: null,
      average_cadence: r1(steps / (seconds / 60)),
      steps,
      ...near(ctx, 3),
    };
  },
  hike(ctx) {
    const { profile: p, rng, long } = ctx;
    const kmh = clamp(3.2 + p.fitness + rng.between(-0.4, 0.4), 2.8, 4.8);
    const km = clamp((8 + p.fitness * 6 + rng.between(-2, 4)) * (long ? 1.2 : 1), 6, 20);
    const elevation = clamp(km * rng.between(45, 85), 300, 1200);
    // Flat walking time plus climbing at roughly 900 m per hour.
    const seconds = (km / kmh + elevation / 900) * 3600;
    const steps = Math.round((km * 1000) / (strideMeters(p) * 0.9));
    const hr = heartRates(ctx, 0.4, 0.58);
    return {
      ...moving(ctx, km * 1000, seconds, [1.8, 2.4]),
      elevation_gain_meters: r1(elevation),
      average_heart_rate: hr.avg,
      max_heart_rate: hr.max,
      calories: Math.round(metKcal(rng.between(5.5, 7), p.weightKg, seconds)),
      average_power: null,
      average_cadence: r1(steps / (seconds / 60)),
      steps,
      ...near(ctx, 30),
    };
  },
  rowing(ctx) {
    const { profile: p, rng } = ctx;
    const split500 = clamp(150 - p.fitness * 32 + rng.between(-4, 6), 112, 155);
    const km = clamp(rng.between(5, 9) + p.fitness * 3, 5, 12);
    const seconds = km * 2 * split500;
    // Concept2's ergometer relation between pace (s/m) and watts.
    const power = 2.8 / (split500 / 500) ** 3;
    const hr = heartRates(ctx, 0.6, 0.78);
    return {
      ...moving(ctx, km * 1000, seconds, [1.05, 1.12]),
      ...INDOOR,
      average_heart_rate: hr.avg,
      max_heart_rate: hr.max,
      calories: Math.round(((power * seconds) / 1000) * 1.1 + metKcal(1.5, p.weightKg, seconds)),
      average_power: Math.round(power),
      average_cadence: r1(clamp(20 + p.fitness * 8 + rng.between(-2, 2), 18, 32)),
      steps: null,
    };
  },
  strength_training: (ctx) => gymSession(ctx, [25, 75], [0.35, 0.55], [3.5, 6]),
  yoga: (ctx) => gymSession(ctx, [25, 75], [0.2, 0.32], [2.5, 3.2]),
  hiit: (ctx) => gymSession(ctx, [20, 45], [0.7, 0.85], [8, 10]),
};

function gymSession(ctx: ActivityContext, minutes: [number, number], intensity: [number, number], met: [number, number]): Metrics {
  const seconds = Math.round(ctx.rng.between(...minutes) * 60);
  const hr = heartRates(ctx, ...intensity);
  return {
    moving_time_seconds: seconds,
    ...NO_DISTANCE,
    average_heart_rate: hr.avg,
    max_heart_rate: hr.max,
    calories: Math.round(metKcal(ctx.rng.between(...met), ctx.profile.weightKg, seconds)),
    ...NO_EXTRAS,
  };
}

function partOfDay(localSeconds: number): string {
  const hour = localSeconds / 3600;
  if (hour < 11) return 'Morning';
  if (hour < 14) return 'Lunch';
  if (hour < 17) return 'Afternoon';
  return 'Evening';
}

type Slot = 'morning' | 'lunch' | 'evening';

/** Local start time in seconds after local midnight. */
function localStart(rng: Rng, slot: Slot, weekend: boolean): number {
  const minutes =
    slot === 'morning'
      ? weekend
        ? rng.int(8 * 60, 10 * 60 + 30)
        : rng.int(6 * 60, 7 * 60 + 45)
      : slot === 'lunch'
        ? rng.int(12 * 60, 12 * 60 + 45)
        : rng.int(17 * 60 + 15, 19 * 60 + 30);
  return minutes * 60 + rng.int(0, 59);
}

/** The sports done on a day (0-2), before any details are drawn. */
function plannedSports(profile: SyntheticProfile, rng: Rng, day: number): SportType[] {
  const planned = at(profile.rotation, weekdayOf(day));
  // Every fourth week follows the rotation strictly, so each of the six rotation sports occurs
  // at least twice in any 90-day window whatever the random draws.
  const committed = Math.floor(day / 7) % 4 === 0;
  const sports: SportType[] = [];
  if (planned === null) {
    if (rng.chance(0.3)) sports.push(rng.pick<SportType>(['walk', 'yoga']));
  } else if (committed) {
    sports.push(planned);
  } else if (!rng.chance(0.12)) {
    sports.push(rng.chance(0.18) ? rng.pick(profile.favourites) : planned);
  }
  const first = sports[0];
  if (first !== undefined && rng.chance(0.08 + profile.fitness * 0.17)) {
    const options: SportType[] = [...profile.favourites, 'strength_training', 'yoga', 'walk'];
    sports.push(rng.pick(options.filter((s) => s !== first)));
  }
  return sports;
}

/** Mifflin-St Jeor resting energy, kcal per day. */
function bmrOf(profile: SyntheticProfile, weightKg: number): number {
  return 10 * weightKg + 6.25 * profile.heightCm - 5 * profile.age + (profile.sex === 'male' ? 5 : -161);
}

function generateActivities(profile: SyntheticProfile, rng: Rng, day: number, provider: string, dayKey: string): Activity[] {
  const weekday = weekdayOf(day);
  const weekend = weekday === 0 || weekday === 6;
  const sports = plannedSports(profile, rng, day);
  const firstSlot: Slot = weekend || profile.prefersMornings ? 'morning' : rng.chance(0.3) ? 'lunch' : 'evening';
  const drafts = sports.map((sport, i) => {
    const slot: Slot = i === 0 ? firstSlot : firstSlot === 'evening' ? 'morning' : 'evening';
    const local = localStart(rng, slot, weekend);
    const long = weekend && i === 0 && LONG_SPORTS.has(sport);
    const build = BUILDERS[sport] ?? BUILDERS.strength_training!;
    const metrics = build({ profile, rng, long });
    // A start that crosses UTC midnight wraps around within the same UTC day: the local time of
    // day stays plausible and the activity stays on the day that generated it.
    const utcSeconds = (((local - profile.city.utcOffsetHours * 3600) % 86_400) + 86_400) % 86_400;
    const label = SPORT_LABELS[sport];
    return {
      startMs: day * DAY_MS + utcSeconds * 1000,
      sport,
      name: long && sport !== 'hike' && sport !== 'walk' ? `Long ${label}` : `${partOfDay(local)} ${label}`,
      label,
      long,
      metrics,
    };
  });
  drafts.sort((a, b) => a.startMs - b.startMs);
  const athlete = { restingHr: profile.restingHr, maxHr: profile.maxHr, weightKg: profile.weightKg, ftpWatts: profile.ftpWatts, device: profile.device };
  const place = profile.city;
  return drafts.map((d, i) =>
    ActivitySchema.parse({
      id: activityId(day, i + 1),
      provider,
      name: d.name,
      sport_type: d.sport,
      start_date: isoInstant(d.startMs),
      ...detailed(
        d.metrics,
        {
          rng: new Rng(`${dayKey}|details|${i + 1}`),
          athlete,
          place,
          sport: d.sport,
          startMs: d.startMs,
          long: d.long,
          bmrPerDay: bmrOf(profile, profile.weightKg),
        },
        d.label,
      ),
    }),
  );
}

// ---- sleep, recovery, health ---------------------------------------------------------------------

type Stage = SleepSession['stages'][number]['stage'];

/** The night that ends on `day` (local wake-up date), in ~90-minute cycles. */
function generateSleep(
  profile: SyntheticProfile,
  rng: Rng,
  day: number,
  provider: string,
  body: { restingHr: number; hrvMs: number; readiness: number; spo2: number; skinTempDeviation: number },
): SleepSession {
  const weekday = weekdayOf(day);
  const weekend = weekday === 0 || weekday === 6;
  const bedMinutes = weekend ? rng.between(-75, 45) : rng.between(-105, 15);
  const inBed = Math.round((rng.between(6.4, 8.4) + (weekend ? rng.between(0, 0.8) : 0)) * 3600 + body.readiness * 600);
  const startMs = day * DAY_MS + Math.round(bedMinutes * 60) * 1000 - profile.city.utcOffsetHours * 3_600_000;

  const segments: { stage: Stage; seconds: number }[] = [];
  let remaining = inBed;
  const push = (stage: Stage, seconds: number) => {
    const take = Math.min(Math.round(seconds), remaining);
    if (take <= 0) return;
    remaining -= take;
    const last = segments.at(-1);
    if (last?.stage === stage) last.seconds += take;
    else segments.push({ stage, seconds: take });
  };
  const finalAwake = Math.round(rng.between(2, 10) * 60);
  remaining -= finalAwake;
  push('awake', rng.between(4, 18) * 60);
  for (let cycle = 0; remaining > 0; cycle++) {
    const length = rng.between(82, 102) * 60;
    const deep = length * Math.max(0.04, 0.3 - 0.075 * cycle) * rng.between(0.8, 1.2);
    const rem = length * Math.min(0.38, 0.1 + 0.07 * cycle) * rng.between(0.85, 1.15);
    const light = length - deep - rem;
    push('light', light * 0.55);
    push('deep', deep);
    push('light', light * 0.45);
    push('rem', rem);
    if (rng.chance(0.3)) push('awake', rng.between(1, 6) * 60);
  }
  remaining = finalAwake;
  push('awake', finalAwake);

  const totals: Record<Stage, number> = { awake: 0, light: 0, deep: 0, rem: 0 };
  let cursor = startMs;
  const stages = segments.map((s) => {
    totals[s.stage] += s.seconds;
    const stage = { stage: s.stage, start_date: isoInstant(cursor), duration_seconds: s.seconds };
    cursor += s.seconds * 1000;
    return stage;
  });
  const asleep = inBed - totals.awake;
  const efficiency = r1((100 * asleep) / inBed);
  const restorative = (totals.deep + totals.rem) / asleep;
  const score = Math.round(
    100 * (0.45 * Math.min(1, asleep / (8 * 3600)) + 0.3 * clamp((efficiency - 75) / 25, 0, 1) + 0.25 * clamp(restorative / 0.45, 0, 1)),
  );
  return SleepSessionSchema.parse({
    id: `syn-sleep-${isoDay(day).replaceAll('-', '')}`,
    provider,
    start_date: isoInstant(startMs),
    end_date: isoInstant(startMs + inBed * 1000),
    time_in_bed_seconds: inBed,
    time_asleep_seconds: asleep,
    efficiency_percentage: efficiency,
    sleep_score: score,
    is_nap: false,
    // Awakenings after falling asleep: every awake period but the first (falling asleep).
    wake_count: Math.max(0, segments.filter((s) => s.stage === 'awake').length - 1),
    onset_latency_seconds: segments[0]?.stage === 'awake' ? segments[0].seconds : 0,
    stages,
    stage_totals: {
      awake_seconds: totals.awake,
      light_seconds: totals.light,
      deep_seconds: totals.deep,
      rem_seconds: totals.rem,
    },
    average_heart_rate: Math.round(body.restingHr + rng.between(-1, 4)),
    hrv_rmssd_ms: body.hrvMs,
    respiratory_rate: r1(profile.respiratoryRate + rng.between(-0.5, 0.5)),
    spo2_percentage: body.spo2,
    skin_temp_deviation_celsius: body.skinTempDeviation,
  });
}

/** WHOOP-like 0-21 strain: saturating in the day's heart-rate-weighted training load. */
function strainOf(profile: SyntheticProfile, rng: Rng, activities: readonly Activity[], restingHr: number): number {
  let load = 0;
  for (const a of activities) {
    const share = clamp(((a.average_heart_rate ?? restingHr) - restingHr) / (profile.maxHr - restingHr), 0, 1);
    load += (a.duration_seconds / 60) * share * share * 2;
  }
  return r1(Math.min(21, 21 * (1 - Math.exp(-(load + rng.between(14, 26)) / 90))));
}

const sine = (day: number, phase: number, period: number) => Math.sin((2 * Math.PI * (day + phase)) / period);

export interface SyntheticDay {
  day: number;
  date: string;
  /** In start order; ids `syn-YYYYMMDD-<n>` number them from 1. */
  activities: Activity[];
  sleep: SleepSession;
  recovery: RecoveryMetrics;
  health: HealthMetrics;
}

export function generateDay(user: UserKey, profile: SyntheticProfile, day: number, provider: string): SyntheticDay {
  const rng = new Rng(dayKeyString(user, day));
  const date = isoDay(day);
  const readiness = clamp(rng.gauss() * 0.5, -1, 1);
  const restingHr = Math.round(profile.restingHr - readiness * 3 + rng.between(-1.5, 1.5));
  const hrvMs = r1(profile.hrvBaselineMs * (1 + 0.18 * readiness + rng.between(-0.05, 0.05)));

  // Values added to the model later draw from their own RNG, so the others stay as they were.
  const extra = new Rng(`${dayKeyString(user, day)}|body`);
  const spo2 = r1(extra.between(95.2, 99));
  const skinTempDeviation = r1(extra.between(-0.4, 0.4) + (readiness < -0.5 ? 0.3 : 0));

  const activities = generateActivities(profile, rng, day, provider, dayKeyString(user, day));
  const sleep = generateSleep(profile, rng, day, provider, { restingHr, hrvMs, readiness, spo2, skinTempDeviation });

  const recovery = RecoveryMetricsSchema.parse({
    provider,
    date,
    recovery_score: clamp(
      Math.round(
        58 + 110 * (hrvMs / profile.hrvBaselineMs - 1) + 0.35 * ((sleep.sleep_score ?? 75) - 75) - 2.5 * (restingHr - profile.restingHr) + rng.between(-4, 4),
      ),
      1,
      99,
    ),
    resting_heart_rate: restingHr,
    hrv_rmssd_ms: hrvMs,
    respiratory_rate: sleep.respiratory_rate,
    spo2_percentage: spo2,
    skin_temp_celsius: r1(33.6 + rng.between(-0.5, 0.5) + (readiness < -0.5 ? 0.3 : 0)),
    skin_temp_deviation_celsius: skinTempDeviation,
    stress_level: Math.round(clamp(32 - readiness * 14 + extra.between(-8, 8), 5, 95)),
    strain: strainOf(profile, rng, activities, restingHr),
  });

  // Weight and body fat follow slow sine drifts (a function of the day alone) plus daily noise,
  // so neighbouring days stay close without one day's data depending on another's RNG.
  const drift = 0.9 * sine(day, profile.drift.weight, 47) + 0.6 * sine(day, profile.drift.weight2, 113);
  const weightKg = r1(profile.weightKg + drift + rng.between(-0.25, 0.25));
  const bmr = Math.round(bmrOf(profile, weightKg));
  let activitySteps = 0;
  let activityKcal = 0;
  for (const a of activities) {
    activitySteps += a.steps ?? 0;
    activityKcal += a.active_calories ?? 0;
  }
  const bodyFat = r1(profile.bodyFatPct + 0.35 * drift + rng.between(-0.3, 0.3));
  const lean = weightKg * (1 - bodyFat / 100);
  // Everyday movement adds about a fifth of the resting energy; sessions add their active energy.
  const active = Math.round(bmr * 0.2 + activityKcal);
  const systolic = Math.round(112 + (profile.age - 30) * 0.35 - profile.fitness * 6 + extra.between(-6, 6));
  const health = HealthMetricsSchema.parse({
    provider,
    date,
    weight_kg: weightKg,
    height_meters: profile.heightCm / 100,
    body_fat_percentage: bodyFat,
    bmi: r1(weightKg / (profile.heightCm / 100) ** 2),
    muscle_mass_kg: r1(lean * 0.52),
    bone_mass_kg: r1(weightKg * 0.04),
    body_water_percentage: r1(lean * 0.73 * (100 / weightKg)),
    resting_heart_rate: restingHr,
    steps: Math.round(profile.baseSteps * rng.between(0.65, 1.35)) + activitySteps,
    calories: bmr + active,
    active_calories: active,
    bmr_calories: bmr,
    vo2max: r1(profile.vo2max + 0.8 * sine(day, profile.drift.vo2max, 131)),
    blood_pressure_systolic_mmhg: systolic,
    blood_pressure_diastolic_mmhg: Math.round(systolic * 0.64 + extra.between(-4, 4)),
    blood_glucose_mg_dl: Math.round(extra.between(82, 104)),
  });

  return { day, date, activities, sleep, recovery, health };
}
