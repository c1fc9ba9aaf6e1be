/**
 * Per-user workouts in COROS's native shape, rendered from the synthetic generator: epoch
 * seconds, time zones in 15-minute units, metres, seconds, small calories, `mode`/`subMode`
 * sport codes and numeric `labelId`s. Only finished workouts of the last 90 days exist.
 */
import { createHash } from 'node:crypto';
import type { Activity, SportType } from '../../../shared/models';
import { generateDay, generateProfile, windowOf, type SyntheticProfile, type UserKey } from '../../../shared/providers/synthetic/generator';

export interface SimWorkout {
  labelId: string;
  mode: number;
  subMode: number;
  startTime: number;
  endTime: number;
  startTimezone: number;
  endTimezone: number;
  distance: number;
  duration: number;
  avgHeartRate?: number;
  maxHeartRate?: number;
  calorie?: number;
  step?: number;
  avgFrequency?: number;
  fitUrl: string;
}

/** The COROS sport a generated activity is recorded as (COROS has no yoga or MTB mode). */
const MODES: Partial<Record<SportType, readonly [number, number]>> = {
  run: [8, 1],
  trail_run: [15, 1],
  ride: [9, 1],
  mountain_bike_ride: [9, 1],
  virtual_ride: [9, 2],
  swim: [10, 2],
  walk: [31, 1],
  hike: [16, 1],
  rowing: [24, 2],
  strength_training: [23, 2],
  yoga: [18, 2],
  hiit: [18, 2],
  elliptical: [18, 2],
  alpine_ski: [21, 1],
  other: [18, 2],
};

const SEED = 'coros-sim';

export class WorkoutBook {
  private readonly profiles = new Map<string, SyntheticProfile>();
  private readonly days = new Map<string, SimWorkout[]>();

  constructor(private readonly now: () => number) {}

  private key(openId: string): UserKey {
    return { seed: SEED, tenantId: 'coros', userId: openId };
  }

  profile(openId: string): SyntheticProfile {
    let profile = this.profiles.get(openId);
    if (!profile) {
      profile = generateProfile(this.key(openId));
      this.profiles.set(openId, profile);
    }
    return profile;
  }

  /** Every workout of the user on a UTC day, finished by now, in start order. */
  private day(openId: string, day: number): SimWorkout[] {
    const cacheKey = `${openId}|${day}`;
    let rendered = this.days.get(cacheKey);
    if (!rendered) {
      const profile = this.profile(openId);
      rendered = generateDay(this.key(openId), profile, day, 'coros').activities.map((a) => render(openId, profile, a));
      this.days.set(cacheKey, rendered);
    }
    const nowSecs = Math.floor(this.now() / 1000);
    return rendered.filter((w) => w.endTime <= nowSecs);
  }

  /** Workouts that started on UTC days `firstDay`..`lastDay` (inclusive) within the history. */
  between(openId: string, firstDay: number, lastDay: number): SimWorkout[] {
    const history = windowOf(this.now());
    const out: SimWorkout[] = [];
    for (let day = Math.max(firstDay, history.first); day <= Math.min(lastDay, history.last); day++) out.push(...this.day(openId, day));
    return out;
  }

  /** The user's `count` most recent finished workouts, newest first. */
  latest(openId: string, count: number): SimWorkout[] {
    const history = windowOf(this.now());
    const out: SimWorkout[] = [];
    for (let day = history.last; day >= history.first && out.length < count; day--) out.push(...this.day(openId, day).reverse());
    return out.slice(0, count);
  }
}

function render(openId: string, profile: SyntheticProfile, a: Activity): SimWorkout {
  const startTime = Math.floor(Date.parse(a.start_date) / 1000);
  // `endTime - startTime` is the elapsed time; `duration` the time in motion (assumed).
  const elapsed = Math.round(a.duration_seconds);
  const duration = Math.round(a.moving_time_seconds ?? a.duration_seconds);
  const [mode, subMode] = MODES[a.sport_type] ?? MODES.other!;
  const tz = profile.city.utcOffsetHours * 4;
  // A stable numeric id like COROS's 18-digit labelIds: start time, then a per-user hash.
  const salt = parseInt(createHash('sha256').update(`${openId}|${a.id}`).digest('hex').slice(0, 8), 16) % 100_000_000;
  const labelId = `${startTime}${String(salt).padStart(8, '0')}`;
  const workout: SimWorkout = {
    labelId,
    mode,
    subMode,
    startTime,
    endTime: startTime + elapsed,
    startTimezone: tz,
    endTimezone: tz,
    distance: a.distance_meters ?? 0,
    duration,
    fitUrl: `https://fit.coros-sim.invalid/fit/${openId}/${labelId}.fit`,
  };
  if (a.average_heart_rate !== null) workout.avgHeartRate = Math.round(a.average_heart_rate);
  if (a.max_heart_rate !== null) workout.maxHeartRate = Math.round(a.max_heart_rate);
  if (a.average_cadence !== null) workout.avgFrequency = Math.round(a.average_cadence);
  if (a.calories !== null) workout.calorie = Math.round(a.calories * 1000);
  if (a.steps !== null) workout.step = a.steps;
  return workout;
}
