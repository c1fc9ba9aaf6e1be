/** Fitbit: native JSON (shaped as the public API reference shows it) -> unified models, rate-limit headers, webhooks. */
import { readFileSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ActivitySchema, AthleteSchema, HealthMetricsSchema, RecoveryMetricsSchema, SleepSessionSchema } from '../../../shared/models';
import { distanceInMeters, sportOf, toActivity, toAthlete, toHealthMetrics, toRecoveryMetrics, toSleepSession } from '../../../shared/providers/fitbit/mapping';
import { fitbitRateLimitHint, fitbitRateLimitUsage, secondsToTopOfHour } from '../../../shared/providers/fitbit/rate-limit';
import {
  FitbitActivityListSchema,
  FitbitCaloriesResponseSchema,
  FitbitHeartResponseSchema,
  FitbitHrvResponseSchema,
  FitbitProfileSchema,
  FitbitSleepResponseSchema,
  FitbitSpo2ResponseSchema,
  FitbitStepsResponseSchema,
  FitbitWeightResponseSchema,
} from '../../../shared/providers/fitbit/schemas';
import { dateChunks } from '../../../shared/providers/fitbit/time';
import {
  fitbitSignature,
  parseFitbitNotifications,
  subscriberVerificationStatus,
  toWebhookEvents,
  verifyAndParse,
  verifyFitbitSignature,
} from '../../../shared/providers/fitbit/webhook';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/fitbit/${name}.json`, import.meta.url), 'utf8'));
const rawFixture = (name: string): string => readFileSync(new URL(`../../fixtures/fitbit/${name}.json`, import.meta.url), 'utf8');

describe('Fitbit activity logs', () => {
  const list = FitbitActivityListSchema.parse(fixture('activities-list'));

  it('maps a GPS run: ms -> s, km -> m, offset start time -> UTC, speed from distance and active time', () => {
    const run = toActivity(list.activities[0]!);
    expect(ActivitySchema.parse(run)).toEqual(run);
    expect(run).toEqual({
      ...ActivitySchema.parse({ id: 'x', provider: 'fitbit', name: '', sport_type: 'run', start_date: '2019-01-05T07:01:10Z', end_date: '2019-01-05T07:01:10Z', duration_seconds: 0 }),
      id: '19043584213',
      provider: 'fitbit',
      name: 'Run',
      sport_type: 'run',
      sport_type_detail: 'Run',
      start_date: '2019-01-05T07:01:10Z',
      // `duration` is elapsed, `activeDuration` moving time.
      end_date: '2019-01-05T07:30:56Z',
      duration_seconds: 1786,
      moving_time_seconds: 1734,
      distance_meters: 5012,
      elevation_gain_meters: 24.384,
      average_heart_rate: 152,
      max_heart_rate: null,
      average_speed: 2.89,
      max_speed: null,
      calories: 412,
      average_power: null,
      average_cadence: null,
      steps: 4867,
      start_latitude: null,
      start_longitude: null,
    });
  });

  it('maps an auto-detected walk without distance to nulls', () => {
    const walk = toActivity(list.activities[1]!);
    expect(walk).toMatchObject({
      id: '19018673358',
      sport_type: 'walk',
      start_date: '2019-01-03T20:08:23Z',
      duration_seconds: 1536,
      distance_meters: null,
      average_speed: null,
      steps: 1799,
      average_heart_rate: 79,
    });
  });

  it('reads the pagination next link', () => {
    expect(list.pagination?.next).toContain('offset=2');
  });

  it('converts miles when a response comes in US units', () => {
    const us = { ...list.activities[0]!, distance: 3.1143, distanceUnit: 'Mile' };
    expect(toActivity(us).distance_meters).toBeCloseTo(5012, 0);
    expect(distanceInMeters(1, 'Kilometer')).toBe(1000);
    expect(distanceInMeters(1, undefined)).toBe(1000);
    expect(distanceInMeters(1, 'Mile')).toBeCloseTo(1609.344, 3);
  });

  it('maps activity types by id, then by name', () => {
    expect(sportOf(90009, 'Run')).toBe('run');
    expect(sportOf(90001, 'Bike')).toBe('ride');
    expect(sportOf(undefined, 'Mountain Biking')).toBe('mountain_bike_ride');
    expect(sportOf(55001, 'Spinning')).toBe('virtual_ride');
    expect(sportOf(2131, 'Weights')).toBe('strength_training');
    expect(sportOf(52001, 'Yoga')).toBe('yoga');
    expect(sportOf(undefined, 'Treadmill')).toBe('run');
    expect(sportOf(12345, 'Tennis')).toBe('other');
  });

  it('refuses a log whose start time has no offset', () => {
    const bad = { ...(fixture('activities-list') as { activities: object[] }).activities[0], startTime: '2019-01-05T08:01:10.000' };
    expect(FitbitActivityListSchema.safeParse({ activities: [bad] }).success).toBe(false);
  });
});

describe('Fitbit profile', () => {
  it('maps the user profile', () => {
    const athlete = toAthlete(FitbitProfileSchema.parse(fixture('profile')));
    expect(AthleteSchema.parse(athlete)).toEqual({
      id: 'GGNJL9',
      provider: 'fitbit',
      username: 'Jane D.',
      firstname: 'Jane',
      lastname: 'Doe',
      profile_picture: 'https://static0.fitbit.com/images/profile/defaultProfile_150.png',
      sex: 'female',
      weight_kg: 61.2,
      city: null,
      country: 'US',
    });
  });
});

describe('Fitbit sleep (v1.2)', () => {
  const logs = FitbitSleepResponseSchema.parse(fixture('sleep')).sleep;
  const offset = FitbitProfileSchema.parse(fixture('profile')).user.offsetFromUTCMillis!;

  it('maps a stages log with local times moved to UTC by the profile offset', () => {
    const night = toSleepSession(logs[0]!, offset);
    expect(SleepSessionSchema.parse(night)).toEqual(night);
    expect(night).toMatchObject({
      id: '26013218219',
      start_date: '2020-02-21T07:21:30Z',
      end_date: '2020-02-21T15:03:30Z',
      time_in_bed_seconds: 27720,
      efficiency_percentage: 96,
      sleep_score: null,
      stage_totals: { awake_seconds: 78 * 60, light_seconds: 205 * 60, deep_seconds: 104 * 60, rem_seconds: 75 * 60 },
      hrv_rmssd_ms: null,
    });
    expect(night.stages).toHaveLength(7);
    expect(night.stages[0]).toEqual({ stage: 'awake', start_date: '2020-02-21T07:21:30Z', duration_seconds: 630 });
    expect(night.stages[4]).toEqual({ stage: 'rem', start_date: '2020-02-21T11:39:00Z', duration_seconds: 5880 });
  });

  it('maps a classic log without stages', () => {
    const nap = toSleepSession(logs[1]!, 0);
    expect(nap).toMatchObject({
      start_date: '2020-02-20T14:12:00Z',
      time_in_bed_seconds: 3600,
      stages: [],
      stage_totals: { awake_seconds: 600, light_seconds: null, deep_seconds: null, rem_seconds: null },
    });
  });
});

describe('Fitbit recovery and health', () => {
  const hrv = FitbitHrvResponseSchema.parse(fixture('hrv')).hrv;
  const spo2 = FitbitSpo2ResponseSchema.parse(fixture('spo2'));
  const heart = FitbitHeartResponseSchema.parse(fixture('heart'))['activities-heart'];

  it('merges HRV, SpO2 and resting heart rate per day, nulls where absent', () => {
    const days = toRecoveryMetrics({ hrv, spo2, heart }, '2021-10-25', '2021-10-27');
    for (const d of days) expect(RecoveryMetricsSchema.parse(d)).toEqual(d);
    expect(days.map((d) => d.date)).toEqual(['2021-10-25', '2021-10-26', '2021-10-27']);
    expect(days[0]).toEqual({
      ...RecoveryMetricsSchema.parse({ provider: 'fitbit', date: '2021-10-25' }),
      resting_heart_rate: 58,
      hrv_rmssd_ms: 62.9,
      spo2_percentage: 97.5,
    });
    expect(days[1]).toMatchObject({ resting_heart_rate: null, hrv_rmssd_ms: 61.9, spo2_percentage: null });
    expect(days[2]!.spo2_percentage).toBeCloseTo(96.7, 1);
    expect(toRecoveryMetrics({ hrv, spo2, heart }, '2021-10-26', '2021-10-26')).toHaveLength(1);
  });

  it('maps weight logs (latest of the day), resting heart rate, steps and calories', () => {
    const days = toHealthMetrics(
      {
        weight: FitbitWeightResponseSchema.parse(fixture('weight')).weight,
        heart,
        steps: FitbitStepsResponseSchema.parse(fixture('steps'))['activities-steps'],
        calories: FitbitCaloriesResponseSchema.parse(fixture('calories'))['activities-calories'],
      },
      '2021-10-25',
      '2021-10-27',
    );
    for (const d of days) expect(HealthMetricsSchema.parse(d)).toEqual(d);
    const empty = (date: string) => HealthMetricsSchema.parse({ provider: 'fitbit', date });
    expect(days).toEqual([
      { ...empty('2021-10-25'), weight_kg: 72.5, body_fat_percentage: 14.5, bmi: 23.41, resting_heart_rate: 58, steps: 9874, calories: 2386 },
      { ...empty('2021-10-26'), steps: 0, calories: 1702 },
      { ...empty('2021-10-27'), weight_kg: 72.4, body_fat_percentage: 14.3, bmi: 23.38, resting_heart_rate: 60, steps: 12032, calories: 2611 },
    ]);
  });

  it('splits ranges into the pieces each endpoint accepts', () => {
    expect(dateChunks('2021-01-01', '2021-03-01', 30)).toEqual([
      { start: '2021-01-01', end: '2021-01-30' },
      { start: '2021-01-31', end: '2021-03-01' },
    ]);
    expect(dateChunks('2021-01-01', '2021-01-01', 30)).toEqual([{ start: '2021-01-01', end: '2021-01-01' }]);
  });
});

describe('Fitbit rate-limit headers', () => {
  const now = 1_700_000_000_000; // 800 s past the hour

  it('parses usage into one per-user hourly window', () => {
    const headers = new Headers({ 'Fitbit-Rate-Limit-Limit': '150', 'Fitbit-Rate-Limit-Remaining': '149', 'Fitbit-Rate-Limit-Reset': '2800' });
    expect(fitbitRateLimitUsage(headers, now)).toEqual({
      provider: 'fitbit',
      scope: 'user',
      windows: [{ name: 'hour', limit: 150, remaining: 149, resets_at: 1_700_000_000 + 2800 }],
      observed_at: 1_700_000_000,
    });
    expect(fitbitRateLimitUsage(new Headers(), now)).toBeUndefined();
  });

  it('computes the wait after a 429 from Fitbit-Rate-Limit-Reset, else the top of the hour', () => {
    expect(secondsToTopOfHour(now)).toBe(2800);
    expect(fitbitRateLimitHint(new Headers({ 'Fitbit-Rate-Limit-Reset': '1234' }), now)).toEqual({ retryAfterSecs: 1234, scope: 'user' });
    expect(fitbitRateLimitHint(new Headers(), now)).toEqual({ retryAfterSecs: 2800, scope: 'user' });
    expect(fitbitRateLimitHint(new Headers({ 'Fitbit-Rate-Limit-Reset': 'soon' }), now).retryAfterSecs).toBe(2800);
  });
});

describe('Fitbit subscriptions', () => {
  const secret = 'client-secret-1';
  const body = rawFixture('notifications');
  const signature = createHmac('sha1', `${secret}&`).update(body).digest('base64');

  it('signs with base64(HMAC-SHA1(body, secret + "&"))', () => {
    expect(fitbitSignature(body, secret)).toBe(signature);
  });

  it('accepts a good signature and parses the notifications', () => {
    expect(verifyFitbitSignature(body, signature, secret)).toBe(true);
    expect(verifyFitbitSignature(Buffer.from(body), signature, secret)).toBe(true);
    expect(verifyAndParse(body, signature, secret)).toEqual([
      { kind: 'data_changed', providerUserId: 'GGNJL9', collection: 'activities', date: '2020-06-01', subscriptionId: '1234' },
      { kind: 'data_changed', providerUserId: 'GGNJL9', collection: 'sleep', date: '2020-06-01', subscriptionId: '1234' },
      { kind: 'deauthorized', providerUserId: '228S74', subscriptionId: '1234' },
    ]);
  });

  it('rejects a tampered body, a missing signature and a stale one (signed with a rotated-out secret)', () => {
    expect(verifyFitbitSignature(body.replace('GGNJL9', 'GGNJL8'), signature, secret)).toBe(false);
    expect(verifyAndParse(body.replace('sleep', 'foods'), signature, secret)).toBeUndefined();
    expect(verifyFitbitSignature(body, undefined, secret)).toBe(false);
    expect(verifyFitbitSignature(body, 'not base64 at all', secret)).toBe(false);
    const stale = createHmac('sha1', 'client-secret-0&').update(body).digest('base64');
    expect(verifyFitbitSignature(body, stale, secret)).toBe(false);
  });

  it('answers subscriber verification with 204 for the configured code and 404 otherwise', () => {
    expect(subscriberVerificationStatus('abc123', 'abc123')).toBe(204);
    expect(subscriberVerificationStatus('abc124', 'abc123')).toBe(404);
    expect(subscriberVerificationStatus(undefined, 'abc123')).toBe(404);
    expect(subscriberVerificationStatus('abc123', undefined)).toBe(404);
  });

  it('parses only Fitbit notification arrays', () => {
    expect(parseFitbitNotifications('{"collectionType":"sleep"}')).toBeUndefined();
    expect(parseFitbitNotifications('not json')).toBeUndefined();
    expect(toWebhookEvents(parseFitbitNotifications(body)!)).toHaveLength(3);
  });
});
