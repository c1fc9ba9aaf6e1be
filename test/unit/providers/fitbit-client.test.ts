/** The Fitbit client against a stubbed fetch: token handling, pagination, scopes, 429 hints, bad data. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveProviderConfig } from '../../../shared/config';
import { ProviderError } from '../../../shared/models';
import { fitbitProvider } from '../../../shared/providers/fitbit';
import { ProviderDescriptorSchema, type ProviderDeps } from '../../../shared/providers/spi';
import type { RateLimitUsage } from '../../../shared/providers/rate-limit';

const BASE = 'https://fitbit.test';
const NOW = Date.parse('2026-03-10T12:13:20Z'); // 800 s past the hour
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/fitbit/${name}.json`, import.meta.url), 'utf8'));
const session = { tenantId: 't', userId: 'u', accessToken: 'access-1' };

interface Seen {
  url: URL;
  init: RequestInit;
}

type Handler = (url: URL, init: RequestInit) => Response | undefined;

function client(handler: Handler, usage: RateLimitUsage[] = []) {
  const seen: Seen[] = [];
  const fetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(String(input));
    seen.push({ url, init });
    return handler(url, init) ?? new Response('{"errors":[{"errorType":"not_found","message":"no"}]}', { status: 404 });
  }) as typeof globalThis.fetch;
  const deps: ProviderDeps = { fetch, now: () => NOW, observeRateLimit: (u) => void (u && usage.push(u)) };
  const descriptor = ProviderDescriptorSchema.parse(fitbitProvider.descriptor);
  const config = resolveProviderConfig(descriptor, {
    PIERRE_FITBIT_CLIENT_ID: 'cid',
    PIERRE_FITBIT_CLIENT_SECRET: 'csecret',
    PIERRE_FITBIT_API_BASE_URL: BASE,
    PIERRE_FITBIT_TOKEN_URL: `${BASE}/oauth2/token`,
    PIERRE_FITBIT_REVOKE_URL: `${BASE}/oauth2/revoke`,
  });
  return { provider: fitbitProvider.create(config, deps), seen };
}

const ok = (body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json', ...headers } });

/** `count` activity logs, one every 6 hours back from NOW, served the way Fitbit pages them. */
function activityApi(count: number, nextHost = 'https://api.fitbit.com'): Handler {
  const logs = Array.from({ length: count }, (_, i) => {
    const start = new Date(NOW - (i + 1) * 6 * 3_600_000 + 3_600_000); // local = UTC+1
    return {
      logId: 1_000_000 + i,
      activityName: 'Run',
      activityTypeId: 90009,
      startTime: `${start.toISOString().slice(0, 23)}+01:00`,
      activeDuration: 1_800_000,
      duration: 1_800_000,
      distance: 5,
      distanceUnit: 'Kilometer',
    };
  });
  return (url) => {
    if (url.pathname !== '/1/user/-/activities/list.json') return undefined;
    const q = url.searchParams;
    const wall = Date.parse(`${q.get('beforeDate')}Z`);
    const matching = logs.filter((l) => Date.parse(`${l.startTime.slice(0, 19)}Z`) < wall);
    const offset = Number(q.get('offset'));
    const limit = Number(q.get('limit'));
    const next =
      offset + limit < matching.length
        ? `${nextHost}/1/user/-/activities/list.json?offset=${offset + limit}&limit=${limit}&sort=desc&beforeDate=${q.get('beforeDate')}`
        : '';
    return ok({ activities: matching.slice(offset, offset + limit), pagination: { next, previous: '', limit, offset, sort: 'desc' } });
  };
}

