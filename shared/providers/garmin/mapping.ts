/**
 * Garmin summaries -> the unified models. Garmin already reports SI units (seconds, metres,
 * m/s) except body weight (grams); instants are epoch seconds in UTC with a separate offset
 * to local time, which decides the calendar day of a measurement.
 */
import {
  ActivitySchema,
  HealthMetricsSchema,
  RecoveryMetricsSchema,
  SleepSessionSchema,
  type Activity,
  type HealthMetrics,
  type RecoveryMetrics,
  type SleepSession,
  type SportType,
} from '../../models';
import type {
  GarminActivitySummary,
  GarminBodyCompSummary,
  GarminDailySummary,
  GarminHrvSummary,
  GarminSleepSummary,
} from './schemas';

const PROVIDER = 'garmin';

/** Garmin activity types (upper snake case) -> unified sport types; unknown ones are `other`. */
const SPORTS: Readonly<Record<string, SportType>> = {
  RUNNING: 'run',
  STREET_RUNNING: 'run',
  TRACK_RUNNING: 'run',
  TREADMILL_RUNNING: 'run',
  INDOOR_RUNNING: 'run',
  VIRTUAL_RUN: 'run',
  TRAIL_RUNNING: 'trail_run',
  ULTRA_RUN: 'trail_run',
  CYCLING: 'ride',
  ROAD_BIKING: 'ride',
  GRAVEL_CYCLING: 'ride',
  CYCLOCROSS: 'ride',
  TRACK_CYCLING: 'ride',
  RECUMBENT_CYCLING: 'ride',
  E_BIKE_FITNESS: 'ride',
  INDOOR_CYCLING: 'virtual_ride',
  VIRTUAL_RIDE: 'virtual_ride',
  MOUNTAIN_BIKING: 'mountain_bike_ride',
  E_BIKE_MOUNTAIN: 'mountain_bike_ride',
  DOWNHILL_BIKING: 'mountain_bike_ride',
  SWIMMING: 'swim',
  LAP_SWIMMING: 'swim',
  OPEN_WATER_SWIMMING: 'swim',
  WALKING: 'walk',
  CASUAL_WALKING: 'walk',
  SPEED_WALKING: 'walk',
  HIKING: 'hike',
  ROWING: 'rowing',
  INDOOR_ROWING: 'rowing',
  STRENGTH_TRAINING: 'strength_training',
  YOGA: 'yoga',
  HIIT: 'hiit',
  ELLIPTICAL: 'elliptical',
  RESORT_SKIING_SNOWBOARDING: 'ski',
  RESORT_SKIING: 'ski',
  BACKCOUNTRY_SKIING: 'ski',
  CROSS_COUNTRY_SKIING_WS: 'ski',
  SKATE_SKIING_WS: 'ski',
};

export function sportTypeOf(activityType: string): SportType {
  return SPORTS[activityType.trim().toUpperCase()] ?? 'other';
}

/** `TRAIL_RUNNING` -> `Trail Running`, the name Garmin Connect shows for an unnamed activity. */
function labelOf(activityType: string): string {
  return activityType
    .toLowerCase()
    .split('_')
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join(' ');
}

const iso = (epochSecs: number) => new Date(epochSecs * 1000).toISOString().replace('.000Z', 'Z');
const orNull = (value: number | null | undefined) => (value === undefined || value === null ? null : value);

/** `YYYY-MM-DD` of an instant at a UTC offset (Garmin's local calendar day). */
export function localDate(epochSecs: number, offsetSecs: number | null | undefined): string {
  return new Date((epochSecs + (offsetSecs ?? 0)) * 1000).toISOString().slice(0, 10);
}

/** The id an activity has in the unified model: Garmin's summary id. */
export function activityIdOf(summary: GarminActivitySummary): string {
  return summary.summaryId;
}

export function toActivity(summary: GarminActivitySummary): Activity {
  const cadence =
    summary.averageRunCadenceInStepsPerMinute ??
    summary.averageBikeCadenceInRoundsPerMinute ??
    summary.averageSwimCadenceInStrokesPerMinute;
  return ActivitySchema.parse({
    id: activityIdOf(summary),
    provider: PROVIDER,
    name: summary.activityName?.trim() || labelOf(summary.activityType),
    sport_type: sportTypeOf(summary.activityType),
    start_date: iso(summary.startTimeInSeconds),
    duration_seconds: summary.durationInSeconds,
    distance_meters: orNull(summary.distanceInMeters),
    elevation_gain: orNull(summary.totalElevationGainInMeters),
    average_heart_rate: orNull(summary.averageHeartRateInBeatsPerMinute),
    max_heart_rate: orNull(summary.maxHeartRateInBeatsPerMinute),
    average_speed: orNull(summary.averageSpeedInMetersPerSecond),
    max_speed: orNull(summary.maxSpeedInMetersPerSecond),
    calories: orNull(summary.activeKilocalories),
    average_power: orNull(summary.averagePowerInWatts),
    average_cadence: orNull(cadence),
    steps: orNull(summary.steps),
    start_latitude: orNull(summary.startingLatitudeInDegree),
    start_longitude: orNull(summary.startingLongitudeInDegree),
  });
}

