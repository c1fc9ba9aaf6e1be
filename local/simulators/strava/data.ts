/**
 * The simulated athletes' data: two years of history per athlete from the synthetic
 * generator (deterministic per athlete id), with Strava-style numeric ids, private
 * activities, moving vs elapsed time, and Strava's own stats roll-ups.
 */
import type { Activity } from '../../../shared/models';
import { DAY_MS, dayNumberOf, generateDay, generateProfile, hash32, type SyntheticProfile, type UserKey } from '../../../shared/providers/synthetic/generator';

const HISTORY_DAYS = 730;
const SEED = 'strava-simulator';

export interface SimActivity {
  id: number;
  athleteId: number;
  activity: Activity;
  startMs: number;
  movingTime: number;
  elapsedTime: number;
  /** Visibility "Only You": listed only for tokens with activity:read_all. */
  private: boolean;
}

export interface SimAthlete {
  id: number;
  profile: SyntheticProfile;
  /** Epoch ms of the account's creation (just before its history starts). */
  createdMs: number;
}

/** Numeric athlete id for a simulator user id (numeric ids are used as they are). */
export function athleteIdOf(userId: string): number {
  if (/^\d{1,12}$/.test(userId)) return Number(userId);
  return 10_000_000 + (hash32(`strava-athlete|${userId}`) % 90_000_000);
}

/** `<day><athlete % 100000><index>`: unique, and growing with the day as Strava's ids do. */
function activityIdOf(athleteId: number, day: number, index: number): number {
  return day * 1_000_000 + (athleteId % 100_000) * 10 + index;
}

function dayOfActivityId(id: number): number {
  return Math.floor(id / 1_000_000);
}

export class AthleteStore {
  private readonly athletes = new Map<number, SimAthlete>();
  private readonly days = new Map<string, SimActivity[]>();

  constructor(private readonly now: () => number) {}

  private key(athleteId: number): UserKey {
    return { seed: SEED, tenantId: 'strava', userId: String(athleteId) };
  }

  athlete(athleteId: number): SimAthlete {
    let found = this.athletes.get(athleteId);
    if (!found) {
      const profile = generateProfile(this.key(athleteId));
      const createdDay = dayNumberOf(this.now()) - HISTORY_DAYS - 1 - (hash32(`created|${athleteId}`) % 400);
      found = { id: athleteId, profile, createdMs: createdDay * DAY_MS + (hash32(`at|${athleteId}`) % 86_400) * 1000 };
      this.athletes.set(athleteId, found);
    }
    return found;
  }

  private day(athleteId: number, day: number): SimActivity[] {
    const key = `${athleteId}|${day}`;
    let activities = this.days.get(key);
    if (!activities) {
      const { profile } = this.athlete(athleteId);
      activities = generateDay(this.key(athleteId), profile, day, 'strava').activities.map((activity, i) => {
        const id = activityIdOf(athleteId, day, i + 1);
        const h = hash32(`activity|${id}`);
        return {
          id,
          athleteId,
          activity,
          startMs: Date.parse(activity.start_date),
          movingTime: activity.moving_time_seconds ?? activity.duration_seconds,
          elapsedTime: activity.duration_seconds,
          private: h % 20 === 7,
        };
      });
      this.days.set(key, activities);
    }
    return activities;
  }

  /** Every activity started by now, newest first. */
  history(athleteId: number): SimActivity[] {
    const nowMs = this.now();
    const today = dayNumberOf(nowMs);
    const out: SimActivity[] = [];
    for (let day = today; day > today - HISTORY_DAYS; day--) {
      const activities = this.day(athleteId, day);
      for (let i = activities.length - 1; i >= 0; i--) {
        const a = activities[i]!;
        if (a.startMs <= nowMs) out.push(a);
      }
    }
    return out;
  }

  find(athleteId: number, id: number): SimActivity | undefined {
    const day = dayOfActivityId(id);
    const today = dayNumberOf(this.now());
    if (day > today || day <= today - HISTORY_DAYS) return undefined;
    const found = this.day(athleteId, day).find((a) => a.id === id);
    return found && found.startMs <= this.now() ? found : undefined;
  }
}

// ---- stats ---------------------------------------------------------------------------------------

export interface ActivityTotal {
  count: number;
  distance: number;
  moving_time: number;
  elapsed_time: number;
  elevation_gain: number;
  achievement_count: number;
}

const RIDES = new Set(['ride', 'virtual_ride', 'mountain_bike_ride']);
const RUNS = new Set(['run', 'trail_run']);
const SWIMS = new Set(['swim']);

function total(activities: readonly SimActivity[]): ActivityTotal {
  const t: ActivityTotal = { count: 0, distance: 0, moving_time: 0, elapsed_time: 0, elevation_gain: 0, achievement_count: 0 };
  for (const a of activities) {
    t.count += 1;
    t.distance += a.activity.distance_meters ?? 0;
    t.moving_time += a.movingTime;
    t.elapsed_time += a.elapsedTime;
    t.elevation_gain += a.activity.elevation_gain_meters ?? 0;
    t.achievement_count += hash32(`achievements|${a.id}`) % 3;
  }
  t.distance = Math.round(t.distance * 10) / 10;
  t.elevation_gain = Math.round(t.elevation_gain * 10) / 10;
  return t;
}

/**
 * ActivityStats as Strava computes them: only activities visible to everyone; "recent" is the
 * last four weeks, "ytd" since 1 January (UTC here), "all" the whole history.
 */
export function activityStats(history: readonly SimActivity[], nowMs: number) {
  const visible = history.filter((a) => !a.private);
  const recentFrom = nowMs - 28 * DAY_MS;
  const ytdFrom = Date.UTC(new Date(nowMs).getUTCFullYear(), 0, 1);
  const of = (sports: Set<string>, from: number) => total(visible.filter((a) => sports.has(a.activity.sport_type) && a.startMs >= from));
  const rides = visible.filter((a) => RIDES.has(a.activity.sport_type));
  return {
    biggest_ride_distance: rides.reduce((m, a) => Math.max(m, a.activity.distance_meters ?? 0), 0),
    biggest_climb_elevation_gain: rides.reduce((m, a) => Math.max(m, a.activity.elevation_gain_meters ?? 0), 0),
    recent_ride_totals: of(RIDES, recentFrom),
    recent_run_totals: of(RUNS, recentFrom),
    recent_swim_totals: of(SWIMS, recentFrom),
    ytd_ride_totals: of(RIDES, ytdFrom),
    ytd_run_totals: of(RUNS, ytdFrom),
    ytd_swim_totals: of(SWIMS, ytdFrom),
    all_ride_totals: of(RIDES, Number.NEGATIVE_INFINITY),
    all_run_totals: of(RUNS, Number.NEGATIVE_INFINITY),
    all_swim_totals: of(SWIMS, Number.NEGATIVE_INFINITY),
  };
}
