/**
 * Garmin's native JSON, as the Health / Activity API reference shows it (camelCase, seconds,
 * metres, grams). Objects are loose: Garmin adds fields over time and we ignore the rest.
 */
import * as z from '../../zod';
import { TokenResponseSchema } from '../oauth2';

const num = z.nullish(z.number());
const int = z.number().check(z.int());
/** Garmin documents summary ids as strings; accept numbers too and keep them as text. */
const summaryId = z.pipe(z.union([z.string().check(z.minLength(1)), z.number()]), z.transform(String));

/** Token endpoint answer: the standard fields plus Garmin's `jti` and refresh-token lifetime. */
export const GarminTokenSchema = z.extend(TokenResponseSchema, {
  jti: z.optional(z.string()),
  refresh_token_expires_in: z.optional(z.coerce.number()),
});

/** `GET /user/id`. */
export const UserIdSchema = z.looseObject({ userId: z.string().check(z.minLength(1)) });

/**
 * `GET /user/permissions`: the reference shows a bare array of permission names; some
 * integrations report `{ "permissions": [...] }`. Both are accepted.
 */
export const PermissionsSchema = z.pipe(
  z.union([z.array(z.string()), z.looseObject({ permissions: z.array(z.string()) })]),
  z.transform((value) => (Array.isArray(value) ? value : value.permissions)),
);

export const ActivitySummarySchema = z.looseObject({
  summaryId,
  activityId: z.nullish(z.union([z.number(), z.string()])),
  activityName: z.nullish(z.string()),
  activityType: z.string().check(z.minLength(1)),
  startTimeInSeconds: int,
  startTimeOffsetInSeconds: z.nullish(int),
  durationInSeconds: z.number().check(z.nonnegative()),
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
  deviceName: z.nullish(z.string()),
});
export type GarminActivitySummary = z.infer<typeof ActivitySummarySchema>;

/** One period of a sleep level in `sleepLevelsMap`. */
const SleepLevelSchema = z.looseObject({ startTimeInSeconds: int, endTimeInSeconds: int });

export const SleepSummarySchema = z.looseObject({
  summaryId,
  calendarDate: z.nullish(z.iso.date()),
  startTimeInSeconds: int,
  startTimeOffsetInSeconds: z.nullish(int),
  durationInSeconds: z.number().check(z.nonnegative()),
  unmeasurableSleepDurationInSeconds: num,
  deepSleepDurationInSeconds: num,
  lightSleepDurationInSeconds: num,
  remSleepInSeconds: num,
  awakeDurationInSeconds: num,
  sleepLevelsMap: z.nullish(z.record(z.string(), z.array(SleepLevelSchema))),
  validation: z.nullish(z.string()),
  /** Seconds after the start -> breaths per minute. */
  timeOffsetSleepRespiration: z.nullish(z.record(z.string(), z.number())),
  /** Seconds after the start -> SpO2 percent. */
  timeOffsetSleepSpo2: z.nullish(z.record(z.string(), z.number())),
  overallSleepScore: z.nullish(z.looseObject({ value: z.number(), qualifierKey: z.nullish(z.string()) })),
});
export type GarminSleepSummary = z.infer<typeof SleepSummarySchema>;

export const DailySummarySchema = z.looseObject({
  summaryId,
  calendarDate: z.iso.date(),
  startTimeInSeconds: z.nullish(int),
  startTimeOffsetInSeconds: z.nullish(int),
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
  startTimeInSeconds: z.nullish(int),
  durationInSeconds: num,
});
export type GarminHrvSummary = z.infer<typeof HrvSummarySchema>;

export const BodyCompSummarySchema = z.looseObject({
  summaryId,
  measurementTimeInSeconds: int,
  measurementTimeOffsetInSeconds: z.nullish(int),
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
