/** COROS: native JSON -> unified models, result codes, token handling, date windows, rate limits, webhook. */
import { ActivitySchema } from '../../../shared/models';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../shared/models';
import { ProviderHttp } from '../../../shared/providers/http';
import { CorosProvider, COROS_DESCRIPTOR } from '../../../shared/providers/coros';
import { errorForResult } from '../../../shared/providers/coros/codes';
import { activityFromWorkout, athleteFromUser } from '../../../shared/providers/coros/mapping';
import { inWindow, planWindows } from '../../../shared/providers/coros/pagination';
import { nextWindowHint, xRateLimitUsage } from '../../../shared/providers/rate-limit';

// As CorosProvider reads them: from its descriptor's rateLimitHeaders.
const corosRateLimitHint = nextWindowHint(COROS_DESCRIPTOR.rateLimitHeaders);
const corosRateLimitUsage = (provider: string) => xRateLimitUsage(provider, COROS_DESCRIPTOR.rateLimitHeaders);
import { CorosUserSchema, CorosWorkoutSchema } from '../../../shared/providers/coros/schemas';
import { resolveCorosSettings } from '../../../shared/providers/coros/settings';
import { ConfigError } from '../../../shared/config/raw';
import { corosSport } from '../../../shared/providers/coros/sports';
import { decodeRefreshHandle, encodeRefreshHandle } from '../../../shared/providers/coros/tokens';
import { COROS_WEBHOOK_ACK, parseCorosWebhook, verifyCorosWebhook } from '../../../shared/providers/coros/webhook';
import type { ProviderConfig, ProviderSession } from '../../../shared/providers/spi';

const fixture = (name: string): any => JSON.parse(readFileSync(new URL(`../../fixtures/coros/${name}`, import.meta.url), 'utf8'));

const BASE = 'https://coros.test';
const NOW = Date.parse('2026-11-25T15:00:00Z');

function config(settings: Record<string, string> = {}): ProviderConfig {
  return {
    name: 'coros',
    clientId: 'cid',
    clientSecret: 'csecret',
    authUrl: `${BASE}/oauth2/authorize`,
    tokenUrl: `${BASE}/oauth2/accesstoken`,
    revokeUrl: `${BASE}/oauth2/deauthorize`,
    apiBaseUrl: BASE,
    scopes: [],
    redirectUri: undefined,
    configured: true,
    settings,
  };
}

interface Call {
  url: URL;
  method: string;
  body: URLSearchParams;
  headers: Headers;
}

function provider(answer: (call: Call) => Response | unknown, settings: Record<string, string> = {}) {
  const calls: Call[] = [];
  const fetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const call = {
      url: new URL(String(input)),
      method: init.method ?? 'GET',
      body: new URLSearchParams(typeof init.body === 'string' ? init.body : ''),
      headers: new Headers(init.headers),
    };
    calls.push(call);
    const out = answer(call);
    return out instanceof Response ? out : Response.json(out);
  }) as typeof globalThis.fetch;
  return { client: new CorosProvider(config(settings), { fetch, now: () => NOW }), calls };
}

