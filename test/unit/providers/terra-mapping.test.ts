/**
 * Terra: mapping of JSON samples shaped as Terra's API reference shows them (data models
 * 2022-03-16, examples of the v2 OpenAPI document), rate-limit headers, the 429 wait,
 * webhook signatures, reference ids and date-window paging (with a stub fetch).
 */
import { HealthMetricsSchema } from '../../../shared/models';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveProviderConfig } from '../../../shared/config';
import type { ProviderError } from '../../../shared/models';
import { ProviderHttp } from '../../../shared/providers/http';
import { ProviderDescriptorSchema } from '../../../shared/providers/spi';
import { TERRA_DESCRIPTOR, TerraProvider } from '../../../shared/providers/terra';
import { sportTypeOf } from '../../../shared/providers/terra/activity-types';
import { activityFromTerra, athleteFromTerra, healthFromTerra, sleepFromTerra } from '../../../shared/providers/terra/mapping';
import { terraRateLimitHint, terraRateLimitUsage } from '../../../shared/providers/terra/rate-limit';
import { checkReferenceId, parseReferenceId, referenceIdFor } from '../../../shared/providers/terra/reference';
import {
  ActivityResponseSchema,
  AthleteResponseSchema,
  BodyResponseSchema,
  DailyResponseSchema,
  SleepResponseSchema,
  UserInfoResponseSchema,
  WidgetSessionResponseSchema,
} from '../../../shared/providers/terra/schemas';
import { parseTerraSignature, parseTerraWebhook, terraWebhookSecret, verifyTerraWebhook } from '../../../shared/providers/terra/webhook';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/terra/${name}`, import.meta.url), 'utf8'));
const rawFixture = (name: string): string => readFileSync(new URL(`../../fixtures/terra/${name}`, import.meta.url), 'utf8').trim();

describe('Terra activity mapping', () => {
  const [run, yoga] = ActivityResponseSchema.parse(fixture('activity-response.json')).data;

  it('maps the documented activity, converting local times to UTC', () => {
    expect(activityFromTerra(run!, 'terra')).toEqual({
      id: '123e4567-e89b-12d3-a456-426614174000',
      provider: 'terra',
      name: 'Morning Run',
      sport_type: 'run',
      sport_type_detail: 'Running',
      workout_type: null,
      start_date: '2026-07-01T06:04:11.000Z',
      end_date: '2026-07-01T06:52:48.000Z',
      start_date_local: '2026-07-01T07:04:11',
      utc_offset_seconds: 3600,
      timezone: null,
      // Elapsed: end - start (07:04:11 -> 07:52:48); moving: active_durations_data.activity_seconds.
      duration_seconds: 2917,
      moving_time_seconds: 2795,
      distance_meters: 8250.4,
      elevation_gain_meters: 120.5,
      average_heart_rate: 148.2,
      max_heart_rate: 181,
      // Percentages of user_max_hr_bpm (190) become beats per minute.
      heart_rate_zones: [
        { zone: 0, name: 'Rest', min_heart_rate: 0, max_heart_rate: 95, duration_seconds: 60 },
        { zone: 1, name: 'Warm Up', min_heart_rate: 95, max_heart_rate: 114, duration_seconds: 300 },
        { zone: 2, name: 'Easy', min_heart_rate: 114, max_heart_rate: 133, duration_seconds: 720 },
        { zone: 3, name: 'Aerobic', min_heart_rate: 133, max_heart_rate: 152, duration_seconds: 1200 },
        { zone: 4, name: 'Threshold', min_heart_rate: 152, max_heart_rate: 171, duration_seconds: 580 },
        { zone: 5, name: 'Maximum', min_heart_rate: 171, max_heart_rate: 190, duration_seconds: 57 },
      ],
      average_speed: 2.83,
      max_speed: 4.1,
      calories: 512.5,
      active_calories: 431.2,
      average_power: 245,
      max_power: 410,
      normalized_power: 258,
      average_cadence: 84.5,
      max_cadence: 96,
      steps: 7902,
      suffer_score: null,
      strain: null,
      training_stress_score: 61.4,
      start_latitude: 37.7749,
      start_longitude: -122.4194,
      summary_polyline: '_p~iF~ps|U_ulLnnqC_mqNvxq`@',
      city: 'San Francisco',
      region: 'California',
      country: 'United States',
      device_name: 'Forerunner 265',
    });
  });

  it('gives nulls where Terra has nothing, reads offset-less times as UTC and prefers the moving time', () => {
    expect(activityFromTerra(yoga!, 'terra')).toMatchObject({
      id: 'a1b2c3d4e5',
      name: 'Yoga',
      sport_type: 'yoga',
      start_date: '2026-07-02T18:30:00.000Z',
      moving_time_seconds: 2520,
      // No offset in the timestamps: no local time either.
      start_date_local: null,
      utc_offset_seconds: null,
      distance_meters: null,
      elevation_gain_meters: null,
      average_heart_rate: null,
      calories: null,
      average_power: null,
      steps: null,
      start_latitude: null,
      start_longitude: null,
    });
  });

  it.each([
    [8, 'run'],
    [58, 'run'],
    [133, 'run'],
    [149, 'trail_run'],
    [1, 'ride'],
    [16, 'ride'],
    [18, 'virtual_ride'],
    [15, 'mountain_bike_ride'],
    [83, 'swim'],
    [7, 'walk'],
    [35, 'hike'],
    [54, 'rowing'],
    [80, 'strength_training'],
    [100, 'yoga'],
    [114, 'hiit'],
    [25, 'elliptical'],
    [67, 'cross_country_ski'],
    [68, 'alpine_ski'],
    [73, 'snowboard'],
    [150, 'gravel_ride'],
    [87, 'tennis'],
    [49, 'pilates'],
    [113, 'crossfit'],
    [108, 'other'],
    [999, 'other'],
  ])('maps Terra activity type %i to %s', (type, sport) => {
    expect(sportTypeOf(type)).toBe(sport);
  });

  it('refuses activities without the fields Terra marks as required, or with impossible times', () => {
    const base = structuredClone(fixture('activity-response.json')) as { data: { metadata: Record<string, unknown> }[] };
    const noId = structuredClone(base);
    delete noId.data[0]!.metadata['summary_id'];
    expect(ActivityResponseSchema.safeParse(noId).success).toBe(false);
    const badTime = structuredClone(base);
    badTime.data[0]!.metadata['start_time'] = '2026-13-45T99:00:00';
    expect(ActivityResponseSchema.safeParse(badTime).success).toBe(false);
    expect(ActivityResponseSchema.safeParse({ status: 'success', message: 'sent to webhook' }).success).toBe(false);
  });
});

