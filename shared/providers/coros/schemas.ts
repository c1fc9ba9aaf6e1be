/**
 * COROS's native JSON, as public integrations show it (the reference itself is partner-only).
 * Every business answer is an envelope `{ result: "0000", message: "OK", data }`; a failure is a
 * different `result` code, usually inside an HTTP 200. Fields marked (assumed) are not seen in
 * public code with certainty; they are optional so their absence never breaks parsing.
 */
import * as z from '../../zod';

/** `result` codes arrive as strings ("0000"); tolerate a number, keeping four digits. */
const resultCode = z.pipe(
  z.union([z.string(), z.number()]),
  z.transform((v) => (typeof v === 'number' ? String(v).padStart(4, '0') : v)),
);

/** Large ids (int64) are strings; a number is accepted and turned into its decimal text. */
const idText = z.pipe(z.union([z.string().check(z.minLength(1)), z.number().check(z.int(), z.nonnegative())]), z.transform(String));

const seconds = z.number().check(z.nonnegative());
const count = z.number().check(z.nonnegative());

export const CorosEnvelopeSchema = z.looseObject({
  result: resultCode,
  message: z.optional(z.string()),
  data: z.optional(z.unknown()),
});

/** One leg of a triathlon / multisport workout. */
const CorosWorkoutLegSchema = z.looseObject({
  mode: z.number().check(z.int()),
  subMode: z.number().check(z.int()),
  distance: z.optional(count),
  duration: z.optional(seconds),
  fitUrl: z.optional(z.string()),
});

/** A workout summary from `GET /v2/coros/sport/list` and from the workout push. */
export const CorosWorkoutSchema = z.looseObject({
  labelId: idText,
  /** Sport family (8 run, 9 bike, 10 swim, ...) and its variant (1 outdoor, 2 indoor, ...). */
  mode: z.number().check(z.int()),
  subMode: z.number().check(z.int()),
  /** Epoch seconds. */
  startTime: z.number().check(z.int(), z.nonnegative()),
  endTime: z.number().check(z.int(), z.nonnegative()),
  /** UTC offset in 15-minute units (32 = UTC+8). */
  startTimezone: z.optional(z.number().check(z.int())),
  endTimezone: z.optional(z.number().check(z.int())),
  /** Metres. */
  distance: z.optional(count),
  /** Seconds; `totalTime` is accepted as an alias (assumed). */
  duration: z.optional(seconds),
  totalTime: z.optional(seconds),
  /** (assumed) beats per minute. */
  avgHeartRate: z.optional(count),
  maxHeartRate: z.optional(count),
  /** (assumed) small calories: 512000 is 512 kcal. */
  calorie: z.optional(count),
  /** (assumed) steps, and steps per minute. */
  step: z.optional(count),
  avgFrequency: z.optional(count),
  fitUrl: z.optional(z.string()),
  triathlonItemList: z.optional(z.array(CorosWorkoutLegSchema)),
});
export type CorosWorkout = z.infer<typeof CorosWorkoutSchema>;

/** `data` of the sport list: an array, `null` when the range holds nothing. */
export const CorosWorkoutListSchema = z.pipe(
  z.optional(z.nullable(z.array(CorosWorkoutSchema))),
  z.transform((list) => list ?? []),
);

/** `data` of `GET /v2/user` (assumed beyond `openId`: names follow COROS's account API). */
export const CorosUserSchema = z.looseObject({
  openId: idText,
  nickname: z.optional(z.string()),
  headPic: z.optional(z.string()),
});
export type CorosUser = z.infer<typeof CorosUserSchema>;

/**
 * `POST /oauth2/accesstoken`: `access_token`, `refresh_token`, `expires_in` (30 days) and
 * `openId`. A refusal carries no token, only `result` / `message` (or an OAuth `error`).
 */
export const CorosTokenResponseSchema = z.looseObject({
  access_token: z.optional(z.string().check(z.minLength(1))),
  refresh_token: z.optional(z.string().check(z.minLength(1))),
  expires_in: z.optional(z.coerce.number()),
  openId: z.optional(idText),
  result: z.optional(resultCode),
  message: z.optional(z.string()),
  error: z.optional(z.string()),
});
export type CorosTokenResponse = z.infer<typeof CorosTokenResponseSchema>;

/** The workout push: the same summaries, each naming its user. */
export const CorosWebhookPayloadSchema = z.looseObject({
  sportDataList: z.array(z.extend(CorosWorkoutSchema, { openId: idText })),
});