const session: ProviderSession = { tenantId: 't', userId: 'u', accessToken: 'at-1', providerUserId: 'open-1' };

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('COROS workout mapping', () => {
  const [run, strength, triathlon, indoorBike] = fixture('sport-list.json').data.map((w: unknown) => CorosWorkoutSchema.parse(w));

  it('maps an outdoor run with units converted', () => {
    expect(activityFromWorkout('coros', run)).toEqual({
      ...ActivitySchema.parse({
        id: 'x',
        provider: 'coros',
        name: '',
        sport_type: 'run',
        start_date: '2018-01-16T10:01:09.000Z',
        end_date: '2018-01-16T10:01:09.000Z',
        duration_seconds: 0,
      }),
      id: '418173292602490880',
      name: 'Outdoor Run',
      sport_type: 'run',
      sport_type_detail: 'Outdoor Run (8:1)',
      start_date: '2018-01-16T10:01:09.000Z',
      // Elapsed is end minus start; `duration` (3540 s, shorter) is the time in motion.
      end_date: '2018-01-16T11:01:09.000Z',
      duration_seconds: 3600,
      moving_time_seconds: 3540,
      // Time zone 32 = 32 quarter hours east of UTC.
      start_date_local: '2018-01-16T18:01:09',
      utc_offset_seconds: 28800,
      distance_meters: 10025.5,
      average_heart_rate: 148,
      // Over moving time.
      average_speed: 2.832,
      // 612000 small calories.
      calories: 612,
      steps: 9850,
    });
  });

  it('leaves absent metrics null and treats a zero distance as none', () => {
    expect(activityFromWorkout('coros', strength)).toMatchObject({
      name: 'Strength',
      sport_type: 'strength_training',
      duration_seconds: 2700,
      distance_meters: null,
      average_speed: null,
      average_heart_rate: null,
      calories: null,
      steps: null,
    });
  });

  it('keeps a triathlon whole as one activity with the parent totals', () => {
    expect(activityFromWorkout('coros', triathlon)).toMatchObject({
      id: '418190000000000002',
      name: 'Triathlon',
      sport_type: 'multisport',
      sport_type_detail: 'Triathlon (13:1)',
      utc_offset_seconds: -18000,
      start_date: '2018-01-17T00:46:40.000Z',
      distance_meters: 25750,
      duration_seconds: 7200,
      average_speed: 3.576,
      calories: 1480,
    });
  });

  it('reads totalTime when duration is absent, and indoor bike as a virtual ride', () => {
    expect(activityFromWorkout('coros', indoorBike)).toMatchObject({
      sport_type: 'virtual_ride',
      name: 'Indoor Bike',
      duration_seconds: 3600,
      average_speed: 8.333,
    });
    const bare = CorosWorkoutSchema.parse({ labelId: 7, mode: 8, subMode: 1, startTime: 100, endTime: 1_900 });
    expect(activityFromWorkout('coros', bare)).toMatchObject({ id: '7', duration_seconds: 1_800, distance_meters: null });
  });

  it('knows the sport table and falls back by family, then to other', () => {
    expect(corosSport(15, 1)).toEqual({ sport: 'trail_run', label: 'Trail Run' });
    expect(corosSport(10, 2)).toEqual({ sport: 'swim', label: 'Pool Swim' });
    expect(corosSport(31, 1).sport).toBe('walk');
    expect(corosSport(8, 9)).toEqual({ sport: 'run', label: 'Run' });
    expect(corosSport(99, 1)).toEqual({ sport: 'other', label: 'Workout' });
  });

  it('maps the user, or the openId alone', () => {
    const user = CorosUserSchema.parse(fixture('user.json').data);
    expect(athleteFromUser('coros', user.openId, user)).toEqual({
      id: '4c6f1e2a9b8d7c6e5f4a3b2c1d0e9f8a',
      provider: 'coros',
      username: 'trailfox',
      firstname: null,
      lastname: null,
      profile_picture: null,
      sex: null,
      weight_kg: null,
      city: null,
      country: null,
    });
    expect(athleteFromUser('coros', 'open-9')).toMatchObject({ id: 'open-9', username: null });
  });
});

describe('COROS result codes', () => {
  it.each([
    ['5006', 'auth_failed', false],
    ['5000', 'auth_failed', false],
    ['5010', 'auth_failed', false],
    ['30009', 'api_error', false],
    ['5016', 'api_error', true],
    ['1031', 'api_error', false],
  ])('maps %s to %s', (code, kind, retryable) => {
    const error = errorForResult('coros', code);
    expect(error.kind).toBe(kind);
    expect(error.isRetryable()).toBe(retryable);
    expect(error.message).toContain(code);
  });

  it('answers an HTTP 200 with an error result as that error, never with the token in the message', async () => {
    const { client, calls } = provider(() => fixture('invalid-token.json'));
    const error = await failure(client.getActivities(session, { limit: 5, offset: 0 }));
    expect(error.kind).toBe('auth_failed');
    expect(error.message).not.toContain('at-1');
    expect(calls[0]!.url.searchParams.get('token')).toBe('at-1');
    expect(calls[0]!.url.searchParams.get('openId')).toBe('open-1');
  });

  it('answers invalid_data for a data field of the wrong shape', async () => {
    const { client } = provider(() => ({ result: '0000', message: 'OK', data: [{ labelId: '1', mode: 'run' }] }));
    const error = await failure(client.getActivities(session, { limit: 5, offset: 0 }));
    expect(error.kind).toBe('invalid_data');
    expect(error.message).toMatch(/at 'data\.0\.mode'/);
  });

  it('reads a null data list as no workouts', async () => {
    const { client } = provider(() => ({ result: '0000', message: 'OK', data: null }));
    expect(await client.getActivities(session, { limit: 5, offset: 0 })).toEqual([]);
  });
});