describe('Terra sleep mapping', () => {
  const [night] = SleepResponseSchema.parse(fixture('sleep-response.json')).data;

  it('maps durations, efficiency (a percentage), score, heart rate and breathing', () => {
    const sleep = sleepFromTerra(night!, 'terra');
    expect(sleep).toMatchObject({
      provider: 'terra',
      start_date: '2026-06-30T22:12:00.000Z',
      end_date: '2026-07-01T06:02:00.000Z',
      time_in_bed_seconds: 28200,
      time_asleep_seconds: 25200,
      efficiency_percentage: 91.5,
      sleep_score: 85,
      is_nap: false,
      wake_count: 3,
      onset_latency_seconds: 900,
      spo2_percentage: 96.4,
      skin_temp_deviation_celsius: -0.21,
      stage_totals: { awake_seconds: 1500, light_seconds: 14700, deep_seconds: 5400, rem_seconds: 5100 },
      average_heart_rate: 54,
      hrv_rmssd_ms: 62.5,
      respiratory_rate: 14.2,
    });
    // No summary id: an id derived from the start.
    expect(sleep.id).toBe(`terra-sleep-${Date.parse('2026-06-30T22:12:00Z') / 1000}`);
  });

  it('turns hypnogram samples into stages that last until the next sample, merging repeats', () => {
    expect(sleepFromTerra(night!, 'terra').stages).toEqual([
      { stage: 'awake', start_date: '2026-06-30T22:12:00.000Z', duration_seconds: 900 },
      { stage: 'light', start_date: '2026-06-30T22:27:00.000Z', duration_seconds: 2580 },
      { stage: 'deep', start_date: '2026-06-30T23:10:00.000Z', duration_seconds: 5400 },
      { stage: 'rem', start_date: '2026-07-01T00:40:00.000Z', duration_seconds: 1500 },
      { stage: 'light', start_date: '2026-07-01T01:05:00.000Z', duration_seconds: 17100 },
      { stage: 'awake', start_date: '2026-07-01T05:50:00.000Z', duration_seconds: 720 },
    ]);
  });

  it('reads a 0-1 efficiency as a ratio', () => {
    const ratio = structuredClone(night!);
    ratio.sleep_durations_data!.sleep_efficiency = 0.915;
    expect(sleepFromTerra(ratio, 'terra').efficiency_percentage).toBe(91.5);
  });
});

