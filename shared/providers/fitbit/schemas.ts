/**
 * Zod schemas of the Google Health API's JSON (v4), as its discovery document describes it.
 * Only what the mapping reads is declared. int64 fields arrive as JSON strings (`"8512"`) and
 * durations as `"1800s"`: both are parsed here into numbers, and anything else is refused.
 */
import * as z from '../../zod';

/** An int64 sent as a string; a plain JSON number is accepted too. */
export const int64 = z.union([
  z.number().check(z.int()),
  z.pipe(z.string().check(z.regex(/^-?\d{1,18}$/, 'expected an int64 as a string of digits')), z.transform(Number)),
]);

/** A google-duration: seconds with up to nine decimals and an `s` (`"3600s"`, `"-18000s"`). */
export const duration = z.pipe(
  z.string().check(z.regex(/^-?\d{1,12}(\.\d{1,9})?s$/, 'expected a duration such as "1800s"')),
  z.transform((value) => Number(value.slice(0, -1))),
);

const timestamp = z.iso.datetime({ offset: true });

const DateSchema = z.object({
  year: z.number().check(z.int(), z.gte(1), z.lte(9999)),
  month: z.number().check(z.int(), z.gte(1), z.lte(12)),
  day: z.number().check(z.int(), z.gte(1), z.lte(31)),
});
export type GoogleDate = z.infer<typeof DateSchema>;

const SessionInterval = z.object({
  startTime: timestamp,
  endTime: timestamp,
  startUtcOffset: z.optional(duration),
  endUtcOffset: z.optional(duration),
});

const SampleTime = z.object({ physicalTime: timestamp, utcOffset: z.optional(duration) });

/** `users/{user}/dataTypes/{type}/dataPoints/{id}`: set for identifiable types such as exercise. */
const pointName = z.string().check(z.regex(/^users\/[^/]+\/dataTypes\/[^/]+\/dataPoints\/[^/]+$/, 'expected a data point name'));

// ---- user resources ----------------------------------------------------------------------------

export const ProfileSchema = z.object({
  name: z.optional(z.string()),
  age: z.optional(z.number().check(z.int())),
  membershipStartDate: z.optional(DateSchema),
});
export type GoogleProfile = z.infer<typeof ProfileSchema>;

// ---- exercise ------------------------------------------------------------------------------

const MetricsSummarySchema = z.object({
  caloriesKcal: z.optional(z.number().check(z.nonnegative())),
  /** A double, not an int64. */
  distanceMillimeters: z.optional(z.number().check(z.nonnegative())),
  steps: z.optional(int64),
  averageHeartRateBeatsPerMinute: z.optional(int64),
  elevationGainMillimeters: z.optional(z.number()),
  averageSpeedMillimetersPerSecond: z.optional(z.number().check(z.nonnegative())),
  mobilityMetrics: z.optional(z.object({ avgCadenceStepsPerMinute: z.optional(z.number().check(z.nonnegative())) })),
  /** Time in each of Google's four heart-rate zones. */
  heartRateZoneDurations: z.optional(
    z.object({ lightTime: z.optional(duration), moderateTime: z.optional(duration), vigorousTime: z.optional(duration), peakTime: z.optional(duration) }),
  ),
});

/** Where a point came from: the device's name is the only part the mapping reads. */
const DataSourceSchema = z.optional(z.object({ device: z.optional(z.object({ displayName: z.optional(z.string()) })) }));

/** A lap: Google's `splitSummaries` (laps that do not overlap; `splits` are the automatic ones per km or mile). */
const SplitSummarySchema = z.object({
  startTime: timestamp,
  endTime: timestamp,
  metricsSummary: z._default(MetricsSummarySchema, {}),
  splitType: z._default(z.string(), 'SPLIT_TYPE_UNSPECIFIED'),
  activeDuration: z.optional(duration),
});

