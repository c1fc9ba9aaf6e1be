/** COROS workouts and users -> the unified models (units converted, unknowns null). */
import { roundTo } from '../units';
import { ActivitySchema, AthleteSchema, type Activity, type Athlete } from '../../models';
import type { CorosUser, CorosWorkout } from './schemas';
import { corosSport } from './sports';

const positive = (value: number | undefined): number | null => (value !== undefined && value > 0 ? value : null);

/** Seconds of the workout: `duration`, else `totalTime`, else end minus start. */
export function workoutSeconds(w: CorosWorkout): number {
  return w.duration ?? w.totalTime ?? Math.max(0, w.endTime - w.startTime);
}

export function activityFromWorkout(provider: string, w: CorosWorkout): Activity {
  const { sport, label } = corosSport(w.mode, w.subMode);
  const seconds = workoutSeconds(w);
  const meters = positive(w.distance);
  return ActivitySchema.parse({
    id: w.labelId,
    provider,
    // The open API carries no title: name the workout after its sport, as COROS's app does.
    name: label,
    sport_type: sport,
    start_date: new Date(w.startTime * 1000).toISOString(),
    duration_seconds: seconds,
    distance_meters: meters,
    elevation_gain: null,
    average_heart_rate: positive(w.avgHeartRate),
    max_heart_rate: positive(w.maxHeartRate),
    // Derived: the units of COROS's own speed fields are not public.
    average_speed: meters !== null && seconds > 0 ? roundTo(meters / seconds, 3) : null,
    max_speed: null,
    calories: w.calorie !== undefined ? Math.round(w.calorie / 1000) : null,
    average_power: null,
    average_cadence: positive(w.avgFrequency),
    steps: positive(w.step),
    start_latitude: null,
    start_longitude: null,
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