const NO_HEALTH = HealthMetricsSchema.parse({ provider: 'terra', date: '2026-01-01' });

describe('Terra health metrics (daily + body)', () => {
  const daily = DailyResponseSchema.parse(fixture('daily-response.json')).data;
  const body = BodyResponseSchema.parse(fixture('body-response.json')).data;

  it('merges one record per local day: the latest daily copy and the latest measurement win', () => {
    expect(healthFromTerra(daily, body, 'terra')).toEqual([
      {
        ...NO_HEALTH,
        date: '2026-07-01',
        weight_kg: 72.4,
        height_meters: 1.79,
        body_fat_percentage: 17.9,
        bmi: 22.6,
        // Grams become kilograms.
        muscle_mass_kg: 33.4,
        bone_mass_kg: 3.05,
        body_water_percentage: 57.8,
        resting_heart_rate: 51,
        steps: 11894,
        calories: 2450.8,
        active_calories: 800.8,
        bmr_calories: 1650,
        vo2max: 48.5,
        // No day average from Terra: the mean of the day's samples.
        blood_pressure_systolic_mmhg: 120,
        blood_pressure_diastolic_mmhg: 78,
        blood_glucose_mg_dl: 94.5,
      },
      { ...NO_HEALTH, date: '2026-07-02', resting_heart_rate: 50 },
    ]);
  });
});

describe('Terra athlete and auth answers', () => {
  it('maps the athlete profile', () => {
    const { user, athlete } = AthleteResponseSchema.parse(fixture('athlete-response.json'));
    expect(athleteFromTerra(user!, athlete, 'terra')).toEqual({
      id: '40f7b0e1-89e2-43ac-a5b8-1e29c8d47cad',
      provider: 'terra',
      username: null,
      firstname: 'John',
      lastname: 'Smith',
      profile_picture: null,
      sex: 'male',
      weight_kg: null,
      city: 'San Francisco',
      country: 'United States',
    });
  });

  it('parses the widget session and user info answers', () => {
    expect(WidgetSessionResponseSchema.parse(fixture('widget-session-response.json'))).toMatchObject({
      url: 'https://widget.tryterra.co/session/344d475f-296a-489a-a88c-54183671dafd',
      session_id: '23dc2540-7139-44c6-8158-f81196e2cf2e',
    });
    // Only the URL is required of the answer (its other fields are unverified).
    expect(WidgetSessionResponseSchema.parse({ url: 'https://widget.tryterra.co/session/x' }).url).toBe('https://widget.tryterra.co/session/x');
    expect(WidgetSessionResponseSchema.safeParse({ session_id: 'x' }).success).toBe(false);
    expect(UserInfoResponseSchema.parse(fixture('user-info-response.json')).user.reference_id).toBe('your-user-123');
  });
});

describe('Terra rate limits', () => {
  const now = Date.parse('2026-07-01T10:00:00Z');

  it('reads the hourly requested-days bucket from X-Terra-RateLimit-* headers', () => {
    const headers = new Headers({ 'x-terra-ratelimit-limit': '6000', 'x-terra-ratelimit-remaining': '5971', 'x-terra-ratelimit-reset-after': '1740' });
    expect(terraRateLimitUsage(headers, now)).toEqual({
      provider: 'terra',
      scope: 'user',
      windows: [{ name: 'hourly_days', limit: 6000, remaining: 5971, resets_at: now / 1000 + 1740 }],
      observed_at: now / 1000,
    });
    expect(terraRateLimitUsage(new Headers(), now)).toBeUndefined();
  });

  it('waits Reset-After, else a whole bucket, per user', () => {
    expect(terraRateLimitHint(new Headers({ 'x-terra-ratelimit-reset-after': '1200' }), now)).toEqual({ retryAfterSecs: 1200, scope: 'user' });
    expect(terraRateLimitHint(new Headers({ 'x-terra-ratelimit-rule': 'r2' }), now)).toEqual({ retryAfterSecs: 3600, scope: 'user' });
  });

  it('maps a 429 to rate_limited with Retry-After first, else the hint', async () => {
    const answer = (headers: Record<string, string>) =>
      new ProviderHttp({
        provider: 'terra',
        deps: { fetch: async () => new Response(rawFixture('rate-limited-429.json'), { status: 429, headers }), now: () => now },
        rateLimitHint: terraRateLimitHint,
      })
        .request({ url: 'http://127.0.0.1:9/v2/activity', schema: ActivityResponseSchema })
        .catch((e: unknown) => e as ProviderError);
    const withRetryAfter = await answer({ 'retry-after': '1234', 'x-terra-ratelimit-rule': 'r2' });
    expect(withRetryAfter).toMatchObject({ kind: 'rate_limited', retryAfterSecs: 1234, rateLimitScope: 'user' });
    const withoutRetryAfter = await answer({ 'x-terra-ratelimit-rule': 'r2' });
    expect(withoutRetryAfter).toMatchObject({ kind: 'rate_limited', retryAfterSecs: 3600, rateLimitScope: 'user' });
  });
});

