/** The HTTP contract over real HTTP against the local server (memory adapters). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../local/app';

describe('HTTP API on the local server', () => {
  let server: LocalServer;
  let token: string;
  const get = (path: string, init: RequestInit = {}) =>
    fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
  const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

  beforeAll(async () => {
    // Without simulators, providers without credentials stay unconfigured.
    server = await startLocalServer({
      simulators: false,
      env: { PIERRE_DEFAULT_PROVIDER: '', PIERRE_STRAVA_CLIENT_ID: '', STRAVA_CLIENT_ID: '' },
    });
    token = await server.issueToken('alice', 'tenant-1');
  });
  afterAll(() => server.close());

  it('serves health without a token', async () => {
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', default_provider: 'synthetic' });
  });

  it('issues development tokens at /dev/token', async () => {
    const res = await fetch(`${server.url}/dev/token?user=bob&tenant=t2`);
    const { token: bobToken } = (await res.json()) as { token: string };
    const providers = await fetch(`${server.url}/providers`, { headers: { authorization: `Bearer ${bobToken}` } });
    expect(providers.status).toBe(200);
  });

  it.each([
    ['a user id too long for the store', `user=${'u'.repeat(2_100)}&tenant=t2`, "'user'"],
    ['a tenant id too long once percent-encoded', `user=bob&tenant=${'%23'.repeat(86)}`, "'tenant'"],
    ['an empty user id', 'user=&tenant=t2', "'user'"],
  ])('refuses to mint a development token for %s (400)', async (_label, query, named) => {
    const res = await fetch(`${server.url}/dev/token?${query}`);
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain(named);
  });

  it.each([
    ['no token', undefined],
    ['a malformed token', 'Bearer not-a-jwt'],
    ['a token signed with another key', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'],
  ])('answers 401 with %s', async (_label, authorization) => {
    const res = await fetch(`${server.url}/providers`, { headers: authorization ? { authorization } : {} });
    expect(res.status).toBe(401);
    expect((await errorOf(res)).code).toBe('unauthorized');
  });

  it('lists every provider with synthetic as default and connected', async () => {
    const body = await (await get('/providers')).json();
    expect(body.default_provider).toBe('synthetic');
    const names = body.providers.map((p: { name: string }) => p.name);
    expect(names).toEqual(expect.arrayContaining(['synthetic', 'strava', 'garmin', 'fitbit', 'whoop', 'coros', 'terra']));
    const synthetic = body.providers.find((p: { name: string }) => p.name === 'synthetic');
    expect(synthetic).toMatchObject({
      connected: true,
      requires_oauth: false,
      capabilities: ['activities', 'sleep_tracking', 'recovery_metrics', 'health_metrics'],
    });
    const strava = body.providers.find((p: { name: string }) => p.name === 'strava');
    expect(strava).toMatchObject({ configured: false, connected: false, requires_oauth: true });
  });

  it('answers 503 provider_not_configured naming the variables for a provider without credentials', async () => {
    const res = await get('/connect/strava');
    expect(res.status).toBe(503);
    const error = await errorOf(res);
    expect(error.code).toBe('provider_not_configured');
    expect(error.message).toContain('PIERRE_STRAVA_CLIENT_ID');
    expect(error.message).toContain('PIERRE_STRAVA_CLIENT_SECRET');
  });

  it('connects to synthetic without OAuth', async () => {
    expect(await (await get('/connect/synthetic')).json()).toEqual({ provider: 'synthetic', connected: true });
  });

  it('reports every registered provider in /connections', async () => {
    const body = await (await get('/connections')).json();
    expect(body.providers.synthetic).toMatchObject({ connected: true, status: 'connected' });
    expect(body.providers.strava).toEqual({ connected: false, status: 'disconnected' });
  });

  it('serves the default provider activities, then one of them', async () => {
    const list = await (await get('/activities?limit=5')).json();
    expect(list.provider).toBe('synthetic');
    expect(list.activities).toHaveLength(5);
    const first = list.activities[0];
    const one = await (await get(`/activities/synthetic/${first.id}`)).json();
    expect(one.activity).toEqual(first);
  });

  it('answers 400 unsupported_feature for the laps of a provider that records none (no laps method), over REST and MCP alike', async () => {
    const [first] = (await (await get('/activities?limit=1')).json()).activities;
    const res = await get(`/activities/synthetic/${first.id}/laps`);
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toEqual({ code: 'unsupported_feature', message: "Provider 'synthetic' does not support laps" });
  });

  it.each(['/athlete', '/stats', '/personal-records', '/sleep', '/recovery', '/health-metrics'])('serves %s', async (path) => {
    const res = await get(`${path}?provider=synthetic`);
    expect(res.status).toBe(200);
    expect((await res.json()).provider).toBe('synthetic');
  });

  it.each([
    ['/activities?limit=abc', 'limit'],
    ['/activities?limit=0', 'limit'],
    ['/activities?limit=100000', 'limit'],
    ['/activities?offset=-1', 'offset'],
    ['/activities?before=yesterday', 'before'],
    ['/activities?after=2026-13-45', 'after'],
    ['/sleep?start=2026-02-30x', 'start'],
    ['/recovery?start=2026-11-20&end=2026-11-01', 'start'],
  ])('answers 400 invalid_request for %s naming %s', async (path, field) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain(`'${field}'`);
  });

  it('answers 404 unsupported_provider with the supported list', async () => {
    for (const path of ['/activities?provider=polar', '/connect/polar', '/athlete?provider=polar']) {
      const res = await get(path);
      expect(res.status).toBe(404);
      const error = await errorOf(res);
      expect(error.code).toBe('unsupported_provider');
      expect(error.message).toMatch(/^Provider 'polar' is not supported\. Supported providers: synthetic, strava/);
    }
  });

  it('answers 409 not_connected for an OAuth provider the user has not connected', async () => {
    const res = await get('/activities?provider=strava');
    expect(res.status).toBe(409);
    expect((await errorOf(res)).code).toBe('not_connected');
  });

  it('answers 400 invalid_state for unknown state on the callback', async () => {
    const res = await fetch(`${server.url}/callback/strava?code=abc&state=forged`);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('invalid_state');
    const missing = await fetch(`${server.url}/callback/strava?code=abc`);
    expect((await errorOf(missing)).code).toBe('invalid_state');
  });

  it('answers 413 for a body over 64 KiB', async () => {
    const res = await get('/connections/strava', { method: 'DELETE', body: 'x'.repeat(65 * 1024), headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe('payload_too_large');
  });

  it('answers 404 for an unknown route and 405 for a wrong method', async () => {
    expect((await get('/nope')).status).toBe(404);
    expect((await get('/providers', { method: 'POST' })).status).toBe(405);
  });

  it('refuses to disconnect the synthetic provider', async () => {
    const res = await get('/connections/synthetic', { method: 'DELETE' });
    expect(res.status).toBe(400);
  });
});
