/**
 * Zod schemas of the Google Health API's JSON (v4), as its discovery document describes it.
 * Only what the mapping reads is declared. int64 fields arrive as JSON strings (`"8512"`) and
 * durations as `"1800s"`: both are parsed here into numbers, and anything else is refused.
 */
import * as z from 'zod';

/** An int64 sent as a string; a plain JSON number is accepted too. */
export const int64 = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d{1,18}$/, 'expected an int64 as a string of digits')
    .transform(Number),
]);

/** A google-duration: seconds with up to nine decimals and an `s` (`"3600s"`, `"-18000s"`). */
export const duration = z
  .string()
  .regex(/^-?\d{1,12}(\.\d{1,9})?s$/, 'expected a duration such as "1800s"')
  .transform((value) => Number(value.slice(0, -1)));

export const timestamp = z.iso.datetime({ offset: true });

export const DateSchema = z.object({
  year: z.number().int().min(1).max(9999),
  month: z.number().int().min(1).max(12),
  day: z.number().int().min(1).max(31),
});
export type GoogleDate = z.infer<typeof DateSchema>;

const SessionInterval = z.object({
  startTime: timestamp,
  endTime: timestamp,
  startUtcOffset: duration.optional(),
  endUtcOffset: duration.optional(),
});

const SampleTime = z.object({ physicalTime: timestamp, utcOffset: duration.optional() });

/** `users/{user}/dataTypes/{type}/dataPoints/{id}`: set for identifiable types such as exercise. */
const pointName = z.string().regex(/^users\/[^/]+\/dataTypes\/[^/]+\/dataPoints\/[^/]+$/, 'expected a data point name');

// ---- user resources ----------------------------------------------------------------------------

export const IdentitySchema = z.object({
  name: z.string().optional(),
  healthUserId: z.string().regex(/^[A-Za-z0-9-]{1,63}$/, 'expected a healthUserId'),
  legacyUserId: z.string().optional(),
});

export const ProfileSchema = z.object({
  name: z.string().optional(),
  age: z.number().int().optional(),
  membershipStartDate: DateSchema.optional(),
});
export type GoogleProfile = z.infer<typeof ProfileSchema>;

// ---- exercise ------------------------------------------------------------------------------

export const MetricsSummarySchema = z.object({
  caloriesKcal: z.number().nonnegative().optional(),
  /** A double, not an int64. */
  distanceMillimeters: z.number().nonnegative().optional(),
  steps: int64.optional(),
  averageHeartRateBeatsPerMinute: int64.optional(),
  elevationGainMillimeters: z.number().optional(),
  averageSpeedMillimetersPerSecond: z.number().nonnegative().optional(),
  mobilityMetrics: z.object({ avgCadenceStepsPerMinute: z.number().nonnegative().optional() }).optional(),
  /** Time in each of Google's four heart-rate zones. */
  heartRateZoneDurations: z
    .object({ lightTime: duration.optional(), moderateTime: duration.optional(), vigorousTime: duration.optional(), peakTime: duration.optional() })
    .optional(),
});

/** Where a point came from: the device's name is the only part the mapping reads. */
const DataSourceSchema = z.object({ device: z.object({ displayName: z.string().optional() }).optional() }).optional();

export const ExercisePointSchema = z.object({
  name: pointName,
  dataSource: DataSourceSchema,
  exercise: z.object({
    interval: SessionInterval,
    /** One of the ExerciseType enum; unknown values map to `other`. */
    exerciseType: z.string().default('EXERCISE_TYPE_UNSPECIFIED'),
    displayName: z.string().default(''),
    activeDuration: duration.optional(),
    metricsSummary: MetricsSummarySchema.default({}),
  }),
});
export type ExercisePoint = z.infer<typeof ExercisePointSchema>;

// ---- sleep ---------------------------------------------------------------------------------

export const SleepPointSchema = z.object({
  name: pointName.optional(),
  sleep: z.object({
    interval: SessionInterval,
    type: z.string().optional(),
    stages: z.array(z.object({ startTime: timestamp, endTime: timestamp, type: z.string() })).default([]),
    metadata: z.object({ externalId: z.string().optional(), nap: z.boolean().optional() }).optional(),
    summary: z
      .object({
        minutesAsleep: int64.optional(),
        minutesAwake: int64.optional(),
        minutesInSleepPeriod: int64.optional(),
        minutesToFallAsleep: int64.optional(),
        stagesSummary: z.array(z.object({ type: z.string(), minutes: int64.optional(), count: int64.optional() })).default([]),
      })
      .optional(),
  }),
});
export type SleepPoint = z.infer<typeof SleepPointSchema>;

// ---- daily and sample types ----------------------------------------------------------------

export const RestingHeartRatePointSchema = z.object({
  dailyRestingHeartRate: z.object({ date: DateSchema, beatsPerMinute: int64 }),
});
export const HrvPointSchema = z.object({
  dailyHeartRateVariability: z.object({ date: DateSchema, averageHeartRateVariabilityMilliseconds: z.number().nonnegative().optional() }),
});
export const Spo2PointSchema = z.object({
  dailyOxygenSaturation: z.object({ date: DateSchema, averagePercentage: z.number().min(0).max(100) }),
});
export const WeightPointSchema = z.object({ weight: z.object({ sampleTime: SampleTime, weightGrams: z.number().nonnegative() }) });
export const BodyFatPointSchema = z.object({ bodyFat: z.object({ sampleTime: SampleTime, percentage: z.number().min(0).max(100) }) });

export type RestingHeartRatePoint = z.infer<typeof RestingHeartRatePointSchema>;
export type HrvPoint = z.infer<typeof HrvPointSchema>;
export type Spo2Point = z.infer<typeof Spo2PointSchema>;
export type WeightPoint = z.infer<typeof WeightPointSchema>;
export type BodyFatPoint = z.infer<typeof BodyFatPointSchema>;

/** `{dataPoints, nextPageToken}`; `nextPageToken` is absent or empty on the last page. */
export function listSchema<T extends z.ZodType>(point: T) {
  return z.object({ dataPoints: z.array(point).default([]), nextPageToken: z.string().optional() });
}

// ---- daily roll-ups ------------------------------------------------------------------------

const CivilDateTime = z.object({ date: DateSchema });

export const DailyRollUpSchema = z.object({
  rollupDataPoints: z
    .array(
      z.object({
        civilStartTime: CivilDateTime,
        steps: z.object({ countSum: int64.optional() }).optional(),
        totalCalories: z.object({ kcalSum: z.number().nonnegative().optional() }).optional(),
      }),
    )
    .default([]),
});
export type DailyRollUp = z.infer<typeof DailyRollUpSchema>;

// ---- errors --------------------------------------------------------------------------------

/** `{"error":{"code","message","status","details":[{"@type","reason",...}]}}` */
export const GoogleErrorSchema = z.object({
  error: z.object({
    code: z.number().int().optional(),
    message: z.string().default(''),
    status: z.string().optional(),
    details: z.array(z.looseObject({ reason: z.string().optional() })).default([]),
  }),
});
export type GoogleError = z.infer<typeof GoogleErrorSchema>['error'];

