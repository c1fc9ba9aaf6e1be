/** The WHOOP client against a scripted fake API: pagination, token calls, revoke, errors. */
import { describe, expect, it } from 'vitest';
import { resolveProviderConfig } from '../../../shared/config';
import { ProviderError } from '../../../shared/models';
import { builtinProvider } from '../../../shared/providers/builtin';

const whoopProvider = builtinProvider('whoop');
import { ProviderDescriptorSchema, type ProviderDeps } from '../../../shared/providers/spi';

const BASE = 'https://whoop.test/developer';
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 1);
/** 60 workouts, one an hour; workout i starts at T0 + i hours. */
const WORKOUTS = Array.from({ length: 60 }, (_, i) => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  user_id: 10129,
  start: new Date(T0 + i * HOUR).toISOString(),
  end: new Date(T0 + i * HOUR + 30 * 60_000).toISOString(),
  timezone_offset: 'Z',
  sport_name: 'running',
  score_state: 'SCORED',
  score: { strain: 5, average_heart_rate: 140, max_heart_rate: 170, kilojoule: 2000, percent_recorded: 100, zone_durations: {} },
}));

interface Call {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
}

function fakeWhoop(overrides: (call: Call) => Response | undefined = () => undefined) {
  const calls: Call[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const call = { method: init?.method ?? 'GET', url: new URL(String(input)), headers: new Headers(init?.headers), body: String(init?.body ?? '') };
    calls.push(call);
    const custom = overrides(call);
    if (custom) return custom;
    const q = call.url.searchParams;
    if (call.url.pathname === '/developer/v2/activity/workout') {
      const start = q.get('start') ? Date.parse(q.get('start')!) : -Infinity;
      const end = q.get('end') ? Date.parse(q.get('end')!) : Infinity;
      const matching = [...WORKOUTS].reverse().filter((w) => Date.parse(w.start) < end && Date.parse(w.end) >= start);
      const from = Number(q.get('nextToken') ?? 0);
      const limit = Number(q.get('limit') ?? 10);
      const records = matching.slice(from, from + limit);
      const next = from + limit < matching.length ? String(from + limit) : undefined;
      return Response.json({ records, ...(next && { next_token: next }) });
    }
    if (call.url.pathname === '/developer/v2/user/profile/basic') return Response.json({ user_id: 10129, email: 'a@b.c', first_name: 'A', last_name: 'B' });
    if (call.url.pathname === '/oauth/oauth2/token') {
      return Response.json({ access_token: 'at-new', expires_in: 3600, refresh_token: 'rt-new', scope: 'offline read:workout', token_type: 'bearer' });
    }
    if (call.url.pathname === '/developer/v2/user/access') return new Response(null, { status: 204 });
    return Response.json({ message: 'No resource found' }, { status: 404 });
  };
  return { calls, fetch };
}

function client(fetch: typeof globalThis.fetch, observed: unknown[] = []) {
  const descriptor = ProviderDescriptorSchema.parse(whoopProvider.descriptor);
  const config = resolveProviderConfig(descriptor, {
    PIERRE_WHOOP_CLIENT_ID: 'cid',
    PIERRE_WHOOP_CLIENT_SECRET: 'csecret',
    PIERRE_WHOOP_TOKEN_URL: 'https://whoop.test/oauth/oauth2/token',
    PIERRE_WHOOP_API_BASE_URL: BASE,
    PIERRE_WHOOP_REVOKE_URL: `${BASE}/v2/user/access`,
  });
  const deps: ProviderDeps = { fetch, now: () => T0 + 100 * HOUR, observeRateLimit: (u) => void (u && observed.push(u)) };
  return whoopProvider.create(config, deps);
}

const session = { tenantId: 't', userId: 'u', accessToken: 'at-1' };
const idOf = (i: number) => WORKOUTS[i]!.id;
const workoutCalls = (calls: Call[]) => calls.filter((c) => c.url.pathname.endsWith('/activity/workout'));

describe('WHOOP client pagination', () => {
  it('reads one page of exactly `limit` records when that is enough', async () => {
    const fake = fakeWhoop();
    const list = await client(fake.fetch).getActivities(session, { limit: 5, offset: 0 });
    expect(list.map((a) => a.id)).toEqual([59, 58, 57, 56, 55].map(idOf));
    expect(workoutCalls(fake.calls).map((c) => c.url.searchParams.get('limit'))).toEqual(['5']);
    expect(fake.calls[0]!.headers.get('authorization')).toBe('Bearer at-1');
  });

  it('follows next_token across pages for offset + limit, never asking for more than 25', async () => {
    const fake = fakeWhoop();
    const list = await client(fake.fetch).getActivities(session, { limit: 20, offset: 20 });
    expect(list.map((a) => a.id)).toEqual(Array.from({ length: 20 }, (_, k) => idOf(39 - k)));
    const calls = workoutCalls(fake.calls);
    expect(calls.map((c) => c.url.searchParams.get('limit'))).toEqual(['25', '15']);
    expect(calls.map((c) => c.url.searchParams.get('nextToken'))).toEqual([null, '25']);
  });

  it('applies before/after strictly on the start time', async () => {
    const fake = fakeWhoop();
    const before = new Date(WORKOUTS[40]!.start);
    const after = new Date(WORKOUTS[30]!.start);
    const list = await client(fake.fetch).getActivities(session, { limit: 50, offset: 0, before, after });
    expect(list.map((a) => a.id)).toEqual(Array.from({ length: 9 }, (_, k) => idOf(39 - k)));
    const first = workoutCalls(fake.calls)[0]!.url.searchParams;
    expect(first.get('end')).toBe(before.toISOString());
    expect(first.get('start')).toBe(after.toISOString());
  });

  it('stops at the end of the collection', async () => {
    const fake = fakeWhoop();
    const list = await client(fake.fetch).getActivities(session, { limit: 50, offset: 40 });
    expect(list).toHaveLength(20);
    expect(workoutCalls(fake.calls)).toHaveLength(3);
  });

  it('derives stats from one forward pass over the workouts', async () => {
    const fake = fakeWhoop();
    const stats = await client(fake.fetch).getStats(session);
    expect(stats.all_time.count).toBe(60);
    expect(workoutCalls(fake.calls)).toHaveLength(3);
  });
});