describe('Fitbit tokens', () => {
  it('exchanges the code with HTTP Basic client auth and PKCE, keeping user_id as the provider user id', async () => {
    const { provider, seen } = client((url) => (url.pathname === '/oauth2/token' ? ok(fixture('token')) : undefined));
    const tokens = await provider.exchangeCode({ query: { code: 'the-code', state: 's' }, redirectUri: 'https://app/callback/fitbit', codeVerifier: 'v'.repeat(43) });
    expect(tokens).toEqual({
      accessToken: expect.stringMatching(/^eyJ/),
      refreshToken: 'c643a63c072f0f05478e9d18b991db80ef6061e4f8e6c822d83fed53e5fafdd7',
      expiresAt: Math.floor(NOW / 1000) + 28800,
      scopes: ['heartrate', 'profile', 'sleep', 'activity', 'weight', 'oxygen_saturation'],
      providerUserId: 'GGNJL9',
    });
    const { init } = seen[0]!;
    expect((init.headers as Record<string, string>)['authorization']).toBe(`Basic ${Buffer.from('cid:csecret').toString('base64')}`);
    const form = new URLSearchParams(String(init.body));
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: 'https://app/callback/fitbit',
      code_verifier: 'v'.repeat(43),
    });
  });

  it('maps a refused refresh token to token_refresh_failed without echoing it', async () => {
    const { provider } = client((url) =>
      url.pathname === '/oauth2/token'
        ? new Response('{"errors":[{"errorType":"invalid_grant","message":"Refresh token invalid: rt-secret"}],"success":false}', { status: 400 })
        : undefined,
    );
    const error = await provider.refreshToken('rt-secret').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe('token_refresh_failed');
    expect((error as ProviderError).message).not.toContain('rt-secret');
  });

  it('revokes with Basic auth and the token in the form', async () => {
    const { provider, seen } = client((url) => (url.pathname === '/oauth2/revoke' ? new Response('', { status: 200 }) : undefined));
    await provider.revokeToken(session);
    expect(new URLSearchParams(String(seen[0]!.init.body)).get('token')).toBe('access-1');
    expect((seen[0]!.init.headers as Record<string, string>)['authorization']).toMatch(/^Basic /);
  });
});

describe('Fitbit activity pagination', () => {
  it('asks for metric units, walks next links on the configured host, and fetches no more than needed', async () => {
    const { provider, seen } = client(activityApi(300));
    const page = await provider.getActivities(session, { limit: 150, offset: 20 });
    expect(page).toHaveLength(150);
    expect(page[0]!.id).toBe(String(1_000_000 + 20));
    expect(page.at(-1)!.id).toBe(String(1_000_000 + 169));
    expect(seen.map((s) => s.url.origin)).toEqual([BASE, BASE]);
    expect(seen.map((s) => s.url.searchParams.get('limit'))).toEqual(['100', '70']);
    expect(seen[0]!.url.searchParams.get('sort')).toBe('desc');
    expect(seen[0]!.url.searchParams.get('offset')).toBe('0');
    expect(seen[0]!.url.searchParams.get('afterDate')).toBeNull();
    expect(seen[1]!.url.searchParams.get('offset')).toBe('100');
    const headers = seen[0]!.init.headers as Record<string, string>;
    expect(headers['authorization']).toBe('Bearer access-1');
    expect(headers['accept-language']).toBe('fr_FR');
  });

  it('keeps before and after strict on the exact instant, newest first', async () => {
    const { provider } = client(activityApi(40));
    const all = await provider.getActivities(session, { limit: 40, offset: 0 });
    const before = new Date(all[5]!.start_date);
    const after = new Date(all[12]!.start_date);
    const between = await provider.getActivities(session, { limit: 50, offset: 0, before, after });
    expect(between.map((a) => a.id)).toEqual(all.slice(6, 12).map((a) => a.id));
    const offsetOnly = await provider.getActivities(session, { limit: 3, offset: 2, before });
    expect(offsetOnly.map((a) => a.id)).toEqual(all.slice(8, 11).map((a) => a.id));
  });

  it('stops at the end of the log', async () => {
    const { provider, seen } = client(activityApi(7));
    expect(await provider.getActivities(session, { limit: 30, offset: 0 })).toHaveLength(7);
    expect(seen).toHaveLength(1);
  });

  it('finds one activity by log id and answers not_found for unknown ids', async () => {
    const { provider, seen } = client(activityApi(150));
    expect((await provider.getActivity(session, '1000120')).id).toBe('1000120');
    await expect(provider.getActivity(session, '42')).rejects.toMatchObject({ kind: 'not_found' });
    const before = seen.length;
    await expect(provider.getActivity(session, 'not-a-log-id')).rejects.toMatchObject({ kind: 'not_found' });
    expect(seen).toHaveLength(before);
  });
});

