/** The Strava client against a stub fetch: what it sends, how it pages, how it maps failures. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../shared/models';
import type { RateLimitUsage } from '../../../shared/providers/rate-limit';
import type { ProviderConfig } from '../../../shared/providers/spi';
import { StravaProvider } from '../../../shared/providers/strava/client';
import { planPages } from '../../../shared/providers/strava/pages';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/strava/${name}`, import.meta.url), 'utf8'));

const BASE = 'https://strava.test';
const config: ProviderConfig = {
  name: 'strava',
  clientId: 'cid',
  clientSecret: 'csecret',
  authUrl: `${BASE}/oauth/authorize`,
  tokenUrl: `${BASE}/oauth/token`,
  revokeUrl: `${BASE}/oauth/deauthorize`,
  apiBaseUrl: `${BASE}/api/v3`,
  scopes: ['read', 'activity:read_all'],
  redirectUri: undefined,
  configured: true,
  settings: {},
};

interface Call {
  method: string;
  url: URL;
  body: string;
  headers: Headers;
}

type Handler = (call: Call) => Response | Promise<Response>;

function client(handler: Handler, now = Date.UTC(2026, 10, 25, 10, 7, 30)) {
  const calls: Call[] = [];
  const observed: RateLimitUsage[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const call = { method: init?.method ?? 'GET', url: new URL(String(input)), body: String(init?.body ?? ''), headers: new Headers(init?.headers) };
    calls.push(call);
    return handler(call);
  }) as typeof globalThis.fetch;
  const provider = new StravaProvider(config, { fetch, now: () => now, observeRateLimit: (u) => void (u && observed.push(u)) });
  return { provider, calls, observed };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const session = { tenantId: 't', userId: 'u', accessToken: 'at-1', providerUserId: '134815' };

/** `count` activities an hour apart, newest first, ids 1000+i; listed like Strava's endpoint. */
function activityApi(count: number, newestMs = Date.UTC(2026, 10, 24, 12)) {
  const template = (fixture('activities.json') as Record<string, unknown>[])[2]!;
  const all = Array.from({ length: count }, (_, i) => ({
    ...template,
    id: 1000 + i,
    name: `Run ${i}`,
    start_date: new Date(newestMs - i * 3_600_000).toISOString().replace('.000Z', 'Z'),
  }));
  const handler: Handler = (call) => {
    const q = call.url.searchParams;
    const page = Number(q.get('page') ?? 1);
    const perPage = Math.min(200, Number(q.get('per_page') ?? 30));
    const before = q.has('before') ? Number(q.get('before')) * 1000 : Number.POSITIVE_INFINITY;
    const listed = all.filter((a) => Date.parse(a.start_date) < before);
    return json(200, listed.slice((page - 1) * perPage, page * perPage), {
      'x-ratelimit-limit': '200,2000',
      'x-ratelimit-usage': '3,40',
      'x-readratelimit-limit': '100,1000',
      'x-readratelimit-usage': '3,40',
    });
  };
  return { all, handler };
}

describe('page planning', () => {
  it.each([
    [0, 30, { perPage: 30, firstPage: 1, lastPage: 1 }],
    [0, 200, { perPage: 200, firstPage: 1, lastPage: 1 }],
    [200, 200, { perPage: 200, firstPage: 2, lastPage: 2 }],
    [5, 10, { perPage: 15, firstPage: 1, lastPage: 1 }],
    [150, 100, { perPage: 125, firstPage: 2, lastPage: 2 }],
  ])('offset %i limit %i fits one request', (offset, limit, plan) => {
    expect(planPages(offset, limit)).toEqual(plan);
  });

  it('needs two requests only when no page size of at most 200 covers the range', () => {
    const plan = planPages(100, 200);
    expect(plan.lastPage - plan.firstPage + 1).toBe(2);
    const firstIndex = (plan.firstPage - 1) * plan.perPage;
    const lastIndex = plan.lastPage * plan.perPage - 1;
    expect(firstIndex).toBeLessThanOrEqual(100);
    expect(lastIndex).toBeGreaterThanOrEqual(299);
  });
});

