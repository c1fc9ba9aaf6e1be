/** WHOOP JSON (shaped as its public API reference shows it) -> unified models; headers; webhooks. */
import { HealthMetricsSchema } from '../../../shared/models';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bmiOf,
  cycleDate,
  joinDays,
  kilojoulesToKcal,
  sportTypeOf,
  toActivity,
  toAthlete,
  toHealthMetrics,
  toRecoveryMetrics,
  toSleepSession,
  workoutName,
} from '../../../shared/providers/whoop/mapping';
import { parseLimitHeader, whoopRateLimitHint, whoopRateLimitUsage } from '../../../shared/providers/whoop/rate-limit';
import {
  collectionOf,
  WhoopBodyMeasurementSchema,
  WhoopCycleSchema,
  WhoopProfileSchema,
  WhoopRecoverySchema,
  WhoopSleepSchema,
  WhoopWorkoutSchema,
} from '../../../shared/providers/whoop/schemas';
import { parseWhoopWebhook, verifyWhoopWebhook, whoopSignature } from '../../../shared/providers/whoop/webhook';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/whoop/${name}.json`, import.meta.url), 'utf8'));

const workouts = collectionOf(WhoopWorkoutSchema).parse(fixture('workout-collection'));
const sleeps = collectionOf(WhoopSleepSchema).parse(fixture('sleep-collection'));
const recoveries = collectionOf(WhoopRecoverySchema).parse(fixture('recovery-collection'));
const cycles = collectionOf(WhoopCycleSchema).parse(fixture('cycle-collection'));
const profile = WhoopProfileSchema.parse(fixture('profile-basic'));
const body = WhoopBodyMeasurementSchema.parse(fixture('body-measurement'));

describe('WHOOP workouts', () => {
  it('maps a scored workout, kilojoules to kcal', () => {
    const activity = toActivity('whoop', workouts.records[0]!);
    expect(activity).toEqual({
      id: 'ecfc6a15-4661-442f-a9a4-f160dd7afae8',
      provider: 'whoop',
      name: 'Running',
      sport_type: 'run',
      sport_type_detail: 'running',
      workout_type: null,
      start_date: '2022-04-24T02:25:44.774Z',
      end_date: '2022-04-24T10:25:44.774Z',
      // 02:25 UTC at -05:00.
      start_date_local: '2022-04-23T21:25:44',
      utc_offset_seconds: -18000,
      timezone: null,
      // Start to end: WHOOP has no moving time.
      duration_seconds: 8 * 3600,
      moving_time_seconds: null,
      distance_meters: 1772.77035916,
      elevation_gain_meters: 46.64384460449,
      average_heart_rate: 123,
      max_heart_rate: 146,
      // Milliseconds per zone, 0-5, become seconds.
      heart_rate_zones: [300, 600, 900, 900, 600, 300].map((duration_seconds, zone) => ({
        zone,
        name: null,
        min_heart_rate: null,
        max_heart_rate: null,
        duration_seconds,
      })),
      average_speed: 0.062,
      max_speed: null,
      // 1569.34 kJ of total energy / 4.184.
      calories: 375.1,
      active_calories: null,
      average_power: null,
      max_power: null,
      normalized_power: null,
      average_cadence: null,
      max_cadence: null,
      steps: null,
      suffer_score: null,
      strain: 8.2463,
      training_stress_score: null,
      start_latitude: null,
      start_longitude: null,
      summary_polyline: null,
      city: null,
      region: null,
      country: null,
      device_name: null,
    });
    expect(workouts.next_token).toBe('MTIzOjEyMzEyMw');
  });

  it('leaves measurements null until WHOOP has scored the workout', () => {
    const activity = toActivity('whoop', workouts.records[1]!);
    expect(activity).toMatchObject({ sport_type: 'strength_training', name: 'Weightlifting', duration_seconds: 3600 });
    for (const key of [
      'distance_meters',
      'elevation_gain_meters',
      'average_heart_rate',
      'max_heart_rate',
      'heart_rate_zones',
      'average_speed',
      'calories',
      'strain',
    ] as const) {
      expect(activity[key]).toBeNull();
    }
  });

  it('maps WHOOP sport names to unified sports', () => {
    expect(sportTypeOf('running')).toBe('run');
    expect(sportTypeOf('Cycling')).toBe('ride');
    expect(sportTypeOf('mountain biking')).toBe('mountain_bike_ride');
    expect(sportTypeOf('spin')).toBe('virtual_ride');
    expect(sportTypeOf('swimming')).toBe('swim');
    expect(sportTypeOf('hiking/rucking')).toBe('hike');
    expect(sportTypeOf('functional fitness')).toBe('strength_training');
    expect(sportTypeOf('cross country skiing')).toBe('cross_country_ski');
    expect(sportTypeOf('snowboarding')).toBe('snowboard');
    expect(sportTypeOf('skiing')).toBe('alpine_ski');
    expect(sportTypeOf('pickleball')).toBe('pickleball');
    expect(sportTypeOf('table tennis')).toBe('table_tennis');
    expect(sportTypeOf('tennis')).toBe('tennis');
    expect(sportTypeOf('pilates')).toBe('pilates');
    expect(sportTypeOf('activity')).toBe('workout');
    expect(sportTypeOf('something new')).toBe('other');
    expect(workoutName('hiking/rucking')).toBe('Hiking/Rucking');
    expect(kilojoulesToKcal(4.184)).toBe(1);
    expect(kilojoulesToKcal(undefined)).toBeNull();
  });
});

describe('WHOOP sleep, recovery, cycles, body', () => {
  it('maps a sleep with stage totals from milliseconds to seconds', () => {
    expect(toSleepSession('whoop', sleeps.records[0]!)).toEqual({
      id: 'ecfc6a15-4661-442f-a9a4-f160dd7afae8',
      provider: 'whoop',
      start_date: '2022-04-24T02:25:44.774Z',
      end_date: '2022-04-24T10:25:44.774Z',
      time_in_bed_seconds: 30273,
      // light + slow wave + REM milliseconds.
      time_asleep_seconds: 27416,
      efficiency_percentage: 91.69533848,
      sleep_score: 98,
      is_nap: false,
      wake_count: 12,
      onset_latency_seconds: null,
      stages: [],
      stage_totals: { awake_seconds: 1404, light_seconds: 14906, deep_seconds: 6630, rem_seconds: 5880 },
      average_heart_rate: null,
      hrv_rmssd_ms: null,
      respiratory_rate: 16.11328125,
      spo2_percentage: null,
      skin_temp_deviation_celsius: null,
    });
  });

  it('dates a cycle by the local day it leads into', () => {
    // 02:25Z at -05:00 is 21:25 the evening before: the cycle stands for the 24th.
    expect(cycleDate(cycles.records[0]!)).toBe('2022-04-24');
    expect(cycleDate({ start: '2022-04-24T08:00:00.000Z', timezone_offset: '+02:00' })).toBe('2022-04-24');
    expect(cycleDate({ start: '2022-04-24T20:30:00.000Z', timezone_offset: 'Z' })).toBe('2022-04-25');
  });

  it('joins recovery and cycle into one day of recovery metrics', () => {
    const [day] = joinDays(cycles.records, recoveries.records);
    expect(toRecoveryMetrics('whoop', day!)).toEqual({
      provider: 'whoop',
      date: '2022-04-24',
      recovery_score: 44,
      resting_heart_rate: 64,
      hrv_rmssd_ms: 31.813562,
      respiratory_rate: null,
      spo2_percentage: 95.6875,
      skin_temp_celsius: 33.7,
      skin_temp_deviation_celsius: null,
      stress_level: null,
      strain: 5.2951527,
    });
    const [alone] = joinDays(cycles.records, []);
    expect(toRecoveryMetrics('whoop', alone!)).toMatchObject({ recovery_score: null, resting_heart_rate: null, strain: 5.2951527 });
  });

  it('maps health metrics: cycle energy in kcal, resting heart rate, weight and BMI', () => {
    const [day] = joinDays(cycles.records, recoveries.records);
    expect(toHealthMetrics('whoop', day!, body)).toEqual({
      ...HealthMetricsSchema.parse({ provider: 'whoop', date: '2022-04-24' }),
      weight_kg: 90.7185,
      height_meters: 1.8288,
      bmi: 27.1,
      resting_heart_rate: 64,
      // The cycle's kilojoules: total energy of the day.
      calories: 1981,
    });
    expect(toHealthMetrics('whoop', day!, undefined)).toMatchObject({ weight_kg: null, bmi: null });
    expect(bmiOf({ height_meter: 0, weight_kilogram: 80 })).toBeNull();
  });

  it('maps the basic profile and body measurement to the athlete', () => {
    expect(toAthlete('whoop', profile, body)).toEqual({
      id: '10129',
      provider: 'whoop',
      username: null,
      firstname: 'John',
      lastname: 'Smith',
      profile_picture: null,
      sex: null,
      weight_kg: 90.7185,
      city: null,
      country: null,
    });
  });

  it('refuses JSON of another shape', () => {
    expect(collectionOf(WhoopWorkoutSchema).safeParse({ records: 'nope' }).success).toBe(false);
    expect(WhoopWorkoutSchema.safeParse({ ...workouts.records[0], start: 'yesterday' }).success).toBe(false);
  });
});

describe('WHOOP rate-limit headers', () => {
  const headers = (limit: string, remaining: string, reset: string) =>
    new Headers({ 'X-RateLimit-Limit': limit, 'X-RateLimit-Remaining': remaining, 'X-RateLimit-Reset': reset });
  const now = Date.UTC(2026, 10, 25, 12, 0, 30);

  it('reads the window closest to its limit', () => {
    expect(parseLimitHeader('100, 100;window=60, 10000;window=86400')).toEqual({
      current: { limit: 100, windowSecs: undefined },
      policies: [
        { limit: 100, windowSecs: 60 },
        { limit: 10000, windowSecs: 86400 },
      ],
    });
    expect(whoopRateLimitUsage(headers('100, 100;window=60, 10000;window=86400', '98', '3'), now)).toEqual({
      provider: 'whoop',
      scope: 'app',
      windows: [{ name: 'minute', limit: 100, remaining: 98, resets_at: now / 1000 + 3 }],
      observed_at: now / 1000,
    });
    const daily = whoopRateLimitUsage(headers('10000, 100;window=60, 10000;window=86400', '12', '40000'), now);
    expect(daily?.windows).toEqual([{ name: 'day', limit: 10000, remaining: 12, resets_at: now / 1000 + 40000 }]);
  });

  it('reports nothing without the headers', () => {
    expect(whoopRateLimitUsage(new Headers(), now)).toBeUndefined();
    expect(whoopRateLimitUsage(new Headers({ 'X-RateLimit-Limit': 'abc', 'X-RateLimit-Remaining': '1' }), now)).toBeUndefined();
  });

  it('waits X-RateLimit-Reset seconds after a 429', () => {
    expect(whoopRateLimitHint(headers('100, 100;window=60, 10000;window=86400', '0', '27'), now)).toEqual({ retryAfterSecs: 27, scope: 'app' });
    expect(whoopRateLimitHint(headers('100', '0', '0'), now)).toEqual({ retryAfterSecs: 1, scope: 'app' });
    expect(whoopRateLimitHint(new Headers(), now)).toBeUndefined();
  });
});

describe('WHOOP webhooks', () => {
  const secret = 'client-secret';
  const raw = JSON.stringify(fixture('webhook-workout-updated'));
  const now = 1_748_241_241_000;
  const signed = (timestamp: string, rawBody = raw) => ({
    'X-WHOOP-Signature': whoopSignature(secret, timestamp, rawBody),
    'X-WHOOP-Signature-Timestamp': timestamp,
  });

  it('accepts a good signature and parses the event', () => {
    expect(verifyWhoopWebhook({ headers: signed(String(now)), rawBody: raw, clientSecret: secret, nowMs: now + 2_000 })).toEqual({
      ok: true,
      event: {
        providerUserId: '10129',
        resource: 'workout',
        action: 'updated',
        objectId: 'ecfc6a15-4661-442f-a9a4-f160dd7afae8',
        traceId: 'd3709ee7-104e-4f70-a928-2932964b017b',
      },
    });
    // Plain-object headers (as API Gateway hands them over) work too.
    const lower = Object.fromEntries(Object.entries(signed(String(now))).map(([k, v]) => [k.toLowerCase(), v]));
    expect(verifyWhoopWebhook({ headers: lower, rawBody: Buffer.from(raw), clientSecret: secret, nowMs: now }).ok).toBe(true);
  });

  it('rejects a tampered body, a wrong secret and a missing signature', () => {
    const tampered = raw.replace('workout.updated', 'workout.deleted');
    expect(verifyWhoopWebhook({ headers: signed(String(now)), rawBody: tampered, clientSecret: secret, nowMs: now })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyWhoopWebhook({ headers: signed(String(now)), rawBody: raw, clientSecret: 'other', nowMs: now })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    // The timestamp is signed: moving it breaks the signature.
    const moved = { ...signed(String(now)), 'X-WHOOP-Signature-Timestamp': String(now + 1) };
    expect(verifyWhoopWebhook({ headers: moved, rawBody: raw, clientSecret: secret, nowMs: now })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyWhoopWebhook({ headers: {}, rawBody: raw, clientSecret: secret, nowMs: now })).toEqual({ ok: false, reason: 'missing_signature' });
  });

  it('rejects a stale (or future) timestamp even when correctly signed', () => {
    const old = String(now - 10 * 60_000);
    expect(verifyWhoopWebhook({ headers: signed(old), rawBody: raw, clientSecret: secret, nowMs: now })).toEqual({ ok: false, reason: 'stale_timestamp' });
    const future = String(now + 10 * 60_000);
    expect(verifyWhoopWebhook({ headers: signed(future), rawBody: raw, clientSecret: secret, nowMs: now })).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verifyWhoopWebhook({ headers: signed(old), rawBody: raw, clientSecret: secret, nowMs: now, toleranceSecs: 900 }).ok).toBe(true);
  });

  it('rejects a signed body that is not a WHOOP event', () => {
    const other = JSON.stringify({ hello: 'world' });
    expect(verifyWhoopWebhook({ headers: signed(String(now), other), rawBody: other, clientSecret: secret, nowMs: now })).toEqual({
      ok: false,
      reason: 'invalid_body',
    });
    expect(parseWhoopWebhook({ user_id: 1, id: 10235, type: 'recovery.deleted' })).toEqual({
      providerUserId: '1',
      resource: 'recovery',
      action: 'deleted',
      objectId: '10235',
      traceId: undefined,
    });
  });
});
