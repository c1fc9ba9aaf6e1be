/**
 * Per-user Garmin data for the simulator: the shared synthetic generator's days, rendered as
 * Garmin Health / Activity API summaries (camelCase, epoch seconds plus a local offset, metres,
 * grams) with the moment each one was *uploaded*, since Garmin serves pulls by upload time.
 *
 * Upload delays: activities a few minutes after they end (a few of them 3-20 hours later, a
 * watch synced the next morning); a night's sleep and HRV within 90 minutes of waking; dailies
 * in the first hours after local midnight; scale readings within minutes.
 */
import { createHash } from 'node:crypto';
import type { Activity, SportType } from '../../../shared/models';
import {
  Rng,
  dayNumberOf,
  generateDay,
  generateProfile,
  hash32,
  userKeyString,
  windowOf,
  type SyntheticDay,
  type SyntheticProfile,
  type UserKey,
} from '../../../shared/providers/synthetic/generator';

export const SUMMARY_TYPES = ['activities', 'sleeps', 'dailies', 'hrv', 'bodyComps'] as const;
export type GarminSummaryType = (typeof SUMMARY_TYPES)[number];
export type Summary = Record<string, unknown>;

interface Uploaded {
  /** Epoch seconds. */
  uploadAt: number;
  summary: Summary;
}

type DayData = Record<GarminSummaryType, Uploaded[]>;

const DAY_SECS = 86_400;
const SEED = 'garmin-simulator';

const ACTIVITY_TYPES: Partial<Record<SportType, string>> = {
  run: 'RUNNING',
  trail_run: 'TRAIL_RUNNING',
  ride: 'ROAD_BIKING',
  virtual_ride: 'VIRTUAL_RIDE',
  mountain_bike_ride: 'MOUNTAIN_BIKING',
  swim: 'LAP_SWIMMING',
  walk: 'WALKING',
  hike: 'HIKING',
  rowing: 'INDOOR_ROWING',
  strength_training: 'STRENGTH_TRAINING',
  yoga: 'YOGA',
  hiit: 'HIIT',
  elliptical: 'ELLIPTICAL',
  alpine_ski: 'RESORT_SKIING_SNOWBOARDING',
  other: 'OTHER',
};
const FOOT: ReadonlySet<SportType> = new Set(['run', 'trail_run', 'walk', 'hike']);
const BIKE: ReadonlySet<SportType> = new Set(['ride', 'virtual_ride', 'mountain_bike_ride']);
const DEVICES = ['forerunner965', 'fenix7', 'forerunner265', 'epix2', 'venu3'];

/** Drops absent values: Garmin leaves out what it did not measure. */
function compact(summary: Summary): Summary {
  return Object.fromEntries(Object.entries(summary).filter(([, v]) => v !== null && v !== undefined));
}

const secs = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const r2 = (value: number) => Math.round(value * 100) / 100;

/** Garmin-style summary id: `x` + 7 hex digits of the user + `-` + the start time in hex. */
function summaryIdOf(userId: string, startSecs: number, suffix = ''): string {
  return `x${hash32(userId).toString(16).padStart(8, '0').slice(1)}-${startSecs.toString(16)}${suffix}`;
}