export const ExercisePointSchema = z.object({
  name: pointName,
  dataSource: DataSourceSchema,
  exercise: z.object({
    interval: SessionInterval,
    /** One of the ExerciseType enum; unknown values map to `other`. */
    exerciseType: z._default(z.string(), 'EXERCISE_TYPE_UNSPECIFIED'),
    displayName: z._default(z.string(), ''),
    activeDuration: z.optional(duration),
    metricsSummary: z._default(MetricsSummarySchema, {}),
    splitSummaries: z._default(z.array(SplitSummarySchema), []),
  }),
});
export type ExercisePoint = z.infer<typeof ExercisePointSchema>;

// ---- sleep ---------------------------------------------------------------------------------

export const SleepPointSchema = z.object({
  name: z.optional(pointName),
  sleep: z.object({
    interval: SessionInterval,
    type: z.optional(z.string()),
    stages: z._default(z.array(z.object({ startTime: timestamp, endTime: timestamp, type: z.string() })), []),
    metadata: z.optional(z.object({ externalId: z.optional(z.string()), nap: z.optional(z.boolean()) })),
    summary: z.optional(
      z.object({
        minutesAsleep: z.optional(int64),
        minutesAwake: z.optional(int64),
        minutesInSleepPeriod: z.optional(int64),
        minutesToFallAsleep: z.optional(int64),
        stagesSummary: z._default(z.array(z.object({ type: z.string(), minutes: z.optional(int64), count: z.optional(int64) })), []),
      }),
    ),
  }),
});
export type SleepPoint = z.infer<typeof SleepPointSchema>;

// ---- daily and sample types ----------------------------------------------------------------

export const RestingHeartRatePointSchema = z.object({
  dailyRestingHeartRate: z.object({ date: DateSchema, beatsPerMinute: int64 }),
});
export const HrvPointSchema = z.object({
  dailyHeartRateVariability: z.object({ date: DateSchema, averageHeartRateVariabilityMilliseconds: z.optional(z.number().check(z.nonnegative())) }),
});
export const Spo2PointSchema = z.object({
  dailyOxygenSaturation: z.object({ date: DateSchema, averagePercentage: z.number().check(z.gte(0), z.lte(100)) }),
});
export const WeightPointSchema = z.object({ weight: z.object({ sampleTime: SampleTime, weightGrams: z.number().check(z.nonnegative()) }) });
export const BodyFatPointSchema = z.object({ bodyFat: z.object({ sampleTime: SampleTime, percentage: z.number().check(z.gte(0), z.lte(100)) }) });

export type RestingHeartRatePoint = z.infer<typeof RestingHeartRatePointSchema>;
export type HrvPoint = z.infer<typeof HrvPointSchema>;
export type Spo2Point = z.infer<typeof Spo2PointSchema>;
export type WeightPoint = z.infer<typeof WeightPointSchema>;
export type BodyFatPoint = z.infer<typeof BodyFatPointSchema>;

/** `{dataPoints, nextPageToken}`; `nextPageToken` is absent or empty on the last page. */
export function listSchema<T extends z.ZodMiniType>(point: T) {
  return z.object({ dataPoints: z._default(z.array(point), []), nextPageToken: z.optional(z.string()) });
}

// ---- daily roll-ups ------------------------------------------------------------------------

const CivilDateTime = z.object({ date: DateSchema });

export const DailyRollUpSchema = z.object({
  rollupDataPoints: z._default(
    z.array(
      z.object({
        civilStartTime: CivilDateTime,
        steps: z.optional(z.object({ countSum: z.optional(int64) })),
        totalCalories: z.optional(z.object({ kcalSum: z.optional(z.number().check(z.nonnegative())) })),
      }),
    ),
    [],
  ),
});
export type DailyRollUp = z.infer<typeof DailyRollUpSchema>;

// ---- errors --------------------------------------------------------------------------------

/** `{"error":{"code","message","status","details":[{"@type","reason",...}]}}` */
export const GoogleErrorSchema = z.object({
  error: z.object({
    code: z.optional(z.number().check(z.int())),
    message: z._default(z.string(), ''),
    status: z.optional(z.string()),
    details: z._default(z.array(z.looseObject({ reason: z.optional(z.string()) })), []),
  }),
});
export type GoogleError = z.infer<typeof GoogleErrorSchema>['error'];
