/**
 * Garmin summaries -> the unified models. Garmin already reports SI units (seconds, metres,
 * m/s) except body weight (grams); instants are epoch seconds in UTC with a separate offset
 * to local time, which decides the calendar day of a measurement.
 */
import {
  ActivitySchema,
  cadenceUnitOf,
  endDateOf,
  HealthMetricsSchema,
  RecoveryMetricsSchema,
  SleepSessionSchema,
  type Activity,
  type HealthMetrics,
  type RecoveryMetrics,
  type SleepSession,
  type SportType,
} from '../../models';
import type { GarminActivitySummary, GarminBodyCompSummary, GarminDailySummary, GarminHrvSummary, GarminSleepSummary } from './schemas';

const PROVIDER = 'garmin';

/** Garmin activity types (upper snake case) -> unified sport types; unknown ones are `other`. */
const SPORTS: Readonly<Record<string, SportType>> = {
  RUNNING: 'run',
  STREET_RUNNING: 'run',
  TRACK_RUNNING: 'track_run',
  TREADMILL_RUNNING: 'run',
  INDOOR_RUNNING: 'run',
  VIRTUAL_RUN: 'virtual_run',
  TRAIL_RUNNING: 'trail_run',
  ULTRA_RUN: 'trail_run',
  CYCLING: 'ride',
  ROAD_BIKING: 'ride',
  GRAVEL_CYCLING: 'gravel_ride',
  CYCLOCROSS: 'gravel_ride',
  TRACK_CYCLING: 'ride',
  RECUMBENT_CYCLING: 'ride',
  HAND_CYCLING: 'handcycle',
  E_BIKE_FITNESS: 'e_bike_ride',
  E_BIKE_MOUNTAIN: 'e_bike_ride',
  INDOOR_CYCLING: 'virtual_ride',
  VIRTUAL_RIDE: 'virtual_ride',
  MOUNTAIN_BIKING: 'mountain_bike_ride',
  DOWNHILL_BIKING: 'mountain_bike_ride',
  SWIMMING: 'swim',
  LAP_SWIMMING: 'swim',
  OPEN_WATER_SWIMMING: 'swim',
  WALKING: 'walk',
  CASUAL_WALKING: 'walk',
  SPEED_WALKING: 'walk',
  HIKING: 'hike',
  MOUNTAINEERING: 'mountaineering',
  SNOW_SHOE_WS: 'snowshoe',
  ROWING: 'rowing',
  INDOOR_ROWING: 'rowing',
  KAYAKING_V2: 'kayaking',
  KAYAKING: 'kayaking',
  STAND_UP_PADDLEBOARDING: 'stand_up_paddling',
  SURFING: 'surfing',
  KITEBOARDING: 'kitesurfing',
  WINDSURFING: 'windsurfing',
  SAILING: 'sailing',
  STRENGTH_TRAINING: 'strength_training',
  PILATES: 'pilates',
  YOGA: 'yoga',
  HIIT: 'hiit',
  ELLIPTICAL: 'elliptical',
  STAIR_CLIMBING: 'stair_stepper',
  INDOOR_CLIMBING: 'rock_climbing',
  ROCK_CLIMBING: 'rock_climbing',
  BOULDERING: 'rock_climbing',
  RESORT_SKIING_SNOWBOARDING: 'alpine_ski',
  RESORT_SKIING: 'alpine_ski',
  RESORT_SNOWBOARDING: 'snowboard',
  BACKCOUNTRY_SKIING: 'backcountry_ski',
  BACKCOUNTRY_SNOWBOARDING: 'snowboard',
  CROSS_COUNTRY_SKIING_WS: 'cross_country_ski',
  SKATE_SKIING_WS: 'cross_country_ski',
  SKATING_WS: 'ice_skate',
  INLINE_SKATING: 'inline_skate',
  SOCCER: 'soccer',
  BASKETBALL: 'basketball',
  VOLLEYBALL: 'volleyball',
  TENNIS: 'tennis',
  PICKLEBALL: 'pickleball',
  PADEL: 'padel',
  BADMINTON: 'badminton',
  SQUASH: 'squash',
  TABLE_TENNIS: 'table_tennis',
  GOLF: 'golf',
  BOXING: 'boxing',
  MIXED_MARTIAL_ARTS: 'martial_arts',
  DANCE: 'dance',
  MULTI_SPORT: 'multisport',
  FITNESS_EQUIPMENT: 'workout',
  CARDIO_TRAINING: 'workout',
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
function activityIdOf(summary: GarminActivitySummary): string {
  return summary.summaryId;
}

/** Garmin's cadence of the sport's family: steps on foot, rounds on a bike, strokes in the water. */
function cadences(summary: GarminActivitySummary, sport: SportType): { average: number | null; max: number | null } {
  switch (cadenceUnitOf(sport)) {
    case 'steps_per_minute':
      return { average: orNull(summary.averageRunCadenceInStepsPerMinute), max: orNull(summary.maxRunCadenceInStepsPerMinute) };
    case 'revolutions_per_minute':
      return { average: orNull(summary.averageBikeCadenceInRoundsPerMinute), max: orNull(summary.maxBikeCadenceInRoundsPerMinute) };
    case 'strokes_per_minute':
      return { average: orNull(summary.averageSwimCadenceInStrokesPerMinute), max: null };
    default:
      return { average: null, max: null };
  }
}

/** `YYYY-MM-DDTHH:MM:SS` of an instant at a UTC offset. */
function wallClock(epochSecs: number, offsetSecs: number): string {
  return new Date((epochSecs + offsetSecs) * 1000).toISOString().slice(0, 19);
}

/**
 * Garmin's `durationInSeconds` is the elapsed time; activity summaries carry no moving time.
 * `activeKilocalories` is active energy only (BMR excluded), so total calories stay unknown.
 */
export function toActivity(summary: GarminActivitySummary): Activity {
  const sport = sportTypeOf(summary.activityType);
  const cadence = cadences(summary, sport);
  const start = iso(summary.startTimeInSeconds);
  const offset = summary.startTimeOffsetInSeconds;
  return ActivitySchema.parse({
    id: activityIdOf(summary),
    provider: PROVIDER,
    name: summary.activityName?.trim() || labelOf(summary.activityType),
    sport_type: sport,
    sport_type_detail: summary.activityType,
    start_date: start,
    end_date: endDateOf(start, summary.durationInSeconds),
    start_date_local: offset === null || offset === undefined ? null : wallClock(summary.startTimeInSeconds, offset),
    utc_offset_seconds: orNull(offset),
    duration_seconds: summary.durationInSeconds,
    distance_meters: orNull(summary.distanceInMeters),
    elevation_gain_meters: orNull(summary.totalElevationGainInMeters),
    average_heart_rate: orNull(summary.averageHeartRateInBeatsPerMinute),
    max_heart_rate: orNull(summary.maxHeartRateInBeatsPerMinute),
    average_speed: orNull(summary.averageSpeedInMetersPerSecond),
    max_speed: orNull(summary.maxSpeedInMetersPerSecond),
    active_calories: orNull(summary.activeKilocalories),
    average_power: orNull(summary.averagePowerInWatts),
    average_cadence: cadence.average,
    max_cadence: cadence.max,
    steps: orNull(summary.steps),
    start_latitude: orNull(summary.startingLatitudeInDegree),
    start_longitude: orNull(summary.startingLongitudeInDegree),
    device_name: summary.deviceName?.trim() || null,
  });
}

const STAGES = ['awake', 'light', 'deep', 'rem'] as const;

/** Mean of a Garmin time-offset map, one decimal; null when empty. */
function averageOf(samples: Readonly<Record<string, number>> | null | undefined): number | null {
  const values = Object.values(samples ?? {});
  return values.length > 0 ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10 : null;
}

/** Sum of the stage durations Garmin reported; null when it reported none. */
function sumOrNull(...values: (number | null | undefined)[]): number | null {
  const known = values.filter((v): v is number => v !== null && v !== undefined);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0);
}

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
      .map((p) => ({ stage, start_date: iso(p.startTimeInSeconds), duration_seconds: p.endTimeInSeconds - p.startTimeInSeconds, at: p.startTimeInSeconds })),
  )
    .sort((a, b) => a.at - b.at)
    .map(({ at: _at, ...stage }) => stage);
  const awake = orNull(summary.awakeDurationInSeconds);
  const asleep = sumOrNull(summary.lightSleepDurationInSeconds, summary.deepSleepDurationInSeconds, summary.remSleepInSeconds);
  return SleepSessionSchema.parse({
    id: summary.summaryId,
    provider: PROVIDER,
    start_date: iso(start),
    end_date: iso(start + duration),
    // Garmin's duration is the whole night, awake time included.
    time_in_bed_seconds: duration,
    time_asleep_seconds: asleep,
    efficiency_percentage: asleep !== null && duration > 0 ? Math.round((1000 * asleep) / duration) / 10 : null,
    sleep_score: summary.overallSleepScore?.value ?? null,
    stages,
    stage_totals: {
      awake_seconds: awake,
      light_seconds: orNull(summary.lightSleepDurationInSeconds),
      deep_seconds: orNull(summary.deepSleepDurationInSeconds),
      rem_seconds: orNull(summary.remSleepInSeconds),
    },
    average_heart_rate: null,
    hrv_rmssd_ms: null,
    respiratory_rate: averageOf(summary.timeOffsetSleepRespiration),
    spo2_percentage: averageOf(summary.timeOffsetSleepSpo2),
  });
}

/** Kilograms from Garmin's grams (three decimals: whole grams). */
function gramsToKg(grams: number | null | undefined): number | null {
  return grams === undefined || grams === null ? null : Math.round(grams) / 1000;
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
        // Garmin writes -1 for a day with too little data.
        stress_level:
          daily?.averageStressLevel !== undefined && daily.averageStressLevel !== null && daily.averageStressLevel >= 0 ? daily.averageStressLevel : null,
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
      return HealthMetricsSchema.parse({
        provider: PROVIDER,
        date,
        weight_kg: gramsToKg(body?.weightInGrams),
        body_fat_percentage: orNull(body?.bodyFatInPercent),
        bmi: orNull(body?.bodyMassIndex),
        muscle_mass_kg: gramsToKg(body?.muscleMassInGrams),
        bone_mass_kg: gramsToKg(body?.boneMassInGrams),
        body_water_percentage: orNull(body?.bodyWaterInPercent),
        resting_heart_rate: orNull(daily?.restingHeartRateInBeatsPerMinute),
        steps: orNull(daily?.steps),
        calories,
        active_calories: orNull(active),
        bmr_calories: orNull(bmr),
      });
    });
}
