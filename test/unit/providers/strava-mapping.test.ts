/**
 * Strava JSON (samples shaped as its API reference shows them) -> the unified model, the
 * rate-limit headers, the 429 wait, and webhook checks.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { activityFromStrava, athleteFromStrava, statsFromStrava, stravaSport } from '../../../shared/providers/strava/mapping';
import { nextQuarterHour, nextUtcMidnight, stravaRateLimitHint, stravaRateLimitUsage } from '../../../shared/providers/strava/rate-limit';
import {
  StravaActivityListSchema,
  StravaActivitySchema,
  StravaActivityStatsSchema,
  StravaAthleteSchema,
  StravaFaultSchema,
  StravaTokenResponseSchema,
} from '../../../shared/providers/strava/schemas';
import { answerSubscriptionChallenge, parseStravaWebhook } from '../../../shared/providers/strava/webhook';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/strava/${name}`, import.meta.url), 'utf8'));

describe('Strava activities -> unified activities', () => {
  const list = StravaActivityListSchema.parse(fixture('activities.json'));
  const [happyish, bondcliff, run, yoga] = list.map((a) => activityFromStrava(a, 'strava'));

  it('maps a SummaryActivity field by field (metres, seconds, m/s already)', () => {
    expect(happyish).toEqual({
      id: '154504250376823',
      provider: 'strava',
      name: 'Happyish',
      sport_type: 'mountain_bike_ride',
      sport_type_detail: 'MountainBikeRide',
      workout_type: null,
      start_date: '2018-05-02T12:15:09Z',
      end_date: '2018-05-02T13:30:09Z',
      // Strava writes the local wall clock with a Z; the offset and zone come beside it.
      start_date_local: '2018-05-02T05:15:09',
      utc_offset_seconds: -25200,
      timezone: 'America/Los_Angeles',
      duration_seconds: 4500,
      moving_time_seconds: 4500,
      distance_meters: 24931.4,
      elevation_gain_meters: 0,
      average_heart_rate: 140.3,
      max_heart_rate: 178,
      heart_rate_zones: null,
      average_speed: 5.54,
      max_speed: 11,
      // No `calories` in a summary: the work in kJ stands in for kcal.
      calories: 789,
      active_calories: null,
      average_power: 175.3,
      max_power: 406,
      normalized_power: 210,
      average_cadence: 67.1,
      max_cadence: null,
      steps: null,
      suffer_score: 82,
      strain: null,
      training_stress_score: null,
      start_latitude: null,
      start_longitude: null,
      summary_polyline: null,
      city: null,
      region: null,
      country: 'United States',
      device_name: null,
    });
    expect(bondcliff).toMatchObject({ id: '1234567809', calories: 1080, average_power: 200 });
  });

  it('takes elapsed time as the duration, moving time beside it', () => {
    // elapsed_time 3180, moving_time 3012 in the fixture.
    expect(run).toMatchObject({ duration_seconds: 3180, moving_time_seconds: 3012, end_date: '2019-04-14T14:56:11Z' });
  });

  it('doubles the per-foot cadence of runs into steps per minute and reads start_latlng', () => {
    expect(run).toMatchObject({
      sport_type: 'run',
      moving_time_seconds: 3012,
      distance_meters: 10212.7,
      elevation_gain_meters: 84.2,
      average_cadence: 172.8,
      calories: null,
      average_power: null,
      start_latitude: 37.77,
      start_longitude: -122.45,
    });
  });

  it('turns the zeros of an activity without distance into nulls', () => {
    expect(yoga).toMatchObject({
      sport_type: 'yoga',
      duration_seconds: 2700,
      distance_meters: null,
      elevation_gain_meters: null,
      average_speed: null,
      max_speed: null,
      average_heart_rate: 92.5,
      start_latitude: null,
      start_longitude: null,
    });
  });

  it('uses DetailedActivity calories over the kJ estimate, and leaves heart rate null without a sensor', () => {
    const detailed = activityFromStrava(StravaActivitySchema.parse(fixture('activity.json')), 'strava');
    expect(detailed).toMatchObject({
      id: '1410355832',
      name: 'Happy Friday',
      duration_seconds: 4410,
      moving_time_seconds: 4207,
      workout_type: 'default',
      device_name: 'Garmin Edge 1030',
      calories: 870.2,
      average_heart_rate: null,
      max_heart_rate: null,
      start_latitude: 37.83,
      start_longitude: -122.26,
    });
    expect(detailed.summary_polyline).toMatch(/^ki\{eFvqfiV/);
  });

  it('maps sport types, falling back to the legacy type and then to other', () => {
    expect(stravaSport({ sport_type: 'TrailRun', type: 'Run' })).toBe('trail_run');
    expect(stravaSport({ sport_type: 'GravelRide', type: 'Ride' })).toBe('gravel_ride');
    expect(stravaSport({ sport_type: 'EMountainBikeRide', type: 'EBikeRide' })).toBe('e_bike_ride');
    expect(stravaSport({ sport_type: 'VirtualRun', type: 'Run' })).toBe('virtual_run');
    expect(stravaSport({ sport_type: 'WeightTraining' })).toBe('strength_training');
    expect(stravaSport({ sport_type: 'HighIntensityIntervalTraining', type: 'Workout' })).toBe('hiit');
    expect(stravaSport({ sport_type: null, type: 'NordicSki' })).toBe('cross_country_ski');
    expect(stravaSport({ sport_type: 'Pickleball', type: 'Workout' })).toBe('pickleball');
    expect(stravaSport({ sport_type: 'Kitesurf' })).toBe('kitesurfing');
    expect(stravaSport({ sport_type: 'Snowboard' })).toBe('snowboard');
    expect(stravaSport({ sport_type: 'Crossfit' })).toBe('crossfit');
    expect(stravaSport({ sport_type: 'SomethingNew', type: 'Workout' })).toBe('workout');
    expect(stravaSport({ sport_type: 'SomethingNew' })).toBe('other');
  });

  it('refuses activities of the wrong shape', () => {
    const good = (fixture('activities.json') as Record<string, unknown>[])[0]!;
    expect(StravaActivitySchema.safeParse({ ...good, sport_type: undefined, type: undefined }).success).toBe(false);
    expect(StravaActivitySchema.safeParse({ ...good, distance: '24 km' }).success).toBe(false);
    expect(StravaActivitySchema.safeParse({ ...good, start_date: 'yesterday' }).success).toBe(false);
    // Ids beyond 2^53 cannot be represented exactly: refused rather than silently altered.
    // biome-ignore lint/correctness/noPrecisionLoss: an id past Number.MAX_SAFE_INTEGER is the input under test.
    expect(StravaActivitySchema.safeParse({ ...good, id: 12345678987654321 }).success).toBe(false);
  });
});

describe('Strava athletes, stats and tokens', () => {
  it('maps a DetailedAthlete (sex letters, weight 0 as unknown, picture URL)', () => {
    expect(athleteFromStrava(StravaAthleteSchema.parse(fixture('athlete.json')), 'strava')).toEqual({
      id: '134815',
      provider: 'strava',
      username: 'marianne_t',
      firstname: 'Marianne',
      lastname: 'Teutenberg',
      profile_picture: 'https://xxxxx.cloudfront.net/pictures/athletes/123456789/123456789/2/large.jpg',
      sex: 'female',
      weight_kg: null,
      city: 'San Francisco',
      country: 'US',
    });
  });

  it('drops the relative placeholder picture and unknown sex', () => {
    const athlete = StravaAthleteSchema.parse({
      id: 7,
      profile: 'avatar/athlete/large.png',
      profile_medium: 'avatar/athlete/medium.png',
      sex: null,
      weight: 70.5,
      city: '',
    });
    expect(athleteFromStrava(athlete, 'strava')).toMatchObject({ id: '7', profile_picture: null, sex: null, weight_kg: 70.5, city: null });
  });

  it('rolls Strava run/ride/swim totals up into the unified stats', () => {
    const stats = statsFromStrava(StravaActivityStatsSchema.parse(fixture('stats.json')), 'strava');
    // Durations are elapsed time, moving time beside them.
    expect(stats.recent_4_weeks).toMatchObject({ count: 12, duration_seconds: 46253, moving_time_seconds: 42837 });
    expect(stats.recent_4_weeks.distance_meters).toBeCloseTo(224277.1, 6);
    expect(stats.recent_4_weeks.elevation_gain_meters).toBeCloseTo(2367.6, 6);
    expect(stats.year_to_date).toEqual({
      count: 129,
      distance_meters: 2705741,
      duration_seconds: 541061,
      moving_time_seconds: 497422,
      elevation_gain_meters: 30893,
    });
    expect(stats.all_time).toEqual({
      count: 675,
      distance_meters: 15902386,
      duration_seconds: 3037430,
      moving_time_seconds: 2765718,
      elevation_gain_meters: 193137,
    });
    expect(stats.by_sport).toEqual({
      run: { count: 412, distance_meters: 3715046, duration_seconds: 1198216, moving_time_seconds: 1122903, elevation_gain_meters: 31415 },
      ride: { count: 263, distance_meters: 12187340, duration_seconds: 1839214, moving_time_seconds: 1642815, elevation_gain_meters: 161722 },
    });
  });

  it('reads the code-exchange answer (athlete included) and the refresh answer (no athlete)', () => {
    const exchange = StravaTokenResponseSchema.parse(fixture('token-exchange.json'));
    expect(exchange).toMatchObject({ expires_at: 1568775134, expires_in: 21600, athlete: { id: 134815 } });
    const refresh = StravaTokenResponseSchema.parse(fixture('token-refresh.json'));
    expect(refresh.athlete).toBeUndefined();
    expect(refresh.refresh_token).toMatch(/^b5c569/);
  });

  it('reads Strava fault bodies', () => {
    expect(StravaFaultSchema.parse(fixture('rate-limit-exceeded.json')).errors[0]).toEqual({ resource: 'Application', field: 'rate limit', code: 'exceeded' });
  });
});

describe('Strava rate limits', () => {
  // 2026-11-25T10:07:30Z
  const now = Date.UTC(2026, 10, 25, 10, 7, 30);
  const headers = (limit: string, usage: string, readLimit = '100,1000', readUsage = '7,120') =>
    new Headers({ 'x-ratelimit-limit': limit, 'x-ratelimit-usage': usage, 'x-readratelimit-limit': readLimit, 'x-readratelimit-usage': readUsage });

  it('parses the four windows with their clock-aligned resets', () => {
    const usage = stravaRateLimitUsage(headers('200,2000', '12,345'), now);
    const quarter = Date.UTC(2026, 10, 25, 10, 15) / 1000;
    const midnight = Date.UTC(2026, 10, 26) / 1000;
    expect(usage).toEqual({
      provider: 'strava',
      scope: 'app',
      observed_at: now / 1000,
      windows: [
        { name: '15min', limit: 200, remaining: 188, resets_at: quarter },
        { name: 'daily', limit: 2000, remaining: 1655, resets_at: midnight },
        { name: 'read_15min', limit: 100, remaining: 93, resets_at: quarter },
        { name: 'read_daily', limit: 1000, remaining: 880, resets_at: midnight },
      ],
    });
  });

  it('ignores absent or garbled headers', () => {
    expect(stravaRateLimitUsage(new Headers(), now)).toBeUndefined();
    expect(stravaRateLimitUsage(new Headers({ 'x-ratelimit-limit': '200', 'x-ratelimit-usage': 'a,b' }), now)).toBeUndefined();
  });

  it('waits until the next quarter hour when a 15-minute limit is used up', () => {
    expect(stravaRateLimitHint(headers('200,2000', '200,345'), now)).toEqual({ retryAfterSecs: 450, scope: 'app' });
    expect(stravaRateLimitHint(headers('200,2000', '12,345', '100,1000', '100,300'), now)).toEqual({ retryAfterSecs: 450, scope: 'app' });
    // No headers at all: the 15-minute window is the likely one.
    expect(stravaRateLimitHint(new Headers(), now).retryAfterSecs).toBe(450);
  });

  it('waits until midnight UTC when a daily limit is used up', () => {
    const untilMidnight = (Date.UTC(2026, 10, 26) - now) / 1000;
    expect(stravaRateLimitHint(headers('200,2000', '200,2000'), now)).toEqual({ retryAfterSecs: untilMidnight, scope: 'app' });
    expect(stravaRateLimitHint(headers('200,2000', '50,900', '100,1000', '50,1000'), now).retryAfterSecs).toBe(untilMidnight);
  });

  it('rounds the wait up to whole seconds and never answers 0', () => {
    expect(stravaRateLimitHint(new Headers(), now + 400).retryAfterSecs).toBe(450);
    expect(stravaRateLimitHint(new Headers(), Date.UTC(2026, 10, 25, 10, 15) - 1).retryAfterSecs).toBe(1);
    expect(nextQuarterHour(Date.UTC(2026, 10, 25, 10, 15) / 1000)).toBe(Date.UTC(2026, 10, 25, 10, 30) / 1000);
    expect(nextUtcMidnight(Date.UTC(2026, 10, 25) / 1000)).toBe(Date.UTC(2026, 10, 26) / 1000);
  });
});

describe('Strava webhooks (unsigned: the subscription id is the check)', () => {
  const settings = { WEBHOOK_VERIFY_TOKEN: 'verify-me', WEBHOOK_SUBSCRIPTION_ID: '120475' };
  const update = fixture('webhook-activity-update.json') as Record<string, unknown>;

  it('accepts an event of our subscription', () => {
    const result = parseStravaWebhook(JSON.stringify(update), settings);
    expect(result).toMatchObject({
      ok: true,
      notice: {
        providerUserId: '134815',
        objectType: 'activity',
        objectId: '1360128428',
        aspect: 'update',
        deauthorized: false,
        eventTime: 1516126040,
        updates: { title: 'Messy' },
      },
    });
  });

  it('recognises a deauthorization', () => {
    const result = parseStravaWebhook(fixture('webhook-deauthorization.json'), settings);
    expect(result.ok && result.notice).toMatchObject({ objectType: 'athlete', deauthorized: true, providerUserId: '134815' });
  });

  it('refuses a tampered event: another subscription, a bad body, a wrong shape', () => {
    expect(parseStravaWebhook({ ...update, subscription_id: 999 }, settings)).toEqual({ ok: false, reason: 'wrong_subscription' });
    expect(parseStravaWebhook('{"aspect_type": "update", ', settings)).toEqual({ ok: false, reason: 'malformed' });
    expect(parseStravaWebhook({ ...update, object_type: 'segment' }, settings)).toEqual({ ok: false, reason: 'malformed' });
    expect(parseStravaWebhook({ ...update, owner_id: '134815' }, settings)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses stale events when a maximum age is set', () => {
    const nowMs = (1516126040 + 3_600) * 1000;
    expect(parseStravaWebhook(update, settings, { nowMs, maxAgeSecs: 600 })).toEqual({ ok: false, reason: 'stale' });
    expect(parseStravaWebhook(update, settings, { nowMs, maxAgeSecs: 7_200 }).ok).toBe(true);
  });

  it('refuses everything when no subscription id is configured', () => {
    expect(parseStravaWebhook(update, {})).toEqual({ ok: false, reason: 'not_configured' });
  });

  it('answers the subscription validation only with the right verify token', () => {
    const query = { 'hub.mode': 'subscribe', 'hub.challenge': '15f7d1a91c1f40f8a748fd134752feb3', 'hub.verify_token': 'verify-me' };
    expect(answerSubscriptionChallenge(query, settings)).toEqual({ status: 200, body: { 'hub.challenge': '15f7d1a91c1f40f8a748fd134752feb3' } });
    expect(answerSubscriptionChallenge({ ...query, 'hub.verify_token': 'guess' }, settings).status).toBe(403);
    expect(answerSubscriptionChallenge({ ...query, 'hub.mode': 'unsubscribe' }, settings).status).toBe(403);
    expect(answerSubscriptionChallenge(query, {}).status).toBe(403);
  });
});
