import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../local/app';
import { providerRegistry } from '../../shared/providers';
import { acmeFactory, startAcmeApi } from '../support/custom-provider';

describe('a custom provider registered from test code only', () => {
  let server: LocalServer;
  let acme: Awaited<ReturnType<typeof startAcmeApi>>;
  let token: string;
  const get = (path: string) => fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    acme = await startAcmeApi();
    providerRegistry.register(acmeFactory);
    server = await startLocalServer({
      simulators: false,
      env: {
        PIERRE_ACME_CLIENT_ID: 'acme-client',
        PIERRE_ACME_CLIENT_SECRET: 'acme-secret',
        PIERRE_ACME_AUTH_URL: `${acme.url}/oauth/authorize`,
        PIERRE_ACME_TOKEN_URL: `${acme.url}/oauth/token`,
        PIERRE_ACME_API_BASE_URL: `${acme.url}/api`,
      },
    });
    token = await server.issueToken('user-1', 'tenant-1');
  });

  afterAll(async () => {
    await server.close();
    providerRegistry.unregister('acme');
    acme.server.close();
  });

  it('is listed by GET /providers with its capabilities', async () => {
    const body = await (await get('/providers')).json();
    const entry = body.providers.find((p: { name: string }) => p.name === 'acme');
    expect(entry).toMatchObject({
      name: 'acme',
      display_name: 'Acme Fitness',
      capabilities: ['oauth', 'activities'],
      requires_oauth: true,
      configured: true,
      connected: false,
    });
  });

  it('appears in the supported providers of error messages', async () => {
    const res = await get('/activities?provider=nope');
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body.error.code).toBe('unsupported_provider');
    expect(body.error.message).toMatch(/^Provider 'nope' is not supported\. Supported providers: .*\bacme\b/);
  });

  it('connects through its own OAuth endpoints and serves data', async () => {
    expect((await (await get('/connections')).json()).providers.acme).toEqual({ connected: false, status: 'disconnected' });

    const connect = await (await get('/connect/acme')).json();
    const authorize = new URL(connect.authorization_url);
    expect(authorize.origin).toBe(acme.url);
    expect(authorize.searchParams.get('prompt')).toBe('consent');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');

    const consent = await fetch(authorize, { redirect: 'manual' });
    const callback = consent.headers.get('location');
    expect(callback).toContain(`${server.url}/callback/acme`);
    const done = await fetch(callback!);
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ provider: 'acme', connected: true, scopes: ['workouts'] });

    expect((await (await get('/connections')).json()).providers.acme).toMatchObject({ connected: true, status: 'connected' });
    const activities = await (await get('/activities?provider=acme')).json();
    expect(activities).toMatchObject({ provider: 'acme', activities: [{ id: 'w1', name: 'Lunch run', distance_meters: 6000 }] });
  });
});