describe('COROS tokens', () => {
  it('exchanges a code with form-encoded client credentials and keeps the openId', async () => {
    const { client, calls } = provider(() => fixture('token.json'));
    const tokens = await client.exchangeCode({ query: { code: 'c-1', state: 's' }, redirectUri: 'https://app.test/callback/coros' });
    const token = fixture('token.json');
    expect(tokens).toMatchObject({ accessToken: token.access_token, expiresAt: NOW / 1000 + 2_592_000, scopes: [], providerUserId: token.openId });
    expect(decodeRefreshHandle(tokens.refreshToken!)).toEqual({ refreshToken: token.refresh_token, accessToken: token.access_token });
    const sent = calls[0]!;
    expect(`${sent.url}`).toBe(`${BASE}/oauth2/accesstoken`);
    expect(Object.fromEntries(sent.body)).toEqual({
      client_id: 'cid',
      client_secret: 'csecret',
      grant_type: 'authorization_code',
      code: 'c-1',
      redirect_uri: 'https://app.test/callback/coros',
    });
  });

  it.each([
    ['a result code in an HTTP 200', () => ({ result: '5002', message: 'authorization code is invalid' }), 'auth_failed'],
    ['an HTTP 400', () => new Response('{"error":"invalid_grant"}', { status: 400 }), 'auth_failed'],
    ['a token without openId', () => ({ access_token: 'a', refresh_token: 'r', expires_in: 10 }), 'invalid_data'],
  ])('refuses %s', async (_label, answer, kind) => {
    const { client } = provider(answer);
    const error = await failure(client.exchangeCode({ query: { code: 'c-1' }, redirectUri: 'https://app.test/cb' }));
    expect(error.kind).toBe(kind);
    expect(error.message).not.toContain('c-1');
  });

  it('refreshes at /oauth2/refresh-token: COROS answers OK and the same tokens live 30 more days', async () => {
    const { client, calls } = provider(() => fixture('refresh.json'));
    const handle = encodeRefreshHandle({ refreshToken: 'rt-1', accessToken: 'at-1' });
    const tokens = await client.refreshToken(handle);
    expect(tokens).toEqual({ accessToken: 'at-1', refreshToken: handle, expiresAt: NOW / 1000 + 2_592_000, scopes: [], providerUserId: undefined });
    expect(`${calls[0]!.url}`).toBe(`${BASE}/oauth2/refresh-token`);
    expect(Object.fromEntries(calls[0]!.body)).toEqual({ client_id: 'cid', client_secret: 'csecret', grant_type: 'refresh_token', refresh_token: 'rt-1' });
  });

  it('takes new tokens when a refresh answer carries them', async () => {
    const { client } = provider(() => ({ result: '0000', message: 'OK', access_token: 'at-2', refresh_token: 'rt-2', expires_in: 100 }));
    const tokens = await client.refreshToken(encodeRefreshHandle({ refreshToken: 'rt-1', accessToken: 'at-1' }));
    expect(tokens.accessToken).toBe('at-2');
    expect(tokens.expiresAt).toBe(NOW / 1000 + 100);
    expect(decodeRefreshHandle(tokens.refreshToken!)).toEqual({ refreshToken: 'rt-2', accessToken: 'at-2' });
  });

  it.each([
    ['a refusal code', () => ({ result: '5002', message: 'refresh token is invalid' }), 'token_refresh_failed', false],
    ['a message other than OK', () => ({ message: 'Token invalid' }), 'invalid_data', false],
    ['an HTTP 401', () => new Response('', { status: 401 }), 'token_refresh_failed', false],
    ['a transient code', () => ({ result: '5016', message: 'busy' }), 'api_error', true],
  ])('answers %s as %s', async (_label, answer, kind, retryable) => {
    const { client } = provider(answer);
    const error = await failure(client.refreshToken(encodeRefreshHandle({ refreshToken: 'rt-1', accessToken: 'at-1' })));
    expect(error.kind).toBe(kind);
    expect(error.isRetryable()).toBe(retryable);
    expect(error.message).not.toMatch(/rt-1|at-1/);
  });

  it('cannot renew a bare refresh token without the access token it extends', async () => {
    const { client } = provider(() => fixture('refresh.json'));
    expect((await failure(client.refreshToken('rt-plain'))).kind).toBe('token_refresh_failed');
    expect(decodeRefreshHandle('rt-plain')).toEqual({ refreshToken: 'rt-plain', accessToken: undefined });
    expect(decodeRefreshHandle('coros1.@@@')).toEqual({ refreshToken: 'coros1.@@@', accessToken: undefined });
  });

  it('deauthorizes with the access token', async () => {
    const { client, calls } = provider(() => fixture('refresh.json'));
    await client.revokeToken(session);
    expect(`${calls[0]!.url}`).toBe(`${BASE}/oauth2/deauthorize`);
    expect(calls[0]!.method).toBe('POST');
    expect(calls[0]!.body.get('token')).toBe('at-1');
  });
});

