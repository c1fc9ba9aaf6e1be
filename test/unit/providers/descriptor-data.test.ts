/**
 * What the descriptors declare is what the generic client does: the OAuth parameters, the
 * revoke style and the rate-limit header family of each built-in provider, read over a recording
 * fetch (unit level: the integration suites drive the same flows against the simulators).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { resolveProviderConfig } from '../../../shared/config/provider-config';
import type { RateLimitUsage } from '../../../shared/providers/rate-limit';
import { BUILTIN_DESCRIPTORS } from '../../../shared/providers/builtin-descriptors';
import { builtinProvider } from '../../../shared/providers/builtin';
import { cursorPaging, walkCursorPages } from '../../../shared/providers/pagination';
import { BaseProvider } from '../../../shared/providers/base';
import { parseDescriptor, type ProviderDeps, type ProviderDescriptorInput } from '../../../shared/providers/spi';

const NOW = Date.UTC(2026, 11, 7, 12, 0, 30);

interface Call {
  method: string;
  url: URL;
  headers: Headers;
  form: URLSearchParams;
}

function recorder(answer: (call: Call) => Response = () => Response.json({ access_token: 'at', refresh_token: 'rt', expires_in: 60 })) {
  const calls: Call[] = [];
  const fetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const call = {
      method: init.method ?? 'GET',
      url: new URL(String(input)),
      headers: new Headers(init.headers),
      form: new URLSearchParams(typeof init.body === 'string' ? init.body : ''),
    };
    calls.push(call);
    return answer(call);
  }) as typeof globalThis.fetch;
  return { calls, fetch };
}

function create(name: string, fetch: typeof globalThis.fetch, extra: Partial<ProviderDeps> = {}) {
  const descriptor = parseDescriptor(BUILTIN_DESCRIPTORS.find((d) => d.name === name)!);
  const upper = name.toUpperCase();
  const config = resolveProviderConfig(descriptor, { [`PIERRE_${upper}_CLIENT_ID`]: 'cid', [`PIERRE_${upper}_CLIENT_SECRET`]: 'csecret' });
  return builtinProvider(name).create(config, { fetch, now: () => NOW, ...extra });
}

const session = { tenantId: 't', userId: 'u', accessToken: 'access-1' };
const authorize = { tenantId: 't', userId: 'u', state: 'st', redirectUri: 'https://app.example/callback', scopes: ['a', 'b'], codeChallenge: 'cc' };

describe('descriptor data drives the generic OAuth client', () => {
  it('leaves scope out of the authorize URL only where the descriptor says so (Garmin)', async () => {
    for (const name of ['strava', 'garmin', 'fitbit', 'whoop', 'coros']) {
      const url = new URL(await create(name, recorder().fetch).authorizationUrl(authorize));
      expect(url.searchParams.has('scope'), name).toBe(name !== 'garmin');
      expect(url.searchParams.get('code_challenge'), name).toBe(['garmin', 'fitbit', 'whoop'].includes(name) ? 'cc' : null);
    }
  });

  it("sends redirect_uri with the code except to Strava, and reads Strava's athlete id from the token answer", async () => {
    const { calls, fetch } = recorder(() => Response.json({ access_token: 'at', refresh_token: 'rt', expires_in: 60, athlete: { id: 12345 } }));
    const tokens = await create('strava', fetch).exchangeCode({ query: { code: 'c', scope: 'read,activity:read_all' }, redirectUri: 'https://app.example/cb' });
    expect(calls[0]!.form.has('redirect_uri')).toBe(false);
    expect(tokens).toMatchObject({ providerUserId: '12345', scopes: ['read', 'activity:read_all'] });
    const other = recorder(() => Response.json({ access_token: 'at', expires_in: 60 }));
    await create('whoop', other.fetch)
      .exchangeCode({ query: { code: 'c' }, redirectUri: 'https://app.example/cb' })
      .catch(() => undefined);
    expect(other.calls[0]!.form.get('redirect_uri')).toBe('https://app.example/cb');
  });

  it('adds scope=offline to a WHOOP refresh only, and ignores the scope of a Garmin token answer', async () => {
    for (const name of ['whoop', 'strava', 'fitbit', 'garmin']) {
      const { calls, fetch } = recorder(() => Response.json({ access_token: 'at', refresh_token: 'rt', expires_in: 60, scope: 'CONNECT_READ' }));
      const tokens = await create(name, fetch).refreshToken('rt-old');
      expect(calls[0]!.form.get('scope'), name).toBe(name === 'whoop' ? 'offline' : null);
      expect(tokens.scopes, name).toEqual(name === 'garmin' ? [] : ['CONNECT_READ']);
    }
  });

  it.each([
    { name: 'strava', method: 'POST', field: 'access_token', clientAuth: false, bearer: false },
    { name: 'fitbit', method: 'POST', field: 'token', clientAuth: false, bearer: false },
    { name: 'coros', method: 'POST', field: 'token', clientAuth: false, bearer: false },
    { name: 'garmin', method: 'DELETE', field: undefined, clientAuth: false, bearer: true },
    { name: 'whoop', method: 'DELETE', field: undefined, clientAuth: false, bearer: true },
  ])('revokes $name in its style', async ({ name, method, field, clientAuth, bearer }) => {
    const { calls, fetch } = recorder(() => (method === 'DELETE' ? new Response(null, { status: 204 }) : Response.json({ result: '0000', message: 'OK' })));
    await create(name, fetch).revokeToken(session);
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call!.method).toBe(method);
    expect(call!.url.toString()).toBe(parseDescriptor(BUILTIN_DESCRIPTORS.find((d) => d.name === name)!).oauthEndpoints!.revokeUrl);
    if (field) expect(call!.form.get(field)).toBe('access-1');
    expect(call!.form.has('client_secret')).toBe(clientAuth);
    expect(call!.headers.get('authorization')).toBe(bearer ? 'Bearer access-1' : null);
  });
});

describe('descriptor data drives the rate-limit header family', () => {
  it.each([
    ['garmin', 'minute'],
    ['coros', 'window'],
  ])('%s reports the X-RateLimit-* trio of any answer as its %s window', async (name, window) => {
    const observed: (RateLimitUsage | undefined)[] = [];
    const headers = { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '9', 'x-ratelimit-reset': '20' };
    const { fetch } = recorder(() => new Response(null, { status: 204, headers }));
    await create(name, fetch, { observeRateLimit: (usage) => void observed.push(usage) })
      .revokeToken(session)
      .catch(() => undefined);
    expect(observed[0]).toEqual({
      provider: name,
      scope: 'app',
      windows: [{ name: window, limit: 100, remaining: 9, resets_at: Math.floor(NOW / 1000) + 20 }],
      observed_at: Math.floor(NOW / 1000),
    });
  });

  it('waits for the next minute after a bare 429 from Garmin or COROS', async () => {
    for (const name of ['garmin', 'coros']) {
      const { fetch } = recorder(() => new Response('{}', { status: 429 }));
      await expect(create(name, fetch).revokeToken(session), name).rejects.toMatchObject({ kind: 'rate_limited', retryAfterSecs: 30 });
    }
  });
});

describe('descriptor data drives the cursor pager', () => {
  const paging = (name: string) => cursorPaging(parseDescriptor(BUILTIN_DESCRIPTORS.find((d) => d.name === name)!));
  /** Pages of a fake collection: each answer names the token it was asked with. */
  const walk = async (name: string, pages: { items: number[]; next?: string }[]) => {
    const { itemsField, nextField, tokenParam } = paging(name);
    const asked: Record<string, string>[] = [];
    const seen: number[] = [];
    await walkCursorPages<number>(
      paging(name),
      async (cursor) => {
        asked.push(cursor);
        const page = pages[asked.length - 1] ?? { items: [] };
        return { [itemsField]: page.items, ...(page.next !== undefined && { [nextField]: page.next }) };
      },
      (items) => {
        seen.push(...items);
        return true;
      },
    );
    return { seen, asked: asked.map((c) => c[tokenParam]) };
  };

  it('names the token where each provider wants it, and stops on a missing token', async () => {
    expect(await walk('whoop', [{ items: [1], next: 'a' }, { items: [2] }])).toEqual({ seen: [1, 2], asked: [undefined, 'a'] });
    expect(
      await walk('fitbit', [
        { items: [1], next: 'p' },
        { items: [2], next: '' },
      ]),
    ).toEqual({ seen: [1, 2], asked: [undefined, 'p'] });
  });

  it('ends a WHOOP walk on an empty page or a repeated token, but goes on through Google empty pages', async () => {
    expect((await walk('whoop', [{ items: [1], next: 'a' }, { items: [], next: 'b' }, { items: [3] }])).seen).toEqual([1]);
    expect((await walk('whoop', [{ items: [1], next: 'a' }, { items: [2], next: 'a' }, { items: [3] }])).seen).toEqual([1, 2]);
    expect((await walk('fitbit', [{ items: [1], next: 'a' }, { items: [], next: 'a' }, { items: [3] }])).seen).toEqual([1, 3]);
  });
});