function renderActivity(userId: string, day: number, activity: Activity, offset: number): Uploaded {
  const start = secs(activity.start_date);
  const rng = new Rng(`${userId}|${activity.id}|upload`);
  const delay = rng.chance(0.06) ? rng.int(3 * 3600, 20 * 3600) : rng.int(90, 45 * 60);
  const activityId = 10_000_000_000 + day * 100_000 + (hash32(`${userId}|${activity.id}`) % 100_000);
  const sport = activity.sport_type;
  const speed = activity.average_speed;
  const pace = (mps: number | null) => (FOOT.has(sport) && mps ? r2(1000 / mps / 60) : null);
  const gain = activity.elevation_gain_meters;
  return {
    uploadAt: start + Math.round(activity.duration_seconds) + delay,
    summary: compact({
      userId,
      summaryId: String(activityId),
      activityId,
      activityName: activity.name,
      activityType: ACTIVITY_TYPES[sport] ?? 'OTHER',
      durationInSeconds: activity.duration_seconds,
      startTimeInSeconds: start,
      startTimeOffsetInSeconds: offset,
      averageHeartRateInBeatsPerMinute: activity.average_heart_rate,
      maxHeartRateInBeatsPerMinute: activity.max_heart_rate,
      // Garmin reports active energy only (BMR excluded).
      activeKilocalories: activity.active_calories,
      deviceName: DEVICES[hash32(userKeyString(userKey(userId))) % DEVICES.length],
      distanceInMeters: activity.distance_meters,
      averageSpeedInMetersPerSecond: speed,
      maxSpeedInMetersPerSecond: activity.max_speed,
      averagePaceInMinutesPerKilometer: pace(speed),
      maxPaceInMinutesPerKilometer: pace(activity.max_speed),
      averageRunCadenceInStepsPerMinute: FOOT.has(sport) ? activity.average_cadence : null,
      maxRunCadenceInStepsPerMinute: FOOT.has(sport) ? activity.max_cadence : null,
      averageBikeCadenceInRoundsPerMinute: BIKE.has(sport) ? activity.average_cadence : null,
      maxBikeCadenceInRoundsPerMinute: BIKE.has(sport) ? activity.max_cadence : null,
      averageSwimCadenceInStrokesPerMinute: sport === 'swim' ? activity.average_cadence : null,
      averagePowerInWatts: activity.average_power,
      totalElevationGainInMeters: gain,
      totalElevationLossInMeters: gain === null ? null : r2(gain * new Rng(`${activity.id}|loss`).between(0.95, 1.02)),
      startingLatitudeInDegree: activity.start_latitude,
      startingLongitudeInDegree: activity.start_longitude,
      steps: activity.steps,
      manual: false,
      isParent: false,
    }),
  };
}

function qualifier(score: number): string {
  return score >= 90 ? 'EXCELLENT' : score >= 80 ? 'GOOD' : score >= 60 ? 'FAIR' : 'POOR';
}

function renderNight(userId: string, data: SyntheticDay, offset: number): { sleep: Uploaded; hrv: Uploaded } {
  const sleep = data.sleep;
  const start = secs(sleep.start_date);
  const end = secs(sleep.end_date);
  const rng = new Rng(`${userId}|${data.date}|night`);
  const uploadAt = end + rng.int(5 * 60, 90 * 60);
  const levels: Record<string, { startTimeInSeconds: number; endTimeInSeconds: number }[]> = {};
  for (const stage of sleep.stages) {
    const from = secs(stage.start_date);
    (levels[stage.stage] ??= []).push({ startTimeInSeconds: from, endTimeInSeconds: from + stage.duration_seconds });
  }
  const respiration: Record<string, number> = {};
  const spo2: Record<string, number> = {};
  for (let t = 0; t < sleep.time_in_bed_seconds; t += 3600) {
    respiration[String(t)] = r2((sleep.respiratory_rate ?? 14) + rng.between(-0.6, 0.6));
    spo2[String(t)] = Math.min(100, Math.round((sleep.spo2_percentage ?? 96) + rng.between(-1.5, 1.5)));
  }
  const hrvMs = sleep.hrv_rmssd_ms ?? data.recovery.hrv_rmssd_ms ?? 50;
  const hrvValues: Record<string, number> = {};
  for (let t = 300; t < sleep.time_in_bed_seconds && t <= 300 * 12; t += 300) hrvValues[String(t)] = Math.round(hrvMs * rng.between(0.7, 1.35));
  const score = sleep.sleep_score ?? 75;
  return {
    sleep: {
      uploadAt,
      summary: compact({
        userId,
        summaryId: summaryIdOf(userId, start),
        calendarDate: data.date,
        durationInSeconds: sleep.time_in_bed_seconds,
        startTimeInSeconds: start,
        startTimeOffsetInSeconds: offset,
        unmeasurableSleepDurationInSeconds: 0,
        deepSleepDurationInSeconds: sleep.stage_totals.deep_seconds,
        lightSleepDurationInSeconds: sleep.stage_totals.light_seconds,
        remSleepInSeconds: sleep.stage_totals.rem_seconds,
        awakeDurationInSeconds: sleep.stage_totals.awake_seconds,
        sleepLevelsMap: levels,
        validation: 'ENHANCED_FINAL',
        timeOffsetSleepRespiration: respiration,
        timeOffsetSleepSpo2: spo2,
        overallSleepScore: { value: score, qualifierKey: qualifier(score) },
      }),
    },
    hrv: {
      uploadAt,
      summary: {
        userId,
        summaryId: summaryIdOf(userId, start, '-hrv'),
        calendarDate: data.date,
        lastNightAvg: Math.round(hrvMs),
        lastNight5MinHigh: Math.round(hrvMs * 1.45),
        startTimeOffsetInSeconds: offset,
        durationInSeconds: sleep.time_in_bed_seconds,
        startTimeInSeconds: start,
        hrvValues,
      },
    },
  };
}