describe('COROS settings', () => {
  it('defaults every endpoint next to the configured ones', () => {
    expect(resolveCorosSettings(config())).toEqual({
      refreshUrl: `${BASE}/oauth2/refresh-token`,
      workoutsUrl: `${BASE}/v2/coros/sport/list`,
      userUrl: `${BASE}/v2/user`,
      windowDays: 28,
      historyDays: 90,
    });
  });

  it('takes overrides, including the sandbox host and no user call', () => {
    const s = resolveCorosSettings(
      config({
        REFRESH_URL: 'https://opentest.coros.com/oauth2/refresh-token',
        WORKOUTS_PATH: 'v3/sport/list',
        USER_PATH: 'none',
        WINDOW_DAYS: '7',
        HISTORY_DAYS: '30',
      }),
    );
    expect(s).toEqual({
      refreshUrl: 'https://opentest.coros.com/oauth2/refresh-token',
      workoutsUrl: `${BASE}/v3/sport/list`,
      userUrl: undefined,
      windowDays: 7,
      historyDays: 30,
    });
    expect(() => resolveCorosSettings(config({ WINDOW_DAYS: '45' }))).toThrow(/PIERRE_COROS_WINDOW_DAYS/);
  });

  it('refuses a refresh URL that is not an http(s) URL, and takes a blank value as unset', () => {
    expect(() => resolveCorosSettings(config({ REFRESH_URL: 'opentest.coros.com/refresh' }))).toThrow(
      "PIERRE_COROS_REFRESH_URL must be an http(s) URL, got 'opentest.coros.com/refresh'",
    );
    expect(() => resolveCorosSettings(config({ REFRESH_URL: 'ftp://opentest.coros.com/refresh' }))).toThrow(ConfigError);
    expect(resolveCorosSettings(config({ REFRESH_URL: ' https://opentest.coros.com/r ' })).refreshUrl).toBe('https://opentest.coros.com/r');
    expect(resolveCorosSettings(config({ REFRESH_URL: ' ', USER_PATH: '' }))).toMatchObject({
      refreshUrl: `${BASE}/oauth2/refresh-token`,
      userUrl: `${BASE}/v2/user`,
    });
  });

  it('has the public endpoints by default', () => {
    expect(COROS_DESCRIPTOR.oauthEndpoints).toEqual({
      authUrl: 'https://open.coros.com/oauth2/authorize',
      tokenUrl: 'https://open.coros.com/oauth2/accesstoken',
      revokeUrl: 'https://open.coros.com/oauth2/deauthorize',
    });
  });
});