describe('Terra webhook signatures', () => {
  const secret = 'whsec-test';
  const body = rawFixture('webhook-activity.json');
  const t = 1_782_900_000;
  const sign = (timestamp: number, payload: string, key = secret) => createHmac('sha256', key).update(`${timestamp}.${payload}`).digest('hex');
  const header = `t=${t},v1=${sign(t, body)}`;
  const nowMs = (t + 30) * 1000;

  it('accepts a good signature and parses the event', () => {
    expect(verifyTerraWebhook({ header, rawBody: body, secret, nowMs })).toEqual({ valid: true, timestamp: t });
    expect(verifyTerraWebhook({ header, rawBody: Buffer.from(body), secret, nowMs }).valid).toBe(true);
    const parsed = parseTerraWebhook(body);
    expect(parsed.kind).toBe('event');
    if (parsed.kind === 'event' && parsed.event.type === 'activity') {
      expect(parsed.event.user.reference_id).toBe('your-user-123');
      expect(activityFromTerra(parsed.event.data[0]!, 'terra')).toMatchObject({ sport_type: 'run', distance_meters: 8250.4 });
    }
  });

  it('refuses a tampered body, another secret, a stale or future timestamp, and bad headers', () => {
    const tampered = body.replace('8250.4', '9250.4');
    expect(verifyTerraWebhook({ header, rawBody: tampered, secret, nowMs })).toEqual({ valid: false, reason: 'bad_signature' });
    expect(verifyTerraWebhook({ header: `t=${t},v1=${sign(t, body, 'other')}`, rawBody: body, secret, nowMs })).toMatchObject({ reason: 'bad_signature' });
    // The timestamp is signed: moving it breaks the signature even when fresh.
    expect(verifyTerraWebhook({ header: `t=${t + 10},v1=${sign(t, body)}`, rawBody: body, secret, nowMs })).toMatchObject({ reason: 'bad_signature' });
    expect(verifyTerraWebhook({ header, rawBody: body, secret, nowMs: (t + 301) * 1000 })).toEqual({ valid: false, reason: 'stale' });
    expect(verifyTerraWebhook({ header, rawBody: body, secret, nowMs: (t - 301) * 1000 })).toMatchObject({ reason: 'stale' });
    expect(verifyTerraWebhook({ header, rawBody: body, secret, nowMs: (t + 600) * 1000, toleranceSecs: 900 }).valid).toBe(true);
    expect(verifyTerraWebhook({ header: undefined, rawBody: body, secret, nowMs })).toMatchObject({ reason: 'missing_signature' });
    expect(verifyTerraWebhook({ header: 'v1=abc', rawBody: body, secret, nowMs })).toMatchObject({ reason: 'malformed_signature' });
    expect(verifyTerraWebhook({ header, rawBody: body, secret: undefined, nowMs })).toMatchObject({ reason: 'no_secret' });
  });

  it('accepts any of several v1 signatures (secret rotation)', () => {
    const rotated = `t=${t},v1=${sign(t, body, 'old')},v1=${sign(t, body)}`;
    expect(parseTerraSignature(rotated)?.signatures).toHaveLength(2);
    expect(verifyTerraWebhook({ header: rotated, rawBody: body, secret, nowMs }).valid).toBe(true);
  });

  it('parses auth events, ignores types we do not handle and flags broken payloads', () => {
    const auth = parseTerraWebhook(rawFixture('webhook-auth.json'));
    expect(auth).toMatchObject({ kind: 'event', event: { type: 'auth', user: { user_id: '40f7b0e1-89e2-43ac-a5b8-1e29c8d47cad' } } });
    expect(parseTerraWebhook('{"type":"healthcheck","status":"success"}')).toEqual({ kind: 'ignored', type: 'healthcheck' });
    expect(parseTerraWebhook('{"type":"activity","data":"nope"}')).toEqual({ kind: 'invalid', type: 'activity' });
    expect(parseTerraWebhook('not json')).toEqual({ kind: 'invalid', type: undefined });
  });

  it('reads the signing secret from PIERRE_TERRA_WEBHOOK_SECRET', () => {
    const config = resolveProviderConfig(ProviderDescriptorSchema.parse(TERRA_DESCRIPTOR), { PIERRE_TERRA_WEBHOOK_SECRET: 's3cret' });
    expect(terraWebhookSecret(config)).toBe('s3cret');
    expect(terraWebhookSecret({ settings: {} })).toBeUndefined();
  });
});

