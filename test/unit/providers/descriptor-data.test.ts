/**
 * What the descriptors declare is what the generic client does: the OAuth parameters, the
 * revoke style and the rate-limit header family of each built-in provider, read over a recording
 * fetch (unit level: the integration suites drive the same flows against the simulators).
 */
import { describe, expect, it } from 'vitest';
import { resolveProviderConfig } from '../../../shared/config/provider-config';
import type { RateLimitUsage } from '../../../shared/providers/rate-limit';
import { BUILTIN_DESCRIPTORS } from '../../../shared/providers/builtin-descriptors';
import { builtinProvider } from '../../../shared/providers/builtin';
import { cursorPaging, walkCursorPages } from '../../../shared/providers/pagination';
import { parseDescriptor, type ProviderDeps } from '../../../shared/providers/spi';

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