describe('Strava OAuth calls', () => {
  it('exchanges a code with the client credentials in the body and keeps the athlete id', async () => {
    const { provider, calls } = client(() => json(200, fixture('token-exchange.json')));
    const tokens = await provider.exchangeCode({
      query: { code: 'the-code', state: 's', scope: 'read,activity:read_all' },
      redirectUri: 'https://api.example.com/callback/strava',
    });
    expect(tokens).toEqual({
      accessToken: 'a4b945687g0c8e7d6f5a4b3c2d1e0f9a8b7c6d5e',
      refreshToken: 'e5n567567a0f1f0d6a3b2c1d0e9f8a7b6c5d4e3f',
      expiresAt: 1568775134,
      scopes: ['read', 'activity:read_all'],
      providerUserId: '134815',
    });
    const sent = new URLSearchParams(calls[0]!.body);
    expect(calls[0]!.method).toBe('POST');
    expect(calls[0]!.url.pathname).toBe('/oauth/token');
    expect(Object.fromEntries(sent)).toEqual({ client_id: 'cid', client_secret: 'csecret', grant_type: 'authorization_code', code: 'the-code' });
    expect(calls[0]!.headers.get('authorization')).toBeNull();
  });

  it('refreshes without an athlete (the stored id is kept by the caller)', async () => {
    const { provider, calls } = client(() => json(200, fixture('token-refresh.json')));
    const tokens = await provider.refreshToken('old-refresh');
    expect(tokens.providerUserId).toBeUndefined();
    expect(tokens.refreshToken).toMatch(/^b5c569/);
    expect(Object.fromEntries(new URLSearchParams(calls[0]!.body))).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: 'old-refresh',
      client_id: 'cid',
    });
  });

  it('maps a refused code or refresh token, without echoing them', async () => {
    const refusal = json(400, { message: 'Bad Request', errors: [{ resource: 'AuthorizationCode', field: 'code', code: 'invalid' }] });
    const { provider } = client(() => refusal.clone());
    const exchange = provider.exchangeCode({ query: { code: 'secret-code' }, redirectUri: 'https://x.example/cb' });
    await expect(exchange).rejects.toMatchObject({ kind: 'auth_failed', status: 400 });
    await exchange.catch((e: Error) => expect(e.message).not.toContain('secret-code'));
    await expect(provider.refreshToken('secret-refresh')).rejects.toMatchObject({ kind: 'token_refresh_failed' });
  });

  it('deauthorizes with the access token', async () => {
    const { provider, calls } = client(() => json(200, { access_token: 'at-1' }));
    await provider.revokeToken(session);
    expect(calls[0]!.url.pathname).toBe('/oauth/deauthorize');
    expect(Object.fromEntries(new URLSearchParams(calls[0]!.body))).toEqual({ access_token: 'at-1' });
  });
});