/** A small HTTP server standing in for a provider: a token endpoint, and JSON answers by path. */
async function providerServer(answers: Record<string, { status?: number; body: unknown }>) {
  const requests: { method: string; path: string; authorization: string | undefined }[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    requests.push({ method: req.method ?? 'GET', path, authorization: req.headers.authorization });
    req.resume();
    req.on('end', () => {
      const answer = path === '/token' ? { body: { access_token: 'fresh-at', refresh_token: 'rt', expires_in: 3600 } } : answers[path];
      res.writeHead(answer ? (answer.status ?? 200) : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer?.body ?? { error: 'not found' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

type Served = Awaited<ReturnType<typeof providerServer>>;

function against(server: Served, input: ProviderDescriptorInput) {
  const descriptor = parseDescriptor(input);
  const upper = descriptor.name.toUpperCase();
  return resolveProviderConfig(descriptor, {
    [`PIERRE_${upper}_CLIENT_ID`]: 'cid',
    [`PIERRE_${upper}_CLIENT_SECRET`]: 'csecret',
    [`PIERRE_${upper}_TOKEN_URL`]: `${server.base}/token`,
    [`PIERRE_${upper}_API_BASE_URL`]: `${server.base}/api`,
  });
}

const exchange = { query: { code: 'c' }, redirectUri: 'https://app.example/cb' };

/** A provider with no code of its own for the connection: only its descriptor. */
class DescribedOnly extends BaseProvider {
  getAthlete(): Promise<never> {
    return this.unsupported('athlete');
  }
  getActivities(): Promise<never> {
    return this.unsupported('activities');
  }
  getActivity(): Promise<never> {
    return this.unsupported('activities');
  }
}

const DESCRIBED = {
  name: 'described',
  displayName: 'Described',
  capabilities: 0,
  connection: 'oauth2',
  oauthEndpoints: { authUrl: 'https://described.example/auth', tokenUrl: 'https://described.example/token' },
  oauthParams: { identity: { path: 'v1/me', idField: 'user.id' } },
  apiBaseUrl: 'https://described.example/api',
} satisfies ProviderDescriptorInput;

describe('descriptor data drives the identity read after the code exchange', () => {
  it("reads the user id at the described path and field, with the new grant's bearer token", async () => {
    const server = await providerServer({ '/api/v1/me': { body: { user: { id: 4711, name: 'x' } } } });
    try {
      const tokens = await new DescribedOnly(DESCRIBED, against(server, DESCRIBED), { fetch: globalThis.fetch, now: () => NOW }).exchangeCode(exchange);
      expect(tokens).toMatchObject({ accessToken: 'fresh-at', providerUserId: '4711' });
      expect(server.requests.slice(1)).toEqual([{ method: 'GET', path: '/api/v1/me', authorization: 'Bearer fresh-at' }]);
    } finally {
      await server.close();
    }
  });

  it('fails the connection when the identity answer lacks the id, unless the descriptor says the id is optional', async () => {
    const server = await providerServer({ '/api/v1/me': { body: { user: {} } } });
    try {
      const strict = new DescribedOnly(DESCRIBED, against(server, DESCRIBED), { fetch: globalThis.fetch, now: () => NOW });
      await expect(strict.exchangeCode(exchange)).rejects.toMatchObject({ kind: 'invalid_data' });
      const lenient = { ...DESCRIBED, oauthParams: { identity: { ...DESCRIBED.oauthParams.identity, optional: true } } };
      const tokens = await new DescribedOnly(lenient, against(server, lenient), { fetch: globalThis.fetch, now: () => NOW }).exchangeCode(exchange);
      expect(tokens.accessToken).toBe('fresh-at');
      expect(tokens.providerUserId).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it.each([
    { name: 'whoop', path: '/api/v2/user/profile/basic', body: { user_id: 10129, email: 'a@b.c' }, id: '10129' },
    { name: 'fitbit', path: '/api/users/me/identity', body: { healthUserId: 'hu-1', legacyUserId: 'L' }, id: 'hu-1' },
    { name: 'garmin', path: '/api/user/id', body: { userId: 'g-77' }, id: 'g-77' },
  ])('$name names the user from its described identity endpoint', async ({ name, path, body, id }) => {
    const server = await providerServer({ [path]: { body }, '/api/user/permissions': { body: ['ACTIVITY_EXPORT'] } });
    try {
      const descriptor = BUILTIN_DESCRIPTORS.find((d) => d.name === name)!;
      const tokens = await builtinProvider(name)
        .create(against(server, descriptor), { fetch: globalThis.fetch, now: () => NOW })
        .exchangeCode(exchange);
      expect(tokens.providerUserId).toBe(id);
      expect(server.requests.filter((r) => r.path === path)).toEqual([{ method: 'GET', path, authorization: 'Bearer fresh-at' }]);
      if (name === 'garmin') expect(tokens.scopes).toEqual(['ACTIVITY_EXPORT']);
    } finally {
      await server.close();
    }
  });

  it('refuses an id of the wrong shape (Google), keeps a WHOOP connection without its profile, and asks Strava nothing more', async () => {
    const server = await providerServer({
      '/api/users/me/identity': { body: { healthUserId: '../other-user' } },
      '/api/v2/user/profile/basic': { status: 401, body: { error: 'missing read:profile' } },
    });
    try {
      const make = (name: string) =>
        builtinProvider(name).create(against(server, BUILTIN_DESCRIPTORS.find((d) => d.name === name)!), { fetch: globalThis.fetch, now: () => NOW });
      await expect(make('fitbit').exchangeCode(exchange)).rejects.toMatchObject({ kind: 'invalid_data' });
      const whoop = await make('whoop').exchangeCode(exchange);
      expect(whoop.accessToken).toBe('fresh-at');
      expect(whoop.providerUserId).toBeUndefined();
      const before = server.requests.length;
      await make('strava').exchangeCode(exchange);
      expect(server.requests.slice(before).map((r) => r.path)).toEqual(['/token']);
    } finally {
      await server.close();
    }
  });
});
