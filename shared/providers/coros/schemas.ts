/**
 * COROS's native JSON, as public integrations show it (the reference itself is partner-only).
 * Every business answer is an envelope `{ result: "0000", message: "OK", data }`; a failure is a
 * different `result` code, usually inside an HTTP 200. Fields marked (assumed) are not seen in
 * public code with certainty; they are optional so their absence never breaks parsing.
 */
import * as z from 'zod';

/** `result` codes arrive as strings ("0000"); tolerate a number, keeping four digits. */
const resultCode = z.union([z.string(), z.number()]).transform((v) => (typeof v === 'number' ? String(v).padStart(4, '0') : v));

/** Large ids (int64) are strings; a number is accepted and turned into its decimal text. */
const idText = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);

const seconds = z.number().nonnegative();
const count = z.number().nonnegative();

export const CorosEnvelopeSchema = z.looseObject({
  result: resultCode,
  message: z.string().optional(),
  data: z.unknown().optional(),
});

/** One leg of a triathlon / multisport workout. */
export const CorosWorkoutLegSchema = z.looseObject({
  mode: z.number().int(),
  subMode: z.number().int(),
  distance: count.optional(),
  duration: seconds.optional(),
  fitUrl: z.string().optional(),
});

/** A workout summary from `GET /v2/coros/sport/list` and from the workout push. */
export const CorosWorkoutSchema = z.looseObject({
  labelId: idText,
  /** Sport family (8 run, 9 bike, 10 swim, ...) and its variant (1 outdoor, 2 indoor, ...). */
  mode: z.number().int(),
  subMode: z.number().int(),
  /** Epoch seconds. */
  startTime: z.number().int().nonnegative(),
  endTime: z.number().int().nonnegative(),
  /** UTC offset in 15-minute units (32 = UTC+8). */
  startTimezone: z.number().int().optional(),
  endTimezone: z.number().int().optional(),
  /** Metres. */
  distance: count.optional(),
  /** Seconds; `totalTime` is accepted as an alias (assumed). */
  duration: seconds.optional(),
  totalTime: seconds.optional(),
  /** (assumed) beats per minute. */
  avgHeartRate: count.optional(),
  maxHeartRate: count.optional(),
  /** (assumed) small calories: 512000 is 512 kcal. */
  calorie: count.optional(),
  /** (assumed) steps, and steps per minute. */
  step: count.optional(),
  avgFrequency: count.optional(),
  fitUrl: z.string().optional(),
  triathlonItemList: z.array(CorosWorkoutLegSchema).optional(),
});
export type CorosWorkout = z.infer<typeof CorosWorkoutSchema>;

/** `data` of the sport list: an array, `null` when the range holds nothing. */
export const CorosWorkoutListSchema = z
  .array(CorosWorkoutSchema)
  .nullable()
  .optional()
  .transform((list) => list ?? []);

/** `data` of `GET /v2/user` (assumed beyond `openId`: names follow COROS's account API). */
export const CorosUserSchema = z.looseObject({
  openId: idText,
  nickname: z.string().optional(),
  headPic: z.string().optional(),
});
export type CorosUser = z.infer<typeof CorosUserSchema>;

/**
 * `POST /oauth2/accesstoken`: `access_token`, `refresh_token`, `expires_in` (30 days) and
 * `openId`. A refusal carries no token, only `result` / `message` (or an OAuth `error`).
 */
export const CorosTokenResponseSchema = z.looseObject({
  access_token: z.string().min(1).optional(),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.coerce.number().optional(),
  openId: idText.optional(),
  result: resultCode.optional(),
  message: z.string().optional(),
  error: z.string().optional(),
});
export type CorosTokenResponse = z.infer<typeof CorosTokenResponseSchema>;

/** The workout push: the same summaries, each naming its user. */
export const CorosWebhookPayloadSchema = z.looseObject({
  sportDataList: z.array(CorosWorkoutSchema.extend({ openId: idText })),
});