const STAGES = ['awake', 'light', 'deep', 'rem'] as const;

/** The calendar day a night belongs to: Garmin's `calendarDate` (the wake-up day). */
export function sleepDate(summary: GarminSleepSummary): string {
  return summary.calendarDate ?? localDate(summary.startTimeInSeconds + summary.durationInSeconds, summary.startTimeOffsetInSeconds);
}

export function toSleepSession(summary: GarminSleepSummary): SleepSession {
  const start = summary.startTimeInSeconds;
  const duration = summary.durationInSeconds;
  const stages = STAGES.flatMap((stage) =>
    (summary.sleepLevelsMap?.[stage] ?? [])
      .filter((p) => p.endTimeInSeconds > p.startTimeInSeconds)
      .map((p) => ({ stage, start_time: iso(p.startTimeInSeconds), duration_seconds: p.endTimeInSeconds - p.startTimeInSeconds, at: p.startTimeInSeconds })),
  )
    .sort((a, b) => a.at - b.at)
    .map(({ at: _at, ...stage }) => stage);
  const awake = orNull(summary.awakeDurationInSeconds);
  const breaths = Object.values(summary.timeOffsetSleepRespiration ?? {});
  const respiratory = breaths.length > 0 ? Math.round((breaths.reduce((a, b) => a + b, 0) / breaths.length) * 10) / 10 : null;
  return SleepSessionSchema.parse({
    id: summary.summaryId,
    provider: PROVIDER,
    start_time: iso(start),
    end_time: iso(start + duration),
    duration_seconds: duration,
    // Garmin's duration is the whole night, awake time included.
    efficiency: awake !== null && duration > 0 ? Math.round((1000 * (duration - awake)) / duration) / 10 : null,
    score: summary.overallSleepScore?.value ?? null,
    stages,
    stage_totals: {
      awake_seconds: awake,
      light_seconds: orNull(summary.lightSleepDurationInSeconds),
      deep_seconds: orNull(summary.deepSleepDurationInSeconds),
      rem_seconds: orNull(summary.remSleepInSeconds),
    },
    average_heart_rate: null,
    hrv_rmssd_ms: null,
    respiratory_rate: respiratory,
  });
}

/** Local calendar day of a body-composition measurement. */
export function bodyCompDate(summary: GarminBodyCompSummary): string {
  return localDate(summary.measurementTimeInSeconds, summary.measurementTimeOffsetInSeconds);
}

/** One row per calendar day from dailies (resting heart rate) and HRV summaries, oldest first. */
export function toRecoveryMetrics(dailies: readonly GarminDailySummary[], hrvs: readonly GarminHrvSummary[]): RecoveryMetrics[] {
  const days = new Map<string, { daily?: GarminDailySummary; hrv?: GarminHrvSummary }>();
  const entry = (date: string) => days.get(date) ?? days.set(date, {}).get(date)!;
  // Summaries arrive newest upload first: the first one of a day is its latest version.
  for (const daily of dailies) entry(daily.calendarDate).daily ??= daily;
  for (const hrv of hrvs) entry(hrv.calendarDate).hrv ??= hrv;
  return [...days.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, { daily, hrv }]) =>
      RecoveryMetricsSchema.parse({
        provider: PROVIDER,
        date,
        recovery_score: null,
        resting_heart_rate: orNull(daily?.restingHeartRateInBeatsPerMinute),
        hrv_rmssd_ms: orNull(hrv?.lastNightAvg),
        spo2_percentage: null,
        skin_temp_celsius: null,
        strain: null,
      }),
    );
}

/**
 * One row per calendar day from dailies (steps, calories = active + BMR, resting heart rate)
 * and body compositions (the day's last measurement; grams -> kg), oldest first.
 */
export function toHealthMetrics(dailies: readonly GarminDailySummary[], bodyComps: readonly GarminBodyCompSummary[]): HealthMetrics[] {
  const days = new Map<string, { daily?: GarminDailySummary; body?: GarminBodyCompSummary }>();
  const entry = (date: string) => days.get(date) ?? days.set(date, {}).get(date)!;
  for (const daily of dailies) entry(daily.calendarDate).daily ??= daily;
  for (const body of bodyComps) {
    const slot = entry(bodyCompDate(body));
    if (!slot.body || body.measurementTimeInSeconds > slot.body.measurementTimeInSeconds) slot.body = body;
  }
  return [...days.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, { daily, body }]) => {
      const active = daily?.activeKilocalories;
      const bmr = daily?.bmrKilocalories;
      const calories = active === undefined || active === null ? orNull(bmr) : bmr === undefined || bmr === null ? active : active + bmr;
      const grams = body?.weightInGrams;
      return HealthMetricsSchema.parse({
        provider: PROVIDER,
        date,
        weight_kg: grams === undefined || grams === null ? null : Math.round(grams) / 1000,
        body_fat_percentage: orNull(body?.bodyFatInPercent),
        bmi: orNull(body?.bodyMassIndex),
        resting_heart_rate: orNull(daily?.restingHeartRateInBeatsPerMinute),
        steps: orNull(daily?.steps),
        calories,
        vo2max: null,
      });
    });
}