describe('COROS date windows', () => {
  const day = (iso: string) => Date.parse(iso) / 86_400_000;

  it('walks back from now in padded, non-overlapping windows down to the history floor', () => {
    const windows = planWindows({ nowMs: NOW, windowDays: 28, historyDays: 90 });
    expect(windows).toHaveLength(4);
    expect(windows[0]).toEqual({ firstDay: day('2026-10-29'), lastDay: day('2026-11-25'), startDate: '20261028', endDate: '20261126' });
    for (let i = 1; i < windows.length; i++) expect(windows[i]!.lastDay).toBe(windows[i - 1]!.firstDay - 1);
    expect(windows.at(-1)!.firstDay).toBe(day('2026-08-27'));
  });

  it('starts at before and ends at after', () => {
    const before = new Date('2026-11-01T08:00:00Z');
    const after = new Date('2026-10-20T12:00:00Z');
    const windows = planWindows({ nowMs: NOW, before, after, windowDays: 28, historyDays: 90 });
    expect(windows).toEqual([{ firstDay: day('2026-10-20'), lastDay: day('2026-11-01'), startDate: '20261019', endDate: '20261102' }]);
    const w = windows[0]!;
    const secs = (iso: string) => Date.parse(iso) / 1000;
    expect(inWindow(w, secs('2026-11-01T07:59:59Z'), { before, after })).toBe(true);
    expect(inWindow(w, secs('2026-11-01T08:00:00Z'), { before, after })).toBe(false);
    expect(inWindow(w, secs('2026-10-20T12:00:00Z'), { before, after })).toBe(false);
    expect(inWindow(w, secs('2026-10-19T23:00:00Z'), {})).toBe(false);
  });

  it('serves limit/offset newest first with no more requests than needed', async () => {
    // One workout a day at 06:00 UTC; COROS answers any date range it is asked.
    const { client, calls } = provider((call) => {
      const from = call.url.searchParams.get('startDate')!;
      const to = call.url.searchParams.get('endDate')!;
      const data = [];
      for (let d = day('2026-08-01'); d <= day('2026-11-25'); d++) {
        const start = d * 86_400 + 6 * 3600;
        const date = new Date(start * 1000).toISOString().slice(0, 10).replaceAll('-', '');
        if (date >= from && date <= to)
          data.push({ labelId: String(start), mode: 8, subMode: 1, startTime: start, endTime: start + 1800, duration: 1800, distance: 5000 });
      }
      return { result: '0000', message: 'OK', data };
    });
    const five = await client.getActivities(session, { limit: 5, offset: 0 });
    expect(five.map((a) => a.start_date.slice(0, 10))).toEqual(['2026-11-25', '2026-11-24', '2026-11-23', '2026-11-22', '2026-11-21']);
    expect(calls).toHaveLength(1);

    calls.length = 0;
    const page = await client.getActivities(session, { limit: 10, offset: 25 });
    expect(page.map((a) => a.start_date.slice(0, 10))).toEqual(
      Array.from({ length: 10 }, (_, i) => new Date(Date.parse('2026-10-31T00:00:00Z') - i * 86_400_000).toISOString().slice(0, 10)),
    );
    expect(calls).toHaveLength(2);

    calls.length = 0;
    const all = await client.getActivities(session, { limit: 200, offset: 0 });
    expect(all).toHaveLength(91);
    expect(calls).toHaveLength(4);
    expect(new Set(all.map((a) => a.id)).size).toBe(91);

    calls.length = 0;
    const bounded = await client.getActivities(session, {
      limit: 50,
      offset: 0,
      before: new Date('2026-11-10T06:00:00Z'),
      after: new Date('2026-11-05T06:00:00Z'),
    });
    expect(bounded.map((a) => a.start_date.slice(0, 10))).toEqual(['2026-11-09', '2026-11-08', '2026-11-07', '2026-11-06']);
    expect(calls).toHaveLength(1);

    calls.length = 0;
    expect((await client.getActivity(session, all[60]!.id)).id).toBe(all[60]!.id);
    expect(calls).toHaveLength(3);
    expect((await failure(client.getActivity(session, 'not-a-label'))).kind).toBe('not_found');
  });
});

