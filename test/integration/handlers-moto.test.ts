/**
 * Lambda handlers end to end with real API Gateway v2 events: configuration from Secrets
 * Manager and tokens, state and cache in DynamoDB, all on moto; the provider is the
 * test-only Acme provider served over HTTP on loopback.
 */
import { randomBytes } from 'node:crypto';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContainer, setContainer } from '../../shared/app/container';
import { providerRegistry } from '../../shared/providers';
import { ensureTables } from '../../shared/store/dynamodb/schema';
import { uniqueName, useMoto } from '../support/aws';
import { acmeFactory, startAcmeApi } from '../support/custom-provider';
import { claimsFor, invoke } from '../support/events';

const ENV_KEYS = ['PIERRE_CONFIG_SECRET_ID', 'PIERRE_CONNECTIONS_TABLE', 'PIERRE_CACHE_TABLE', 'PIERRE_ACME_CLIENT_SECRET'];

describe('handlers against moto (DynamoDB + Secrets Manager)', () => {
  let acme: Awaited<ReturnType<typeof startAcmeApi>>;
  let dynamo: DynamoDBClient;
  let tables: { connections: string; cache: string };
  const saved: Record<string, string | undefined> = {};
  const alice = claimsFor('alice', 'tenant-1');

  beforeAll(async () => {
    useMoto();
    acme = await startAcmeApi();
    providerRegistry.register(acmeFactory);
    dynamo = new DynamoDBClient({});
    tables = { connections: uniqueName('conn'), cache: uniqueName('cache') };
    await ensureTables(dynamo, tables);
    const secretName = uniqueName('pierre-config');
    const secrets = new SecretsManagerClient({});
    await secrets.send(
      new CreateSecretCommand({
        Name: secretName,
        SecretString: JSON.stringify({
          PIERRE_TOKEN_KEYS: [{ id: 'k1', key: randomBytes(32).toString('base64') }],
          PIERRE_ALLOWED_RETURN_ORIGINS: 'https://app.example.com',
          PIERRE_ACME_CLIENT_ID: 'from-secret',
          PIERRE_ACME_CLIENT_SECRET: 'overridden-by-env',
          PIERRE_ACME_AUTH_URL: `${acme.url}/oauth/authorize`,
          PIERRE_ACME_TOKEN_URL: `${acme.url}/oauth/token`,
          PIERRE_ACME_API_BASE_URL: `${acme.url}/api`,
        }),
      }),
    );
    secrets.destroy();
    for (const key of ENV_KEYS) saved[key] = process.env[key];
    process.env['PIERRE_CONFIG_SECRET_ID'] = secretName;
    process.env['PIERRE_CONNECTIONS_TABLE'] = tables.connections;
    process.env['PIERRE_CACHE_TABLE'] = tables.cache;
    process.env['PIERRE_ACME_CLIENT_SECRET'] = 'from-env';
    setContainer(undefined); // the handlers build their container from this environment
  });

  afterAll(() => {
    for (const key of ENV_KEYS) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    setContainer(undefined);
    providerRegistry.unregister('acme');
    acme.server.close();
    dynamo.destroy();
  });

  it('reads PIERRE_* from the secret, overlaid by the environment', async () => {
    const container = await buildContainer();
    const config = container.providerConfig('acme');
    expect(config.clientId).toBe('from-secret');
    expect(config.clientSecret).toBe('from-env');
    expect(container.config.returnTargets.origins).toEqual(['https://app.example.com']);
  });

  it('answers 401 without authorizer claims, or without the tenant claim', async () => {
    const anonymous = await invoke({ path: '/providers' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.error.code).toBe('unauthorized');
    const noTenant = await invoke({ path: '/providers', claims: { sub: 'alice' } });
    expect(noTenant.status).toBe(401);
    expect(noTenant.json.error.message).toContain('tenant_id');
  });

  describe('identity claims too large for the store', () => {
    const long = 'u'.repeat(2_100);
    it.each([
      ['sub', { sub: long, tenant_id: 'tenant-1' }],
      ['tenant_id', { sub: 'alice', tenant_id: long }],
      ['tenant_id', { sub: 'alice', tenant_id: '#'.repeat(86) }], // 86 bytes, 258 percent-encoded
      ['sub', { sub: 'a\ud800b', tenant_id: 'tenant-1' }], // a lone surrogate no key can hold
    ])('answer 401 naming the %s claim before any flow starts, on every authenticated route', async (name, claims) => {
      const routes = [
        { path: '/connect/acme' },
        { path: '/providers' },
        { path: '/connections' },
        { path: '/activities', query: { provider: 'acme' } },
        { method: 'DELETE' as const, path: '/connections/acme' },
        { method: 'POST' as const, path: '/mcp', body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' },
      ];
      for (const route of routes) {
        const res = await invoke({ ...route, claims });
        expect(res.status, `${route.path}: ${JSON.stringify(res.json)}`).toBe(401);
        expect(res.json.error).toEqual({ code: 'unauthorized', message: expect.stringContaining(`'${name}' claim`) });
        expect(res.json.error.message).not.toContain(claims.sub === 'alice' ? claims.tenant_id : claims.sub);
      }
    });

    it('connect and callback work for ids of 256 bytes percent-encoded, the most accepted', async () => {
      const claims = { sub: `${'#'.repeat(85)}a`, tenant_id: `${'é'.repeat(42)}abcd` }; // 85*3+1 and 42*6+4 bytes
      const connect = await invoke({ path: '/connect/acme', claims });
      expect(connect.status).toBe(200);
      const consent = await fetch(connect.json.authorization_url, { redirect: 'manual' });
      const callback = await invoke({ path: '/callback/acme', query: Object.fromEntries(new URL(consent.headers.get('location')!).searchParams) });
      expect(callback.status).toBe(200);
      expect((await invoke({ path: '/connections', claims })).json.providers.acme.connected).toBe(true);
    });
  });

  it('connects, stores sealed tokens in DynamoDB, serves data and disconnects', async () => {
    const connect = await invoke({ path: '/connect/acme', claims: alice });
    expect(connect.status).toBe(200);
    expect(connect.json).toMatchObject({ provider: 'acme', expires_in: 600 });
    const authorize = new URL(connect.json.authorization_url);
    expect(authorize.searchParams.get('redirect_uri')).toBe('https://api.example.com/callback/acme');
    expect(authorize.searchParams.get('state')).toBe(connect.json.state);

    const consent = await fetch(authorize, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    const query = Object.fromEntries(back.searchParams);
    const callback = await invoke({ path: '/callback/acme', query });
    expect(callback.status).toBe(200);
    expect(callback.json).toMatchObject({ provider: 'acme', connected: true, scopes: ['workouts'] });
    expect(Date.parse(callback.json.expires_at)).toBeGreaterThan(Date.now());

    const replay = await invoke({ path: '/callback/acme', query });
    expect(replay.status).toBe(400);
    expect(replay.json.error.code).toBe('invalid_state');

    const items = await dynamo.send(new ScanCommand({ TableName: tables.connections }));
    const raw = JSON.stringify(items.Items);
    expect(raw).toContain('CONN#acme');
    expect(raw).not.toContain('acme-access');
    expect(raw).not.toContain('acme-refresh');

    const status = await invoke({ path: '/connections', claims: alice });
    expect(status.json.providers.acme).toMatchObject({ connected: true, status: 'connected', scopes: ['workouts'] });
    const otherUser = await invoke({ path: '/connections', claims: claimsFor('alice', 'tenant-2') });
    expect(otherUser.json.providers.acme).toEqual({ connected: false, status: 'disconnected' });

    const activities = await invoke({ path: '/activities', query: { provider: 'acme' }, claims: alice });
    expect(activities.json.activities.map((a: { id: string }) => a.id)).toEqual(['w1']);

    const removed = await invoke({ method: 'DELETE', path: '/connections/acme', claims: alice });
    expect(removed.json).toEqual({ provider: 'acme', connected: false, status: 'disconnected' });
    const after = await invoke({ path: '/activities', query: { provider: 'acme' }, claims: alice });
    expect(after.status).toBe(409);
    expect(after.json.error.code).toBe('not_connected');
  });

  it('builds the callback URL from the API domain, never from Host or X-Forwarded-Host', async () => {
    const headers = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' };
    const connect = await invoke({ path: '/connect/acme', claims: alice, headers });
    expect(connect.status).toBe(200);
    expect(new URL(connect.json.authorization_url).searchParams.get('redirect_uri')).toBe('https://api.example.com/callback/acme');
  });

  it.each(['javascript:alert(document.domain)//', 'data:text/html,x', 'vbscript:x', 'file:///etc/passwd'])('refuses the return_to %s', async (returnTo) => {
    const refused = await invoke({ path: '/connect/acme', query: { return_to: returnTo }, claims: alice });
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe('invalid_request');
  });

  it('sends the browser back to an allowed return_to, and refuses other origins', async () => {
    const refused = await invoke({ path: '/connect/acme', query: { return_to: 'https://evil.example.net/x' }, claims: alice });
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toContain("'return_to'");

    const connect = await invoke({ path: '/connect/acme', query: { return_to: 'https://app.example.com/done' }, claims: alice });
    const consent = await fetch(connect.json.authorization_url, { redirect: 'manual' });
    const query = Object.fromEntries(new URL(consent.headers.get('location')!).searchParams);
    const callback = await invoke({ path: '/callback/acme', query });
    expect(callback.status).toBe(302);
    const location = new URL(callback.headers['location']!);
    expect(location.origin + location.pathname).toBe('https://app.example.com/done');
    expect(location.searchParams.get('provider')).toBe('acme');
    expect(location.searchParams.get('status')).toBe('connected');
  });

  it('redirects with status=error when the user denies consent, and consumes the state', async () => {
    const connect = await invoke({ path: '/connect/acme', query: { return_to: 'https://app.example.com/done' }, claims: alice });
    const denied = await invoke({ path: '/callback/acme', query: { state: connect.json.state, error: 'access_denied' } });
    expect(denied.status).toBe(302);
    const location = new URL(denied.headers['location']!);
    expect(location.searchParams.get('status')).toBe('error');
    expect(location.searchParams.get('error')).toBe('access_denied');
    const again = await invoke({ path: '/callback/acme', query: { state: connect.json.state, code: 'x' } });
    expect(again.json.error.code).toBe('invalid_state');
  });

  it('rejects a state issued for another provider without consuming it: the real callback still connects', async () => {
    const connect = await invoke({ path: '/connect/acme', claims: alice });
    const consent = await fetch(connect.json.authorization_url, { redirect: 'manual' });
    const query = Object.fromEntries(new URL(consent.headers.get('location')!).searchParams);
    for (const other of ['strava', 'synthetic']) {
      const res = await invoke({ path: `/callback/${other}`, query });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('invalid_state');
    }
    const callback = await invoke({ path: '/callback/acme', query });
    expect(callback.status).toBe(200);
    expect(callback.json).toMatchObject({ provider: 'acme', connected: true });
  });

  it('answers unsupported_feature for sleep on an activity-only provider', async () => {
    const res = await invoke({ path: '/sleep', query: { provider: 'acme' }, claims: alice });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('unsupported_feature');
  });

  it('fails to start with an unknown PIERRE_DEFAULT_PROVIDER, naming the supported providers', async () => {
    await expect(buildContainer({ env: { ...process.env, PIERRE_DEFAULT_PROVIDER: 'polar' } })).rejects.toThrow(
      /PIERRE_DEFAULT_PROVIDER 'polar'.*Supported providers: synthetic, strava/,
    );
  });
});
