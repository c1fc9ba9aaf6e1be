/** COROS workouts and users -> the unified models (units converted, unknowns null). */
import { roundTo } from '../units';
import { ActivitySchema, AthleteSchema, cadenceUnitOf, endDateOf, type Activity, type Athlete } from '../../models';
import type { CorosUser, CorosWorkout } from './schemas';
import { corosSport } from './sports';

const positive = (value: number | undefined): number | null => (value !== undefined && value > 0 ? value : null);

/** Elapsed seconds of the workout: end minus start, else `duration` or `totalTime`. */
function workoutSeconds(w: CorosWorkout): number {
  if (w.endTime > w.startTime) return w.endTime - w.startTime;
  return w.duration ?? w.totalTime ?? 0;
}

/** Moving seconds: COROS's `duration` (or `totalTime`) when it is shorter than the elapsed time. */
function movingSeconds(w: CorosWorkout, elapsed: number): number | null {
  const moving = w.duration ?? w.totalTime;
  return moving !== undefined && moving > 0 && moving <= elapsed ? moving : null;
}

/** COROS time zones count 15-minute steps east of UTC (32 = UTC+8). */
function corosOffsetSeconds(zone: number | undefined): number | null {
  return zone === undefined ? null : zone * 15 * 60;
}

/**
 * A COROS workout: `calorie` is read as small calories (assumed: 512000 is 512 kcal) of total
 * energy; `avgFrequency` is the sport's cadence (assumed: steps, rpm or strokes per minute).
 */
export function activityFromWorkout(provider: string, w: CorosWorkout): Activity {
  const { sport, label } = corosSport(w.mode, w.subMode);
  const seconds = workoutSeconds(w);
  const moving = movingSeconds(w, seconds);
  const meters = positive(w.distance);
  const offset = corosOffsetSeconds(w.startTimezone);
  const start = new Date(w.startTime * 1000).toISOString();
  return ActivitySchema.parse({
    id: w.labelId,
    provider,
    // The open API carries no title: name the workout after its sport, as COROS's app does.
    name: label,
    sport_type: sport,
    sport_type_detail: `${label} (${w.mode}:${w.subMode})`,
    start_date: start,
    end_date: endDateOf(start, seconds),
    start_date_local: offset === null ? null : new Date((w.startTime + offset) * 1000).toISOString().slice(0, 19),
    utc_offset_seconds: offset,
    duration_seconds: seconds,
    moving_time_seconds: moving,
    distance_meters: meters,
    average_heart_rate: positive(w.avgHeartRate),
    max_heart_rate: positive(w.maxHeartRate),
    // Derived: the units of COROS's own speed fields are not public.
    average_speed: meters !== null && (moving ?? seconds) > 0 ? roundTo(meters / (moving ?? seconds), 3) : null,
    calories: w.calorie !== undefined ? Math.round(w.calorie / 1000) : null,
    average_cadence: cadenceUnitOf(sport) === undefined ? null : positive(w.avgFrequency),
    steps: positive(w.step),
  });
}

export function athleteFromUser(provider: string, openId: string, user?: CorosUser): Athlete {
  return AthleteSchema.parse({
    id: user?.openId ?? openId,
    provider,
    username: user?.nickname?.trim() || null,
    profile_picture: user?.headPic?.trim() || null,
  });
}

/** `YYYYMMDD` of a UTC day number (days since 1970-01-01). */
export function corosDate(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
}
