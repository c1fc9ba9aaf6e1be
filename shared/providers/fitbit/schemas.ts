/**
 * Zod schemas of the Fitbit Web API's native JSON, as its public reference shows it. Only the
 * fields the mapping reads are declared; everything else in a response is ignored.
 */
import { z } from 'zod';

/** `2020-02-20T23:21:30.000`: the user's local wall-clock time, no offset (sleep logs). */
export const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?$/;
/** `2019-01-03T12:08:23.000-08:00`: local time with its UTC offset (activity logs). */
export const OFFSET_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

const localDateTime = z.string().regex(LOCAL_DATE_TIME, 'expected yyyy-MM-ddTHH:mm:ss.SSS');
const offsetDateTime = z.string().regex(OFFSET_DATE_TIME, 'expected a date-time with a UTC offset');
const day = z.iso.date();
/** Time-series values arrive as strings (`"2504"`). */
const numeric = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)]);

/** What the token response carries beyond standard OAuth fields. */
export const FitbitTokenExtrasSchema = z.object({
  user_id: z.union([z.string().min(1), z.number()]).transform(String),
});

/** `{"errors":[{"errorType":"insufficient_scope","message":"..."}],"success":false}` */
export const FitbitErrorBodySchema = z.object({
  errors: z.array(z.object({ errorType: z.string(), fieldName: z.string().optional(), message: z.string().optional() })).default([]),
  success: z.boolean().optional(),
});

// ---- activities ------------------------------------------------------------------------------

export const FitbitActivityLogSchema = z.object({
  logId: z.number().int().nonnegative(),
  activityName: z.string(),
  activityTypeId: z.number().int().optional(),
  logType: z.string().optional(),
  startTime: offsetDateTime,
  /** Milliseconds, pauses excluded. */
  activeDuration: z.number().nonnegative().optional(),
  /** Milliseconds, pauses included. */
  duration: z.number().nonnegative(),
  /** In `distanceUnit`: kilometres when the request asked for metric units. */
  distance: z.number().nonnegative().optional(),
  distanceUnit: z.string().optional(),
  elevationGain: z.number().optional(),
  averageHeartRate: z.number().optional(),
  calories: z.number().optional(),
  steps: z.number().optional(),
});
export type FitbitActivityLog = z.infer<typeof FitbitActivityLogSchema>;

export const FitbitActivityListSchema = z.object({
  activities: z.array(FitbitActivityLogSchema),
  pagination: z
    .object({
      next: z.string().default(''),
      previous: z.string().default(''),
      limit: z.number().int().optional(),
      offset: z.number().int().optional(),
      sort: z.string().optional(),
    })
    .optional(),
});
export type FitbitActivityList = z.infer<typeof FitbitActivityListSchema>;

// ---- profile ---------------------------------------------------------------------------------

export const FitbitProfileSchema = z.object({
  user: z.object({
    encodedId: z.string().min(1),
    displayName: z.string().optional(),
    firstName: z.string().optional(),
    lastName: z.string().optional(),
    fullName: z.string().optional(),
    gender: z.string().optional(),
    /** In the unit system of the request's Accept-Language: kilograms for metric. */
    weight: z.number().optional(),
    avatar: z.string().optional(),
    avatar150: z.string().optional(),
    city: z.string().optional(),
    country: z.string().optional(),
    timezone: z.string().optional(),
    offsetFromUTCMillis: z.number().int().optional(),
  }),
});
export type FitbitProfile = z.infer<typeof FitbitProfileSchema>;

// ---- sleep (v1.2) ----------------------------------------------------------------------------

const SleepLevelSummarySchema = z.object({
  minutes: z.number().nonnegative(),
  count: z.number().optional(),
  thirtyDayAvgMinutes: z.number().optional(),
});

export const FitbitSleepLogSchema = z.object({
  logId: z.number().int().nonnegative(),
  dateOfSleep: day,
  startTime: localDateTime,
  endTime: localDateTime,
  /** Milliseconds. */
  duration: z.number().nonnegative(),
  efficiency: z.number().optional(),
  isMainSleep: z.boolean().optional(),
  minutesAsleep: z.number().optional(),
  minutesAwake: z.number().optional(),
  timeInBed: z.number().optional(),
  /** `stages` (deep/light/rem/wake) or `classic` (asleep/restless/awake). */
  type: z.string().optional(),
  levels: z
    .object({
      data: z.array(z.object({ dateTime: localDateTime, level: z.string(), seconds: z.number().nonnegative() })).default([]),
      summary: z.record(z.string(), SleepLevelSummarySchema).default({}),
    })
    .optional(),
});
export type FitbitSleepLog = z.infer<typeof FitbitSleepLogSchema>;

export const FitbitSleepResponseSchema = z.object({ sleep: z.array(FitbitSleepLogSchema) });

// ---- recovery and health ---------------------------------------------------------------------

export const FitbitHrvResponseSchema = z.object({
  hrv: z.array(z.object({ dateTime: day, value: z.object({ dailyRmssd: z.number(), deepRmssd: z.number().optional() }) })),
});

/** SpO2 by interval: a top-level array, one entry per day with data. */
export const FitbitSpo2ResponseSchema = z.array(
  z.object({ dateTime: day, value: z.object({ avg: z.number(), min: z.number().optional(), max: z.number().optional() }) }),
);

export const FitbitHeartResponseSchema = z.object({
  'activities-heart': z.array(z.object({ dateTime: day, value: z.object({ restingHeartRate: z.number().optional() }) })),
});

export const FitbitStepsResponseSchema = z.object({
  'activities-steps': z.array(z.object({ dateTime: day, value: numeric })),
});

export const FitbitCaloriesResponseSchema = z.object({
  'activities-calories': z.array(z.object({ dateTime: day, value: numeric })),
});

export const FitbitWeightLogSchema = z.object({
  logId: z.number().int().nonnegative(),
  date: day,
  time: z.string().regex(/^\d{2}:\d{2}(:\d{2})?$/).optional(),
  /** Kilograms for metric requests. */
  weight: z.number().nonnegative(),
  bmi: z.number().optional(),
  fat: z.number().optional(),
  source: z.string().optional(),
});
export type FitbitWeightLog = z.infer<typeof FitbitWeightLogSchema>;

export const FitbitWeightResponseSchema = z.object({ weight: z.array(FitbitWeightLogSchema) });