function renderDaily(userId: string, profile: SyntheticProfile, data: SyntheticDay, offset: number): Uploaded {
  const start = data.day * DAY_SECS - offset;
  const rng = new Rng(`${userId}|${data.date}|daily`);
  const { health, recovery } = data;
  const weight = health.weight_kg ?? profile.weightKg;
  const bmr = health.bmr_calories ?? Math.round(10 * weight + 6.25 * profile.heightCm - 5 * profile.age + (profile.sex === 'male' ? 5 : -161));
  const calories = health.calories ?? bmr;
  const steps = health.steps ?? profile.baseSteps;
  const resting = recovery.resting_heart_rate ?? profile.restingHr;
  const trained = data.activities.reduce((sum, a) => sum + a.duration_seconds, 0);
  return {
    uploadAt: start + DAY_SECS + rng.int(10 * 60, 150 * 60),
    summary: {
      userId,
      summaryId: summaryIdOf(userId, start, '-daily'),
      calendarDate: data.date,
      activityType: 'WALKING',
      activeKilocalories: Math.max(0, calories - bmr),
      bmrKilocalories: bmr,
      steps,
      distanceInMeters: r2(steps * (profile.heightCm / 100) * 0.415),
      durationInSeconds: DAY_SECS,
      activeTimeInSeconds: Math.round(trained + steps * 0.45),
      startTimeInSeconds: start,
      startTimeOffsetInSeconds: offset,
      moderateIntensityDurationInSeconds: Math.round(trained * 0.6),
      vigorousIntensityDurationInSeconds: Math.round(trained * 0.25),
      floorsClimbed: rng.int(2, 25),
      minHeartRateInBeatsPerMinute: resting - rng.int(2, 6),
      averageHeartRateInBeatsPerMinute: resting + rng.int(10, 22),
      maxHeartRateInBeatsPerMinute: Math.max(resting + 40, ...data.activities.map((a) => a.max_heart_rate ?? 0)),
      restingHeartRateInBeatsPerMinute: resting,
      averageStressLevel: recovery.stress_level ?? rng.int(18, 45),
      maxStressLevel: rng.int(60, 95),
      bodyBatteryChargedValue: rng.int(30, 75),
      bodyBatteryDrainedValue: rng.int(30, 80),
      stepsGoal: 8_000,
      intensityDurationGoalInSeconds: 9_000,
      floorsClimbedGoal: 10,
    },
  };
}

