/** Garmin: native JSON samples (shaped as the API reference shows them) -> unified models; rate limits; notifications. */
import { HealthMetricsSchema, RecoveryMetricsSchema } from '../../../shared/models';
import { readFileSync } from 'node:fs';
import * as z from '../../../shared/zod';
import { describe, expect, it } from 'vitest';
import type { ProviderError } from '../../../shared/models';
import { ProviderHttp } from '../../../shared/providers/http';
import {
  bodyCompDate,
  localDate,
  sleepDate,
  sportTypeOf,
  toActivity,
  toHealthMetrics,
  toRecoveryMetrics,
  toSleepSession,
} from '../../../shared/providers/garmin/mapping';
import { GARMIN_DESCRIPTOR } from '../../../shared/providers/garmin/descriptor';
import { nextWindowHint, xRateLimitUsage } from '../../../shared/providers/rate-limit';

// As GarminProvider reads them: from its descriptor's rateLimitHeaders.
const garminRateLimitHint = nextWindowHint(GARMIN_DESCRIPTOR.rateLimitHeaders);
const garminRateLimitUsage = xRateLimitUsage('garmin', GARMIN_DESCRIPTOR.rateLimitHeaders);
import {
  ActivitySummarySchema,
  BodyCompSummarySchema,
  DailySummarySchema,
  GarminTokenSchema,
  HrvSummarySchema,
  PermissionsSchema,
  SleepSummarySchema,
  UserIdSchema,
} from '../../../shared/providers/garmin/schemas';
import { garminSettings } from '../../../shared/providers/garmin/settings';
import { isTrustedCallbackUrl, parseGarminWebhook } from '../../../shared/providers/garmin/webhook';
import { planActivities, planRange, walkComplete, windowsBackwards } from '../../../shared/providers/garmin/windows';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/garmin/${name}`, import.meta.url), 'utf8'));
const activities = z.array(ActivitySummarySchema).parse(fixture('activities.json'));
const sleeps = z.array(SleepSummarySchema).parse(fixture('sleeps.json'));
const dailies = z.array(DailySummarySchema).parse(fixture('dailies.json'));
const hrvs = z.array(HrvSummarySchema).parse(fixture('hrv.json'));
const bodyComps = z.array(BodyCompSummarySchema).parse(fixture('body-comps.json'));
const API = 'https://apis.garmin.com/wellness-api/rest';

describe('Garmin schemas', () => {
  it('read the token, user id and permission answers', () => {
    const token = GarminTokenSchema.parse(fixture('token.json'));
    expect(token).toMatchObject({ expires_in: 86399, refresh_token_expires_in: 7775999, token_type: 'bearer' });
    expect(UserIdSchema.parse(fixture('user-id.json')).userId).toBe('d3315b1072421d0dd7c8f6b8e1de4df8');
    expect(PermissionsSchema.parse(fixture('permissions.json'))).toContain('HEALTH_EXPORT');
    expect(PermissionsSchema.parse({ permissions: ['ACTIVITY_EXPORT'] })).toEqual(['ACTIVITY_EXPORT']);
  });

  it('refuse summaries without their key fields', () => {
    expect(ActivitySummarySchema.safeParse({ summaryId: '1', activityType: 'RUNNING', durationInSeconds: 10 }).success).toBe(false);
    expect(SleepSummarySchema.safeParse({ summaryId: 'x', startTimeInSeconds: 'yesterday', durationInSeconds: 1 }).success).toBe(false);
  });
});

describe('Garmin activity mapping', () => {
  it('maps a run with every metric, in SI units', () => {
    expect(toActivity(activities[0]!)).toEqual({
      id: '9874512301',
      provider: 'garmin',
      name: 'Lyon Running',
      sport_type: 'run',
      sport_type_detail: 'RUNNING',
      workout_type: null,
      start_date: '2024-11-25T08:00:00Z',
      // durationInSeconds is elapsed time; Garmin summaries carry no moving time.
      end_date: '2024-11-25T09:00:12Z',
      start_date_local: '2024-11-25T09:00:00',
      utc_offset_seconds: 3600,
      timezone: null,
      duration_seconds: 3612,
      moving_time_seconds: null,
      distance_meters: 10232.7,
      elevation_gain_meters: 52,
      average_heart_rate: 151,
      max_heart_rate: 176,
      heart_rate_zones: null,
      average_speed: 2.833,
      max_speed: 3.958,
      // activeKilocalories leaves BMR out: active energy, total unknown.
      calories: null,
      active_calories: 640,
      average_power: null,
      max_power: null,
      normalized_power: null,
      average_cadence: 168,
      max_cadence: 186,
      steps: 10114,
      suffer_score: null,
      strain: null,
      training_stress_score: null,
      start_latitude: 45.7597,
      start_longitude: 4.8422,
      summary_polyline: null,
      city: null,
      region: null,
      country: null,
      device_name: 'forerunner965',
    });
  });

  it('takes bike cadence and power from a ride', () => {
    expect(toActivity(activities[1]!)).toMatchObject({ sport_type: 'ride', average_cadence: 86, average_power: 214, steps: null });
  });

  it('leaves what Garmin did not report null and names unnamed activities after their type', () => {
    expect(toActivity(activities[2]!)).toMatchObject({
      name: 'Strength Training',
      sport_type: 'strength_training',
      distance_meters: null,
      elevation_gain_meters: null,
      average_speed: null,
      average_cadence: null,
      start_latitude: null,
      start_longitude: null,
    });
  });

  it.each([
    ['TREADMILL_RUNNING', 'run'],
    ['VIRTUAL_RUN', 'virtual_run'],
    ['GRAVEL_CYCLING', 'gravel_ride'],
    ['BACKCOUNTRY_SKIING', 'backcountry_ski'],
    ['RESORT_SNOWBOARDING', 'snowboard'],
    ['PILATES', 'pilates'],
    ['SOMETHING_NEW', 'other'],
    ['trail_running', 'trail_run'],
    ['INDOOR_CYCLING', 'virtual_ride'],
    ['MOUNTAIN_BIKING', 'mountain_bike_ride'],
    ['OPEN_WATER_SWIMMING', 'swim'],
    ['INDOOR_ROWING', 'rowing'],
    ['RESORT_SKIING_SNOWBOARDING', 'alpine_ski'],
    ['PICKLEBALL', 'pickleball'],
  ])('maps activity type %s to %s', (type, sport) => {
    expect(sportTypeOf(type)).toBe(sport);
  });
});

const NO_RECOVERY = RecoveryMetricsSchema.parse({ provider: 'garmin', date: '2024-01-01' });
const NO_HEALTH = HealthMetricsSchema.parse({ provider: 'garmin', date: '2024-01-01' });

describe('Garmin sleep, recovery and health mapping', () => {
  it('maps a night with its stages in time order, totals, score and breathing rate', () => {
    const night = toSleepSession(sleeps[0]!);
    expect(night).toMatchObject({
      id: 'x3315b1-67439ad8',
      start_date: '2024-11-24T21:30:00Z',
      end_date: '2024-11-25T05:08:00Z',
      time_in_bed_seconds: 27480,
      // light + deep + REM.
      time_asleep_seconds: 26040,
      efficiency_percentage: 94.8,
      sleep_score: 82,
      stage_totals: { awake_seconds: 1440, light_seconds: 14880, deep_seconds: 5400, rem_seconds: 5760 },
      respiratory_rate: 13.9,
      spo2_percentage: 96,
      is_nap: null,
      wake_count: null,
      average_heart_rate: null,
      hrv_rmssd_ms: null,
    });
    expect(night.stages.map((s) => s.stage)).toEqual(['light', 'deep', 'light', 'deep', 'light', 'rem', 'awake']);
    expect(night.stages[0]).toEqual({ stage: 'light', start_date: '2024-11-24T21:30:00Z', duration_seconds: 1200 });
    expect(night.stages.reduce((sum, s) => sum + s.duration_seconds, 0)).toBe(27480);
    expect(sleepDate(sleeps[0]!)).toBe('2024-11-25');
  });

  it('keeps unknowns null for a sparse night and dates it by its local wake-up day', () => {
    const night = toSleepSession(sleeps[1]!);
    // No awake total, but the stages asleep cover the whole night.
    expect(night).toMatchObject({
      efficiency_percentage: 100,
      sleep_score: null,
      time_asleep_seconds: 25200,
      stages: [],
      respiratory_rate: null,
      spo2_percentage: null,
    });
    expect(night.stage_totals.awake_seconds).toBeNull();
    expect(sleepDate(sleeps[1]!)).toBe('2024-11-26');
  });

  it('joins dailies and HRV by calendar day, oldest first', () => {
    expect(toRecoveryMetrics(dailies, hrvs)).toEqual([
      { ...NO_RECOVERY, date: '2024-11-25', resting_heart_rate: 51, hrv_rmssd_ms: 58, stress_level: 31 },
      { ...NO_RECOVERY, date: '2024-11-26' },
    ]);
  });

  it("converts grams to kilograms, adds active and BMR calories and keeps the day's last weigh-in", () => {
    expect(bodyCompDate(bodyComps[0]!)).toBe('2024-11-25');
    expect(toHealthMetrics(dailies, bodyComps)).toEqual([
      // The day's last weigh-in (72.3 kg) carries no muscle, bone or water: the earlier one did.
      {
        ...NO_HEALTH,
        date: '2024-11-25',
        weight_kg: 72.3,
        body_fat_percentage: 17.2,
        bmi: 22.7,
        resting_heart_rate: 51,
        steps: 14250,
        calories: 2401,
        active_calories: 712,
        bmr_calories: 1689,
      },
      { ...NO_HEALTH, date: '2024-11-26', weight_kg: 71.98, steps: 6120, calories: 1690, bmr_calories: 1690 },
    ]);
    expect(toHealthMetrics([], bodyComps.slice(0, 1))).toEqual([
      {
        ...NO_HEALTH,
        date: '2024-11-25',
        weight_kg: 72.45,
        body_fat_percentage: 17.4,
        bmi: 22.8,
        muscle_mass_kg: 33.12,
        bone_mass_kg: 3.01,
        body_water_percentage: 58.9,
      },
    ]);
  });

  it('computes local calendar days from the offset', () => {
    expect(localDate(1732489200, 3600)).toBe('2024-11-25');
    expect(localDate(1732489200, -18000)).toBe('2024-11-24');
  });
});

describe('Garmin upload windows', () => {
  const settings = garminSettings({});
  const now = Date.UTC(2024, 10, 27, 12, 0, 0);
  const nowSecs = now / 1000;

  it('cover a span backwards in contiguous windows of at most 24 hours', () => {
    const windows = [...windowsBackwards(1000 + 86_400 * 2 + 5, 1000)];
    expect(windows).toEqual([
      { start: 1000 + 86_400 + 5, end: 1000 + 86_400 * 2 + 5 },
      { start: 1005, end: 1000 + 86_400 + 5 },
      { start: 1000, end: 1005 },
    ]);
  });

  it('start at now, stop at the horizon (90 days by default)', () => {
    const plan = planActivities({ limit: 5, offset: 2 }, now, settings);
    expect(plan).toMatchObject({ upper: nowSecs, lower: nowSecs - 90 * 86_400, needed: 7 });
    expect(garminSettings({ PULL_HORIZON_DAYS: '14' }).horizonDays).toBe(14);
    expect(garminSettings({}).horizonDays).toBe(90);
    expect(() => garminSettings({ PULL_HORIZON_DAYS: 'lots' })).toThrow("PIERRE_GARMIN_PULL_HORIZON_DAYS must be a whole number from 1 to 366, got 'lots'");
  });

  it('start the upload grace after `before` and stop at `after`', () => {
    const before = new Date(now - 10 * 86_400_000);
    const after = new Date(now - 20 * 86_400_000);
    const plan = planActivities({ limit: 5, offset: 0, before, after }, now, settings);
    expect(plan.upper).toBe(before.getTime() / 1000 + 24 * 3600);
    expect(plan.lower).toBe(after.getTime() / 1000);
  });

  it('know the walk is complete only when enough activities started inside the windows seen', () => {
    const activity = (iso: string) => ({ ...toActivity(activities[0]!), start_date: iso });
    const start = Date.parse('2024-11-25T00:00:00Z') / 1000;
    const matched = [activity('2024-11-25T08:00:00Z'), activity('2024-11-24T23:00:00Z')];
    expect(walkComplete(matched, start, 1)).toBe(true);
    // The second started before the window: an older window may hold one that started later.
    expect(walkComplete(matched, start, 2)).toBe(false);
  });

  it('cover a date range from the first local midnight to the last plus the grace', () => {
    const plan = planRange({ start: new Date('2024-11-20T10:00:00Z'), end: new Date('2024-11-22T10:00:00Z') }, now, settings);
    expect(plan).toEqual({
      firstDate: '2024-11-20',
      lastDate: '2024-11-22',
      lower: Date.UTC(2024, 10, 20) / 1000 - 14 * 3600,
      upper: Date.UTC(2024, 10, 23) / 1000 + 12 * 3600 + 24 * 3600,
    });
  });
});

describe('Garmin rate limits', () => {
  const at = Date.UTC(2024, 10, 25, 8, 0, 42, 300);

  it('waits for the next minute when a 429 has no Retry-After', () => {
    // 17.7 s to the minute boundary, rounded up: a retry never comes before the window turns.
    expect(garminRateLimitHint(new Headers(), at)).toEqual({ retryAfterSecs: 18, scope: 'app' });
    expect(garminRateLimitHint(new Headers(), Date.UTC(2024, 10, 25, 8, 0, 59, 900))).toEqual({ retryAfterSecs: 1, scope: 'app' });
  });

  it('maps a 429 to rate_limited using Retry-After first, the minute window otherwise', async () => {
    const answer = (headers: Record<string, string>) =>
      new ProviderHttp({
        provider: 'garmin',
        deps: { fetch: async () => new Response('{"errorMessage":"Rate limit exceeded"}', { status: 429, headers }), now: () => at },
        rateLimitHint: garminRateLimitHint,
      })
        .request({ url: `${API}/activities`, schema: z.unknown() })
        .catch((e: unknown) => e as ProviderError);
    const withHeader = await answer({ 'retry-after': '42' });
    expect(withHeader).toMatchObject({ kind: 'rate_limited', retryAfterSecs: 42, rateLimitScope: 'app' });
    expect(await answer({})).toMatchObject({ kind: 'rate_limited', retryAfterSecs: 18 });
  });

  it('reads conventional usage headers when present and reports nothing otherwise', () => {
    const headers = new Headers({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '37', 'x-ratelimit-reset': '18' });
    expect(garminRateLimitUsage(headers, at)).toEqual({
      provider: 'garmin',
      scope: 'app',
      windows: [{ name: 'minute', limit: 100, remaining: 37, resets_at: Math.floor(at / 1000) + 18 }],
      observed_at: Math.floor(at / 1000),
    });
    expect(garminRateLimitUsage(new Headers({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '37' }), at)?.windows[0]?.resets_at).toBe(
      Date.UTC(2024, 10, 25, 8, 1, 0) / 1000,
    );
    expect(garminRateLimitUsage(new Headers(), at)).toBeUndefined();
    expect(garminRateLimitUsage(new Headers({ 'x-ratelimit-limit': 'lots', 'x-ratelimit-remaining': '1' }), at)).toBeUndefined();
  });
});

describe('Garmin notifications (no signature: shapes and callback URLs are what is checked)', () => {
  const options = { apiBaseUrl: API };

  it('extracts the user and callback URL of a ping', () => {
    const result = parseGarminWebhook(JSON.stringify(fixture('ping-activities.json')), options);
    expect(result).toMatchObject({ ok: true, userIds: ['d3315b1072421d0dd7c8f6b8e1de4df8'], deregistration: false });
    if (!result.ok) throw new Error(result.reason);
    expect(result.events[0]).toMatchObject({ kind: 'ping', summaryType: 'activities' });
  });

  it('refuses a ping whose callback URL was tampered with to point elsewhere', () => {
    const ping = fixture('ping-activities.json') as { activities: { callbackURL: string }[] };
    for (const forged of [
      'https://attacker.example/wellness-api/rest/activities?token=x',
      'https://apis.garmin.com.attacker.example/wellness-api/rest/activities',
      'https://user:pw@apis.garmin.com/wellness-api/rest/activities',
      'http://apis.garmin.com/wellness-api/rest/activities',
      'https://apis.garmin.com/other-api/activities',
    ]) {
      ping.activities[0]!.callbackURL = forged;
      expect(parseGarminWebhook(ping, options)).toMatchObject({ ok: false });
    }
    expect(isTrustedCallbackUrl(`${API}/sleeps?uploadStartTimeInSeconds=1`, API)).toBe(true);
  });

  it('lists every user of a push and keeps the summaries', () => {
    const result = parseGarminWebhook(fixture('push-dailies.json'), options);
    if (!result.ok) throw new Error(result.reason);
    expect(result.userIds).toEqual(['d3315b1072421d0dd7c8f6b8e1de4df8', '5c0f3a2b9e8d47f1a6b2c3d4e5f60718']);
    expect(result.events.map((e) => e.kind)).toEqual(['push', 'push']);
    expect(DailySummarySchema.parse((result.events[0] as { summary: unknown }).summary).steps).toBe(14250);
  });

  it('flags deregistrations and reads permission changes', () => {
    expect(parseGarminWebhook(fixture('deregistrations.json'), options)).toMatchObject({
      ok: true,
      deregistration: true,
      deregisteredUserIds: ['d3315b1072421d0dd7c8f6b8e1de4df8'],
    });
    expect(parseGarminWebhook(fixture('user-permissions-change.json'), options)).toMatchObject({
      ok: true,
      deregistration: false,
      events: [{ kind: 'permissions_change', permissions: ['ACTIVITY_EXPORT', 'WORKOUT_IMPORT'] }],
    });
  });

  it('leaves out a malformed entry or a foreign callback URL and keeps the others', () => {
    const good = fixture('ping-activities.json') as { activities: Record<string, unknown>[] };
    const body = {
      activities: [{ callbackURL: `${API}/activities` }, { userId: 'forged', callbackURL: 'https://attacker.example/x' }, ...good.activities],
      deregistrations: [{}],
    };
    const result = parseGarminWebhook(body, options);
    if (!result.ok) throw new Error(result.reason);
    expect(result.skipped).toBe(3);
    expect(result.userIds).toEqual(['d3315b1072421d0dd7c8f6b8e1de4df8']);
    expect(result.events).toMatchObject([{ kind: 'ping', userId: 'd3315b1072421d0dd7c8f6b8e1de4df8' }]);
  });

  it.each([
    ['not JSON', '{"activities": ['],
    ['an array', '[]'],
    ['entries without userId', { activities: [{ callbackURL: `${API}/activities` }] }],
    ['unknown types only', { gossip: [{ userId: 'u' }] }],
    ['permissions without a list', { userPermissionsChange: [{ userId: 'u' }] }],
  ])('refuses %s', (_label, body) => {
    expect(parseGarminWebhook(body, options).ok).toBe(false);
  });
});