describe('Terra reference ids', () => {
  it('ties a reference id to one state, and maps it back to the tenant and user', () => {
    const ref = referenceIdFor('api-key', 'state-1', { tenantId: 'ten:ant', userId: 'user 1' });
    expect(checkReferenceId('api-key', 'state-1', ref)).toEqual({ tenantId: 'ten:ant', userId: 'user 1' });
    expect(parseReferenceId(ref)).toMatchObject({ tenantId: 'ten:ant', userId: 'user 1' });
    expect(checkReferenceId('api-key', 'state-2', ref)).toBeUndefined();
    expect(checkReferenceId('other-key', 'state-1', ref)).toBeUndefined();
    expect(checkReferenceId('api-key', 'state-1', ref.replace('ten%3Aant', 'evil'))).toBeUndefined();
    expect(checkReferenceId('api-key', 'state-1', 'null')).toBeUndefined();
    expect(checkReferenceId('api-key', 'state-1', undefined)).toBeUndefined();
  });
});

// ---- the client against a stub Terra -------------------------------------------------------------

const DAY = 86_400_000;
const NOW = Date.parse('2026-07-01T10:00:00Z');

/** A stub Terra: one run a day at noon UTC for `days` days before NOW; records every request. */
function stubTerra(days: number, handler?: (url: URL) => Response | undefined) {
  const requests: URL[] = [];
  const activity = (i: number) => {
    const start = Date.parse('2026-07-01T12:00:00Z') - i * DAY;
    return {
      metadata: {
        summary_id: `run-${i}`,
        name: `Run ${i}`,
        type: 8,
        start_time: new Date(start).toISOString(),
        end_time: new Date(start + 1800_000).toISOString(),
        upload_type: 1,
      },
      distance_data: { summary: { distance_meters: 5000 } },
    };
  };
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    requests.push(url);
    const headers = new Headers(init?.headers);
    if (headers.get('dev-id') !== 'dev' || headers.get('x-api-key') !== 'key') {
      return Response.json(
        { type: 'about:blank', title: 'unauthorized', instance: url.pathname, detail: 'dev-id or x-api-key headers are missing' },
        { status: 401 },
      );
    }
    const special = handler?.(url);
    if (special) return special;
    const start = Number(url.searchParams.get('start_date')) * 1000;
    const end = Number(url.searchParams.get('end_date')) * 1000;
    const data = Array.from({ length: days }, (_, i) => activity(i + 1))
      .filter((a) => {
        const t = Date.parse(a.metadata.start_time);
        return t >= start && t <= end;
      })
      .reverse();
    return Response.json({ status: 'success', type: 'activity', user: { user_id: 'tu-1', provider: 'GARMIN' }, data });
  };
  const config = resolveProviderConfig(ProviderDescriptorSchema.parse(TERRA_DESCRIPTOR), {
    PIERRE_TERRA_CLIENT_ID: 'dev',
    PIERRE_TERRA_CLIENT_SECRET: 'key',
    PIERRE_TERRA_API_BASE_URL: 'http://127.0.0.1:9/v2',
  });
  const client = new TerraProvider(config, { fetch: fetch as typeof globalThis.fetch, now: () => NOW });
  const session = { tenantId: 't', userId: 'u', accessToken: 'tu-1', providerUserId: 'tu-1' };
  return { client, session, requests };
}