describe('Fitbit scopes, rate limits and bad data', () => {
  const range = { start: new Date('2021-10-25T00:00:00Z'), end: new Date('2021-10-27T12:00:00Z') };

  it('leaves SpO2 null when the user withheld oxygen_saturation', async () => {
    const { provider } = client((url) => {
      if (url.pathname.includes('/spo2/')) {
        return new Response('{"errors":[{"errorType":"insufficient_scope","message":"This application does not have permission to access oxygen_saturation data."}],"success":false}', { status: 403 });
      }
      if (url.pathname.includes('/hrv/')) return ok(fixture('hrv'));
      if (url.pathname.includes('/activities/heart/')) return ok(fixture('heart'));
      return undefined;
    });
    const days = await provider.getRecoveryMetrics(session, range);
    expect(days.map((d) => [d.date, d.spo2_percentage, d.hrv_rmssd_ms])).toEqual([
      ['2021-10-25', null, 62.9],
      ['2021-10-26', null, 61.9],
      ['2021-10-27', null, 60.9],
    ]);
  });

  it('refuses sleep without the sleep scope as an auth failure naming the scope', async () => {
    const { provider } = client((url) =>
      url.pathname.includes('/sleep/')
        ? new Response('{"errors":[{"errorType":"insufficient_scope","message":"nope"}],"success":false}', { status: 403 })
        : url.pathname.endsWith('/profile.json')
          ? ok(fixture('profile'))
          : undefined,
    );
    await expect(provider.getSleepSessions(session, range)).rejects.toMatchObject({ kind: 'auth_failed', message: expect.stringContaining("'sleep'") });
  });

  it('reports usage headers and waits Retry-After, else Fitbit-Rate-Limit-Reset, else until the top of the hour', async () => {
    const cases: Array<[Record<string, string>, number]> = [
      [{ 'Retry-After': '120', 'Fitbit-Rate-Limit-Reset': '1500' }, 120],
      [{ 'Fitbit-Rate-Limit-Limit': '150', 'Fitbit-Rate-Limit-Remaining': '0', 'Fitbit-Rate-Limit-Reset': '1500' }, 1500],
      [{}, 2800],
    ];
    for (const [headers, wait] of cases) {
      const { provider } = client(() => new Response('{"errors":[{"errorType":"too_many_requests","message":"Too Many Requests"}]}', { status: 429, headers }));
      await expect(provider.getAthlete(session)).rejects.toMatchObject({ kind: 'rate_limited', retryAfterSecs: wait, rateLimitScope: 'user' });
    }
    const usage: RateLimitUsage[] = [];
    const { provider } = client(
      () => ok(fixture('profile'), { 'Fitbit-Rate-Limit-Limit': '150', 'Fitbit-Rate-Limit-Remaining': '37', 'Fitbit-Rate-Limit-Reset': '2800' }),
      usage,
    );
    await provider.getAthlete(session);
    expect(usage).toEqual([
      { provider: 'fitbit', scope: 'user', windows: [{ name: 'hour', limit: 150, remaining: 37, resets_at: NOW / 1000 + 2800 }], observed_at: NOW / 1000 },
    ]);
  });

  it('answers invalid_data for a body that is not JSON or not the documented shape', async () => {
    const notJson = client(() => new Response('{"activities": [', { status: 200 })).provider;
    await expect(notJson.getActivities(session, { limit: 5, offset: 0 })).rejects.toMatchObject({ kind: 'invalid_data' });
    const wrong = client(() => ok({ activities: [{ logId: 'x' }] })).provider;
    await expect(wrong.getActivities(session, { limit: 5, offset: 0 })).rejects.toMatchObject({ kind: 'invalid_data' });
  });
});
