/**
 * Garmin's native JSON, as the Health / Activity API reference shows it (camelCase, seconds,
 * metres, grams). Objects are loose: Garmin adds fields over time and we ignore the rest.
 */
import * as z from 'zod';
import { TokenResponseSchema } from '../oauth2';

const num = z.number().nullish();
const int = z.number().int();
/** Garmin documents summary ids as strings; accept numbers too and keep them as text. */
const summaryId = z.union([z.string().min(1), z.number()]).transform(String);

/** Token endpoint answer: the standard fields plus Garmin's `jti` and refresh-token lifetime. */
export const GarminTokenSchema = TokenResponseSchema.extend({
  jti: z.string().optional(),
  refresh_token_expires_in: z.coerce.number().optional(),
});

/** `GET /user/id`. */
export const UserIdSchema = z.looseObject({ userId: z.string().min(1) });

/**
 * `GET /user/permissions`: the reference shows a bare array of permission names; some
 * integrations report `{ "permissions": [...] }`. Both are accepted.
 */
export const PermissionsSchema = z
  .union([z.array(z.string()), z.looseObject({ permissions: z.array(z.string()) })])
  .transform((value) => (Array.isArray(value) ? value : value.permissions));

export const ActivitySummarySchema = z.looseObject({
  summaryId,
  activityId: z.union([z.number(), z.string()]).nullish(),
  activityName: z.string().nullish(),
  activityType: z.string().min(1),
  startTimeInSeconds: int,
  startTimeOffsetInSeconds: int.nullish(),
  durationInSeconds: z.number().nonnegative(),
  distanceInMeters: num,
  averageHeartRateInBeatsPerMinute: num,
  maxHeartRateInBeatsPerMinute: num,
  activeKilocalories: num,
  averageSpeedInMetersPerSecond: num,
  maxSpeedInMetersPerSecond: num,
  totalElevationGainInMeters: num,
  startingLatitudeInDegree: num,
  startingLongitudeInDegree: num,
  steps: num,
  averageRunCadenceInStepsPerMinute: num,
  averageBikeCadenceInRoundsPerMinute: num,
  averageSwimCadenceInStrokesPerMinute: num,
  maxRunCadenceInStepsPerMinute: num,
  maxBikeCadenceInRoundsPerMinute: num,
  averagePowerInWatts: num,
  deviceName: z.string().nullish(),
});
export type GarminActivitySummary = z.infer<typeof ActivitySummarySchema>;

/** One period of a sleep level in `sleepLevelsMap`. */
const SleepLevelSchema = z.looseObject({ startTimeInSeconds: int, endTimeInSeconds: int });

export const SleepSummarySchema = z.looseObject({
  summaryId,
  calendarDate: z.iso.date().nullish(),
  startTimeInSeconds: int,
  startTimeOffsetInSeconds: int.nullish(),
  durationInSeconds: z.number().nonnegative(),
  unmeasurableSleepDurationInSeconds: num,
  deepSleepDurationInSeconds: num,
  lightSleepDurationInSeconds: num,
  remSleepInSeconds: num,
  awakeDurationInSeconds: num,
  sleepLevelsMap: z.record(z.string(), z.array(SleepLevelSchema)).nullish(),
  validation: z.string().nullish(),
  /** Seconds after the start -> breaths per minute. */
  timeOffsetSleepRespiration: z.record(z.string(), z.number()).nullish(),
  /** Seconds after the start -> SpO2 percent. */
  timeOffsetSleepSpo2: z.record(z.string(), z.number()).nullish(),
  overallSleepScore: z.looseObject({ value: z.number(), qualifierKey: z.string().nullish() }).nullish(),
});
export type GarminSleepSummary = z.infer<typeof SleepSummarySchema>;

export const DailySummarySchema = z.looseObject({
  summaryId,
  calendarDate: z.iso.date(),
  startTimeInSeconds: int.nullish(),
  startTimeOffsetInSeconds: int.nullish(),
  durationInSeconds: num,
  steps: num,
  distanceInMeters: num,
  activeKilocalories: num,
  bmrKilocalories: num,
  restingHeartRateInBeatsPerMinute: num,
  averageHeartRateInBeatsPerMinute: num,
  /** 0-100; -1 when there was too little data. */
  averageStressLevel: num,
});
export type GarminDailySummary = z.infer<typeof DailySummarySchema>;

export const HrvSummarySchema = z.looseObject({
  summaryId,
  calendarDate: z.iso.date(),
  /** Average of last night's 5-minute RMSSD readings, in milliseconds. */
  lastNightAvg: num,
  lastNight5MinHigh: num,
  startTimeInSeconds: int.nullish(),
  durationInSeconds: num,
});
export type GarminHrvSummary = z.infer<typeof HrvSummarySchema>;

export const BodyCompSummarySchema = z.looseObject({
  summaryId,
  measurementTimeInSeconds: int,
  measurementTimeOffsetInSeconds: int.nullish(),
  weightInGrams: num,
  bodyFatInPercent: num,
  bodyMassIndex: num,
  muscleMassInGrams: num,
  boneMassInGrams: num,
  bodyWaterInPercent: num,
});
export type GarminBodyCompSummary = z.infer<typeof BodyCompSummarySchema>;

/** The pull endpoints the client uses and the shape of one summary of each. */
export const SUMMARY_ENDPOINTS = {
  activities: ActivitySummarySchema,
  sleeps: SleepSummarySchema,
  dailies: DailySummarySchema,
  hrv: HrvSummarySchema,
  bodyComps: BodyCompSummarySchema,
} as const;
export type SummaryType = keyof typeof SUMMARY_ENDPOINTS;
export type SummaryOf<T extends SummaryType> = z.output<(typeof SUMMARY_ENDPOINTS)[T]>;