describe('Terra date-window paging', () => {
  it('asks only the newest window when it holds enough, with API key headers and to_webhook=false', async () => {
    const { client, session, requests } = stubTerra(100);
    const page = await client.getActivities(session, { limit: 5, offset: 0 });
    expect(page.map((a) => a.id)).toEqual(['run-1', 'run-2', 'run-3', 'run-4', 'run-5']);
    expect(requests).toHaveLength(1);
    const q = requests[0]!.searchParams;
    expect(requests[0]!.pathname).toBe('/v2/activity');
    expect(q.get('user_id')).toBe('tu-1');
    expect(q.get('to_webhook')).toBe('false');
    expect(Number(q.get('end_date')) - Number(q.get('start_date'))).toBeLessThanOrEqual(29 * 86_400);
  });

  it('walks back window by window until offset + limit are found, newest first', async () => {
    const { client, session, requests } = stubTerra(100);
    const page = await client.getActivities(session, { limit: 10, offset: 30 });
    expect(page.map((a) => a.id)).toEqual(Array.from({ length: 10 }, (_, i) => `run-${31 + i}`));
    expect(requests).toHaveLength(2);
    const all = await client.getActivities(session, { limit: 200, offset: 0 });
    expect(all).toHaveLength(100);
    expect(new Set(all.map((a) => a.id)).size).toBe(100);
  });

  it('keeps before and after exclusive', async () => {
    const { client, session } = stubTerra(100);
    const before = new Date(Date.parse('2026-07-01T12:00:00Z') - 10 * DAY); // run-10's start
    const after = new Date(Date.parse('2026-07-01T12:00:00Z') - 15 * DAY); // run-15's start
    const page = await client.getActivities(session, { limit: 30, offset: 0, before, after });
    expect(page.map((a) => a.id)).toEqual(['run-11', 'run-12', 'run-13', 'run-14']);
  });

  it('stops at the horizon (a year back from before / now) when data runs out', async () => {
    const { client, session, requests } = stubTerra(0);
    expect(await client.getActivities(session, { limit: 5, offset: 0 })).toEqual([]);
    expect(requests).toHaveLength(Math.ceil(365 / 28));
    const oldest = Math.min(...requests.map((u) => Number(u.searchParams.get('start_date'))));
    expect(oldest).toBe((NOW - 365 * DAY) / 1000);
  });

  it('finds an activity by id by searching windows newest first, else not_found', async () => {
    const { client, session, requests } = stubTerra(100);
    expect((await client.getActivity(session, 'run-40')).name).toBe('Run 40');
    expect(requests).toHaveLength(2);
    await expect(client.getActivity(session, 'nope')).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('maps a rejected API key to a non-retryable provider error, and an unknown user to auth_failed', async () => {
    const wrongKey = stubTerra(5);
    const bad = new TerraProvider(
      { ...wrongKey.client.config, clientSecret: 'wrong' },
      { fetch: (async () => Response.json({ title: 'unauthorized' }, { status: 401 })) as typeof fetch, now: () => NOW },
    );
    const error = await bad.getActivities(wrongKey.session, { limit: 1, offset: 0 }).catch((e: unknown) => e as ProviderError);
    expect(error).toMatchObject({ kind: 'api_error', status: 401 });
    expect((error as ProviderError).isRetryable()).toBe(false);
    expect((error as ProviderError).message).not.toContain('wrong');
    const gone = stubTerra(5, () => Response.json({ title: 'not found', detail: 'user not found' }, { status: 404 }));
    await expect(gone.client.getActivities(gone.session, { limit: 1, offset: 0 })).rejects.toMatchObject({ kind: 'auth_failed' });
  });

  it('has no refresh: refreshToken fails as token_refresh_failed', async () => {
    const { client } = stubTerra(0);
    await expect(client.refreshToken()).rejects.toMatchObject({ kind: 'token_refresh_failed' });
  });

  it('refuses a widget redirect without a Terra user (mobile-only sources send user_id=null)', async () => {
    const { client } = stubTerra(0);
    await expect(client.exchangeCode({ query: { state: 's', user_id: 'null', reference_id: 'x' }, redirectUri: 'http://127.0.0.1/cb' })).rejects.toMatchObject({
      kind: 'auth_failed',
    });
  });
});