describe('Strava activities paging', () => {
  const pages = (calls: Call[]) => calls.map((c) => `${c.url.searchParams.get('page')}/${c.url.searchParams.get('per_page')}`);

  it('reads one page for a first page, with the bearer token', async () => {
    const api = activityApi(500);
    const { provider, calls } = client(api.handler);
    const list = await provider.getActivities(session, { limit: 30, offset: 0 });
    expect(list.map((a) => a.id)).toEqual(api.all.slice(0, 30).map((a) => String(a.id)));
    expect(pages(calls)).toEqual(['1/30']);
    expect(calls[0]!.headers.get('authorization')).toBe('Bearer at-1');
    expect(calls[0]!.url.searchParams.has('after')).toBe(false);
  });

  it('skips offset items through the page arithmetic and spans two pages when it must', async () => {
    const api = activityApi(500);
    const { provider, calls } = client(api.handler);
    const list = await provider.getActivities(session, { limit: 200, offset: 100 });
    expect(list.map((a) => a.id)).toEqual(api.all.slice(100, 300).map((a) => String(a.id)));
    expect(calls).toHaveLength(2);
  });

  it('stops at the end of the history', async () => {
    const api = activityApi(45);
    const { provider, calls } = client(api.handler);
    expect(await provider.getActivities(session, { limit: 100, offset: 40 })).toHaveLength(5);
    expect(calls).toHaveLength(1);
  });

  it('sends before in epoch seconds and applies both bounds strictly', async () => {
    const api = activityApi(100);
    const { provider, calls } = client(api.handler);
    const before = new Date(api.all[10]!.start_date);
    const after = new Date(api.all[20]!.start_date);
    const list = await provider.getActivities(session, { limit: 50, offset: 0, before, after });
    expect(list.map((a) => a.id)).toEqual(api.all.slice(11, 20).map((a) => String(a.id)));
    expect(calls[0]!.url.searchParams.get('before')).toBe(String(before.getTime() / 1000));
    expect(calls[0]!.url.searchParams.has('after')).toBe(false);
  });

  it('stops reading pages once the after bound is passed', async () => {
    const api = activityApi(1000);
    const { provider, calls } = client(api.handler);
    const after = new Date(api.all[250]!.start_date);
    const list = await provider.getActivities(session, { limit: 200, offset: 100, after });
    expect(list.map((a) => a.id)).toEqual(api.all.slice(100, 250).map((a) => String(a.id)));
    expect(calls.length).toBeLessThanOrEqual(2);
  });

  it('reports the rate-limit usage headers of every answer', async () => {
    const api = activityApi(10);
    const { provider, observed } = client(api.handler);
    await provider.getActivities(session, { limit: 5, offset: 0 });
    expect(observed[0]).toMatchObject({ provider: 'strava', scope: 'app' });
    expect(observed[0]!.windows.map((w) => [w.name, w.remaining])).toEqual([
      ['15min', 197],
      ['daily', 1960],
      ['read_15min', 97],
      ['read_daily', 960],
    ]);
  });
});

describe('Strava single resources and failures', () => {
  it('never calls Strava for a non-numeric activity id', async () => {
    const { provider, calls } = client(() => json(200, {}));
    await expect(provider.getActivity(session, '../athlete')).rejects.toMatchObject({ kind: 'not_found' });
    expect(calls).toHaveLength(0);
  });

  it('maps 404 to not_found', async () => {
    const { provider } = client(() => json(404, { message: 'Record Not Found', errors: [{ resource: 'Activity', field: 'id', code: 'invalid' }] }));
    await expect(provider.getActivity(session, '42')).rejects.toMatchObject({ kind: 'not_found', status: 404 });
  });

  it('reads stats of the stored athlete id, or asks /athlete first when it is unknown', async () => {
    const { provider, calls } = client((call) =>
      call.url.pathname.endsWith('/stats') ? json(200, fixture('stats.json')) : json(200, fixture('athlete.json')),
    );
    expect((await provider.getStats(session)).all_time.count).toBe(675);
    expect(calls.map((c) => c.url.pathname)).toEqual(['/api/v3/athletes/134815/stats']);
    await provider.getStats({ ...session, providerUserId: undefined });
    expect(calls.slice(1).map((c) => c.url.pathname)).toEqual(['/api/v3/athlete', '/api/v3/athletes/134815/stats']);
  });

  it('turns a 429 without Retry-After into rate_limited until the next quarter hour', async () => {
    const { provider } = client(() =>
      json(429, fixture('rate-limit-exceeded.json'), {
        'x-ratelimit-limit': '200,2000',
        'x-ratelimit-usage': '201,900',
        'x-readratelimit-limit': '100,1000',
        'x-readratelimit-usage': '101,500',
      }),
    );
    const error = await provider.getAthlete(session).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'rate_limited', retryAfterSecs: 450, rateLimitScope: 'app' });
  });

  it('turns non-JSON and wrong shapes into invalid_data, and 5xx into a retryable api_error', async () => {
    const garbage = client(() => new Response('<html>oops</html>', { status: 200 }));
    await expect(garbage.provider.getAthlete(session)).rejects.toMatchObject({ kind: 'invalid_data' });
    const shape = client(() => json(200, [{ id: 'x' }]));
    await expect(shape.provider.getActivities(session, { limit: 5, offset: 0 })).rejects.toMatchObject({ kind: 'invalid_data' });
    const down = client(() => json(503, { message: 'Service Unavailable' }));
    const error = (await down.provider.getAthlete(session).catch((e: unknown) => e)) as ProviderError;
    expect(error.kind).toBe('api_error');
    expect(error.isRetryable()).toBe(true);
  });
});