/** A scale reading on a little over half of the mornings. */
function renderBodyComp(userId: string, _profile: SyntheticProfile, data: SyntheticDay, offset: number): Uploaded | undefined {
  const rng = new Rng(`${userId}|${data.date}|scale`);
  const weight = data.health.weight_kg;
  if (!rng.chance(0.55) || weight === null) return undefined;
  const measured = data.day * DAY_SECS - offset + rng.int(6 * 3600 + 1800, 8 * 3600);
  const fat = data.health.body_fat_percentage;
  return {
    uploadAt: measured + rng.int(20, 300),
    summary: compact({
      userId,
      summaryId: summaryIdOf(userId, measured, '-bc'),
      measurementTimeInSeconds: measured,
      measurementTimeOffsetInSeconds: offset,
      weightInGrams: Math.round(weight * 1000),
      bodyFatInPercent: fat,
      bodyMassIndex: data.health.bmi,
      muscleMassInGrams: data.health.muscle_mass_kg === null ? null : Math.round(data.health.muscle_mass_kg * 1000),
      boneMassInGrams: data.health.bone_mass_kg === null ? null : Math.round(data.health.bone_mass_kg * 1000),
      bodyWaterInPercent: data.health.body_water_percentage,
    }),
  };
}

function userKey(userId: string): UserKey {
  return { seed: SEED, tenantId: 'garmin', userId };
}

export class GarminDataStore {
  private readonly profiles = new Map<string, SyntheticProfile>();
  private readonly days = new Map<string, DayData>();

  constructor(private readonly now: () => number) {}

  private profile(userId: string): SyntheticProfile {
    let profile = this.profiles.get(userId);
    if (!profile) {
      profile = generateProfile(userKey(userId));
      this.profiles.set(userId, profile);
    }
    return profile;
  }

  private day(userId: string, day: number): DayData {
    const key = `${userId}|${day}`;
    let data = this.days.get(key);
    if (data) return data;
    const profile = this.profile(userId);
    const generated = generateDay(userKey(userId), profile, day, 'garmin');
    const offset = profile.city.utcOffsetHours * 3600;
    const night = renderNight(userId, generated, offset);
    const body = renderBodyComp(userId, profile, generated, offset);
    data = {
      activities: generated.activities.map((a) => renderActivity(userId, day, a, offset)),
      sleeps: [night.sleep],
      dailies: [renderDaily(userId, profile, generated, offset)],
      hrv: [night.hrv],
      bodyComps: body ? [body] : [],
    };
    if (this.days.size >= 20_000) this.days.clear();
    this.days.set(key, data);
    return data;
  }

  /**
   * Summaries of one type uploaded in [start, end) and no later than now, in upload order.
   * Only the last 90 days exist (the synthetic window).
   */
  uploadedBetween(userId: string, type: GarminSummaryType, start: number, end: number): Summary[] {
    const nowSecs = Math.floor(this.now() / 1000);
    const { first, last } = windowOf(this.now());
    // Uploads come at most ~21 hours after the day of their data (late syncs, dailies after midnight).
    const from = Math.max(first, dayNumberOf(start * 1000) - 2);
    const to = Math.min(last, dayNumberOf(Math.max(start, end - 1) * 1000) + 1);
    const found: Uploaded[] = [];
    for (let day = from; day <= to; day++) {
      for (const item of this.day(userId, day)[type]) {
        if (item.uploadAt >= start && item.uploadAt < end && item.uploadAt <= nowSecs) found.push(item);
      }
    }
    return found.sort((a, b) => a.uploadAt - b.uploadAt).map((item) => ({ ...item.summary }));
  }

  /** Summaries of one type whose own time (start, or measurement) is in [start, end), already uploaded: what a backfill sends. */
  summariesBetween(userId: string, type: GarminSummaryType, start: number, end: number): Summary[] {
    const nowSecs = Math.floor(this.now() / 1000);
    const { first, last } = windowOf(this.now());
    const found: Summary[] = [];
    for (let day = Math.max(first, dayNumberOf(start * 1000) - 1); day <= Math.min(last, dayNumberOf(end * 1000) + 1); day++) {
      for (const item of this.day(userId, day)[type]) {
        const at = Number(item.summary['startTimeInSeconds'] ?? item.summary['measurementTimeInSeconds']);
        if (at >= start && at < end && item.uploadAt <= nowSecs) found.push({ ...item.summary });
      }
    }
    return found;
  }
}

/** A Garmin-looking user id (32 hex digits) for the n-th simulated user. */
export function garminUserId(n: number): string {
  return createHash('md5').update(`garmin-simulated-user-${n}`).digest('hex');
}