describe('WHOOP client connection calls', () => {
  it('exchanges the code in the form body, then reads the user id from the profile', async () => {
    const fake = fakeWhoop();
    const tokens = await client(fake.fetch).exchangeCode({ query: { code: 'c1', state: 's' }, redirectUri: 'https://app/cb', codeVerifier: 'v1' });
    expect(tokens).toMatchObject({ accessToken: 'at-new', refreshToken: 'rt-new', providerUserId: '10129', scopes: ['offline', 'read:workout'] });
    const form = new URLSearchParams(fake.calls[0]!.body);
    expect(Object.fromEntries(form)).toEqual({
      client_id: 'cid',
      client_secret: 'csecret',
      grant_type: 'authorization_code',
      code: 'c1',
      redirect_uri: 'https://app/cb',
      code_verifier: 'v1',
    });
    expect(fake.calls[1]!.url.pathname).toBe('/developer/v2/user/profile/basic');
    expect(fake.calls[1]!.headers.get('authorization')).toBe('Bearer at-new');
  });

  it('still connects when the profile cannot be read', async () => {
    const fake = fakeWhoop((call) => (call.url.pathname.endsWith('/profile/basic') ? new Response('{}', { status: 403 }) : undefined));
    const tokens = await client(fake.fetch).exchangeCode({ query: { code: 'c1' }, redirectUri: 'https://app/cb' });
    expect(tokens.providerUserId).toBeUndefined();
    expect(tokens.accessToken).toBe('at-new');
  });

  it('refreshes with scope=offline and client credentials in the body', async () => {
    const fake = fakeWhoop();
    await client(fake.fetch).refreshToken('rt-old');
    expect(Object.fromEntries(new URLSearchParams(fake.calls[0]!.body))).toEqual({
      client_id: 'cid',
      client_secret: 'csecret',
      grant_type: 'refresh_token',
      refresh_token: 'rt-old',
      scope: 'offline',
    });
  });

  it('revokes with DELETE /v2/user/access and the bearer token', async () => {
    const fake = fakeWhoop();
    await client(fake.fetch).revokeToken(session);
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]!.method).toBe('DELETE');
    expect(fake.calls[0]!.url.toString()).toBe(`${BASE}/v2/user/access`);
    expect(fake.calls[0]!.headers.get('authorization')).toBe('Bearer at-1');
  });
});

describe('WHOOP client errors and rate limits', () => {
  it('answers not_found for a non-UUID id without calling WHOOP, and for an unknown one', async () => {
    const fake = fakeWhoop();
    const whoop = client(fake.fetch);
    await expect(whoop.getActivity(session, '../v2/user/profile/basic')).rejects.toMatchObject({ kind: 'not_found' });
    expect(fake.calls).toHaveLength(0);
    await expect(whoop.getActivity(session, '11111111-1111-4111-8111-111111111111')).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('maps a 429 to rate_limited with X-RateLimit-Reset, Retry-After winning when present', async () => {
    const limited = (extra: Record<string, string>) =>
      fakeWhoop(
        () =>
          new Response('Too Many Requests', {
            status: 429,
            headers: { 'X-RateLimit-Limit': '100, 100;window=60, 10000;window=86400', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '17', ...extra },
          }),
      );
    const error = await client(limited({}).fetch)
      .getActivities(session, { limit: 1, offset: 0 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'rate_limited', retryAfterSecs: 17, rateLimitScope: 'app' });
    const withRetryAfter = await client(limited({ 'Retry-After': '5' }).fetch)
      .getActivities(session, { limit: 1, offset: 0 })
      .catch((e: unknown) => e);
    expect(withRetryAfter).toMatchObject({ kind: 'rate_limited', retryAfterSecs: 5 });
  });

  it('reports rate-limit usage from every response', async () => {
    const observed: unknown[] = [];
    const fake = fakeWhoop(() =>
      Response.json(
        { records: [] },
        { headers: { 'X-RateLimit-Limit': '100, 100;window=60, 10000;window=86400', 'X-RateLimit-Remaining': '97', 'X-RateLimit-Reset': '12' } },
      ),
    );
    await client(fake.fetch, observed).getActivities(session, { limit: 1, offset: 0 });
    expect(observed).toEqual([
      expect.objectContaining({ provider: 'whoop', scope: 'app', windows: [expect.objectContaining({ name: 'minute', remaining: 97 })] }),
    ]);
  });

  it('answers invalid_data for a body of the wrong shape, never leaking the token', async () => {
    const fake = fakeWhoop(() => Response.json({ records: 'nope' }));
    const error = await client(fake.fetch)
      .getActivities(session, { limit: 1, offset: 0 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'invalid_data' });
    expect(String((error as Error).message)).not.toContain('at-1');
  });
});