describe('COROS rate limits', () => {
  it('waits for the next minute after a 429 without Retry-After, app-wide', () => {
    expect(corosRateLimitHint(new Headers(), Date.parse('2026-11-25T15:00:42.500Z'))).toEqual({ retryAfterSecs: 18, scope: 'app' });
  });

  it('lets Retry-After win, else uses the hint', async () => {
    const make = (headers: Record<string, string>) =>
      new ProviderHttp({
        provider: 'coros',
        deps: { fetch: (async () => new Response('{}', { status: 429, headers })) as typeof fetch, now: () => Date.parse('2026-11-25T15:00:50Z') },
        rateLimitHint: corosRateLimitHint,
      });
    const err = async (http: ProviderHttp) => failure(http.request({ url: `${BASE}/x`, schema: CorosUserSchema }));
    expect((await err(make({ 'retry-after': '17' }))).retryAfterSecs).toBe(17);
    const hinted = await err(make({}));
    expect(hinted).toMatchObject({ kind: 'rate_limited', retryAfterSecs: 10, rateLimitScope: 'app' });
  });

  it('reads the common usage headers should COROS send them, and nothing otherwise', () => {
    const read = corosRateLimitUsage('coros');
    const nowMs = Date.parse('2026-11-25T15:00:00Z');
    expect(read(new Headers(), nowMs)).toBeUndefined();
    expect(read(new Headers({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '7', 'x-ratelimit-reset': '30' }), nowMs)).toEqual({
      provider: 'coros',
      scope: 'app',
      windows: [{ name: 'window', limit: 100, remaining: 7, resets_at: nowMs / 1000 + 30 }],
      observed_at: nowMs / 1000,
    });
    expect(
      read(new Headers({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '7', 'x-ratelimit-reset': '1795000000' }), nowMs)?.windows[0]?.resets_at,
    ).toBe(1_795_000_000);
  });
});

describe('COROS workout push', () => {
  const creds = { clientId: 'cid', clientSecret: 'csecret' };

  it('accepts the client/secret header pair in any case', () => {
    expect(verifyCorosWebhook({ client: 'cid', secret: 'csecret' }, creds)).toBe('valid');
    expect(verifyCorosWebhook(new Headers({ Client: 'cid', Secret: 'csecret' }), creds)).toBe('valid');
    expect(verifyCorosWebhook({ Client: ['cid'], SECRET: 'csecret' }, creds)).toBe('valid');
  });

  it('refuses a tampered secret or another client, and tells a status check apart', () => {
    expect(verifyCorosWebhook({ client: 'cid', secret: 'csecreT' }, creds)).toBe('invalid');
    expect(verifyCorosWebhook({ client: 'cid', secret: 'csecret-and-more' }, creds)).toBe('invalid');
    expect(verifyCorosWebhook({ client: 'other', secret: 'csecret' }, creds)).toBe('invalid');
    expect(verifyCorosWebhook({}, creds)).toBe('missing');
    expect(verifyCorosWebhook({ client: 'cid' }, creds)).toBe('missing');
  });

  it('cannot judge staleness (no timestamp): a redelivery verifies again and yields the same labelIds to dedupe on', () => {
    const body = readFileSync(new URL('../../fixtures/coros/webhook.json', import.meta.url), 'utf8');
    const first = parseCorosWebhook(body);
    const again = parseCorosWebhook(body);
    expect(verifyCorosWebhook({ client: 'cid', secret: 'csecret' }, creds)).toBe('valid');
    expect(again).toEqual(first);
  });

  it('parses each pushed workout into an event for its openId', () => {
    const parsed = parseCorosWebhook(fixture('webhook.json'));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.events.map((e) => [e.providerUserId, e.activityId, e.activity.sport_type])).toEqual([
      ['4c6f1e2a9b8d7c6e5f4a3b2c1d0e9f8a', '418173292602490880', 'run'],
      ['4c6f1e2a9b8d7c6e5f4a3b2c1d0e9f8a', '418190000000000002', 'multisport'],
    ]);
    expect(parsed.events[0]!.activity).toMatchObject({ distance_meters: 10025.5, duration_seconds: 3600, moving_time_seconds: 3540 });
    expect(COROS_WEBHOOK_ACK).toEqual({ result: '0000', message: 'ok' });
  });

  it('refuses bodies that are not a workout push', () => {
    expect(parseCorosWebhook('{"sportDataList": [ {')).toEqual({ ok: false, reason: 'the body is not JSON' });
    expect(parseCorosWebhook({ sportDataList: [{ labelId: '1' }] })).toMatchObject({ ok: false });
    expect(parseCorosWebhook({ workouts: [] })).toMatchObject({ ok: false });
  });
});
