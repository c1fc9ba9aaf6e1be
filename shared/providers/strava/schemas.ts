/**
 * Strava's own JSON, as its API reference (https://developers.strava.com/docs/reference/)
 * describes it. Objects are loose: Strava adds fields over time and we read only these.
 */
import * as z from '../../zod';
import { TokenResponseSchema } from '../oauth2';

/** Strava ids are integers that outgrow 32 bits (activity ids) but stay below 2^53. */
const stravaId = z.number().check(z.int(), z.nonnegative());
/** Numbers Strava may leave out or send as null. */
const optionalNumber = z.nullish(z.number());
const optionalString = z.nullish(z.string());

/** `[lat, lng]`; Strava sends `[]` (newer) or null (older) for activities without GPS. */
const LatLngSchema = z.nullish(z.union([z.tuple([z.number(), z.number()]), z.tuple([])]));

// ---- athletes ------------------------------------------------------------------------------------

/** SummaryAthlete / DetailedAthlete (resource_state 2 / 3); the token response carries the former. */
export const StravaAthleteSchema = z.looseObject({
  id: stravaId,
  resource_state: z.optional(z.number().check(z.int())),
  username: optionalString,
  firstname: optionalString,
  lastname: optionalString,
  city: optionalString,
  state: optionalString,
  country: optionalString,
  /** `M`, `F`, or null when the athlete did not say. */
  sex: z.nullish(z.string()),
  premium: z.nullish(z.boolean()),
  summit: z.nullish(z.boolean()),
  /** Kilograms; 0 or null when unknown. */
  weight: optionalNumber,
  profile_medium: optionalString,
  /** Large picture URL, or a relative placeholder such as `avatar/athlete/large.png`. */
  profile: optionalString,
  measurement_preference: z.nullish(z.string()),
  ftp: optionalNumber,
});
export type StravaAthlete = z.infer<typeof StravaAthleteSchema>;

// ---- OAuth ---------------------------------------------------------------------------------------

/** POST /oauth/token: `athlete` comes only with the code exchange, never with a refresh. */
export const StravaTokenResponseSchema = z.extend(TokenResponseSchema, {
  token_type: z.optional(z.string()),
  athlete: z.optional(StravaAthleteSchema),
});

// ---- activities ----------------------------------------------------------------------------------

/** SummaryActivity (list, resource_state 2); DetailedActivity (resource_state 3) adds a few fields. */
export const StravaActivitySchema = z
  .looseObject({
    id: stravaId,
    resource_state: z.optional(z.number().check(z.int())),
    athlete: z.optional(z.looseObject({ id: stravaId })),
    name: z.string(),
    /** Metres; 0 for activities without distance. */
    distance: z.number().check(z.nonnegative()),
    /** Seconds. */
    moving_time: z.number().check(z.nonnegative()),
    /** Seconds. */
    elapsed_time: z.number().check(z.nonnegative()),
    /** Metres. */
    total_elevation_gain: optionalNumber,
    /** Deprecated by Strava in favour of sport_type, but still sent. */
    type: z.nullish(z.string()),
    sport_type: z.nullish(z.string()),
    /** 0/10 default, 1/11 race, 2 long run, 3/12 workout (runs / rides). */
    workout_type: optionalNumber,
    start_date: z.iso.datetime({ offset: true }),
    start_date_local: z.nullish(z.string()),
    timezone: z.nullish(z.string()),
    utc_offset: optionalNumber,
    start_latlng: LatLngSchema,
    /** Deprecated by Strava and often null, but still sent. */
    location_city: optionalString,
    location_state: optionalString,
    location_country: optionalString,
    /** `summary_polyline` is a Google encoded polyline; empty without GPS. */
    map: z.nullish(z.looseObject({ summary_polyline: optionalString })),
    end_latlng: LatLngSchema,
    trainer: z.nullish(z.boolean()),
    commute: z.nullish(z.boolean()),
    manual: z.nullish(z.boolean()),
    private: z.nullish(z.boolean()),
    /** Metres per second. */
    average_speed: optionalNumber,
    max_speed: optionalNumber,
    /** Revolutions per minute on a bike; strides (one foot) per minute on foot. */
    average_cadence: optionalNumber,
    /** Watts; weighted_average_watts is Strava's normalized power. */
    average_watts: optionalNumber,
    weighted_average_watts: optionalNumber,
    max_watts: optionalNumber,
    device_watts: z.nullish(z.boolean()),
    /** Work done, for rides with power (measured or estimated). */
    kilojoules: optionalNumber,
    has_heartrate: z.nullish(z.boolean()),
    average_heartrate: optionalNumber,
    max_heartrate: optionalNumber,
    /** Relative Effort. */
    suffer_score: optionalNumber,
    /** DetailedActivity only: kilocalories. */
    calories: optionalNumber,
    description: optionalString,
    device_name: optionalString,
  })
  .check(z.refine((a) => Boolean(a.sport_type ?? a.type), { message: 'an activity needs a sport_type or type', path: ['sport_type'] }));
export type StravaActivity = z.infer<typeof StravaActivitySchema>;

export const StravaActivityListSchema = z.array(StravaActivitySchema);

// ---- stats ---------------------------------------------------------------------------------------

/** ActivityTotal: a roll-up in metres and seconds. */
const StravaActivityTotalSchema = z.looseObject({
  count: z.number().check(z.int(), z.nonnegative()),
  distance: z.number().check(z.nonnegative()),
  moving_time: z.number().check(z.nonnegative()),
  elapsed_time: z.number().check(z.nonnegative()),
  elevation_gain: z.number().check(z.nonnegative()),
  achievement_count: z.nullish(z.number().check(z.int())),
});
export type StravaActivityTotal = z.infer<typeof StravaActivityTotalSchema>;

/** GET /athletes/{id}/stats: recent (last four weeks), year-to-date and all-time totals. */
export const StravaActivityStatsSchema = z.looseObject({
  biggest_ride_distance: optionalNumber,
  biggest_climb_elevation_gain: optionalNumber,
  recent_ride_totals: StravaActivityTotalSchema,
  recent_run_totals: StravaActivityTotalSchema,
  recent_swim_totals: StravaActivityTotalSchema,
  ytd_ride_totals: StravaActivityTotalSchema,
  ytd_run_totals: StravaActivityTotalSchema,
  ytd_swim_totals: StravaActivityTotalSchema,
  all_ride_totals: StravaActivityTotalSchema,
  all_run_totals: StravaActivityTotalSchema,
  all_swim_totals: StravaActivityTotalSchema,
});
export type StravaActivityStats = z.infer<typeof StravaActivityStatsSchema>;

// ---- errors --------------------------------------------------------------------------------------

/** Strava's Fault: `{"message":"Bad Request","errors":[{"resource","field","code"}]}`. */
export const StravaFaultSchema = z.looseObject({
  message: z.string(),
  errors: z._default(z.array(z.looseObject({ resource: z.optional(z.string()), field: z.optional(z.string()), code: z.optional(z.string()) })), []),
});
