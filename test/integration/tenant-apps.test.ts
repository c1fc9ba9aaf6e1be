/**
 * Issue 23 §1: tenants with their own provider apps, on DynamoDB (moto) and the Strava
 * simulator, one injected clock. Tenant A brings its own Strava app, tenant B uses the global
 * one: the simulator sees A's client id, their rate-limit budgets are apart, only admins manage
 * an app and only their own tenant's, no secret is ever answered or logged, a deployment may
 * refuse the global apps, and a rotated secret reaches a second container without a restart.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLocalServer, type LocalServer } from '../../local/app';
import { buildContainer, type Container } from '../../shared/app/container';
import { startConnection } from '../../shared/app/connect';
import { fetchActivities } from '../../shared/app/data';
import { listProviders } from '../../shared/app/list-providers';
import { runHealthChecks, TENANT_APPS_PER_RUN } from '../../shared/app/health-check';
import { APP_REFRESH_MS } from '../../shared/app/provider-apps';
import { CacheRequest, withCacheRequest } from '../../shared/cache/policy';
import { tenantBudget } from '../../shared/resilience/budget';
import { gatePk } from '../../shared/resilience/gate-items';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../../shared/store/dynamodb/client';
import { DynamoTenantAppStore } from '../../shared/store/dynamodb/tenant-apps';
import { generateDevKey, TokenCipher } from '../../shared/store/token-cipher';
import { uniqueName, useMoto } from '../support/aws';
import { FakeClock } from '../support/fake-clock';
import { serialDynamo } from '../support/serial-dynamo';

// Before any import builds the logger: log everything, down to debug.
vi.hoisted(() => {
  process.env['POWERTOOLS_LOG_LEVEL'] = 'DEBUG';
});

const A_CLIENT = 'tenant-a-strava-app';
const A_SECRET = `a-secret-${randomBytes(8).toString('hex')}`;
const A_ROTATED = `a-rotated-${randomBytes(8).toString('hex')}`;
const A_VERIFY = `a-verify-${randomBytes(8).toString('hex')}`;
const GLOBAL_CLIENT = 'sim-strava-client';
const GLOBAL_VERIFY = 'sim-strava-verify-token';
const alice = { tenantId: 'tenant-a', userId: 'alice' };
const bob = { tenantId: 'tenant-b', userId: 'bob' };

describe('per-tenant provider apps (moto + Strava simulator)', () => {
  const clock = new FakeClock(Date.UTC(2026, 11, 7, 12, 0, 30));
  const tables = { connections: uniqueName('conn'), cache: uniqueName('cache') };
  const tokenKeys = JSON.stringify([{ id: 'k1', key: randomBytes(32).toString('base64') }]);
  let server: LocalServer;
  let serial: Awaited<ReturnType<typeof serialDynamo>>;
  const tokens: Record<string, string> = {};
  const answers: string[] = [];
  const lines: string[] = [];
  const writes: Array<[NodeJS.WriteStream, NodeJS.WriteStream['write']]> = [];

  const call = async (who: string, path: string, init: RequestInit = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      ...init,
      headers: { ...(who && { authorization: `Bearer ${tokens[who]}` }), 'cache-control': 'no-store', ...init.headers },
    });
    const text = await res.text();
    answers.push(text);
    return { status: res.status, text, json: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  const putApp = (who: string, body: unknown) => call(who, '/admin/providers/strava', { method: 'PUT', body: JSON.stringify(body) });
  const control = (action: string, body?: unknown, method = 'POST') =>
    fetch(`${server.url}/sim/strava/_sim/${action}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const connect = async (who: string) => {
    const started = await call(who, '/connect/strava');
    expect(started.status).toBe(200);
    const consent = await fetch(started.json.authorization_url, { redirect: 'manual' });
    const callback = await fetch(consent.headers.get('location')!, { redirect: 'manual' });
    answers.push(await callback.text());
    return { authorizeUrl: new URL(started.json.authorization_url), callbackStatus: callback.status };
  };
  const issued = async () => (await (await control('clients', undefined, 'GET')).json()) as Record<string, number>;
  const otherContainer = (extra: Record<string, string> = {}) =>
    buildContainer({ env: { ...process.env, ...server.container.raw, ...extra }, stores: serial.stores(), deps: { now: clock.now }, sleep: clock.sleep });
  const read = (container: Container, identity: typeof alice) =>
    withCacheRequest(new CacheRequest('bypass'), () => fetchActivities(container, identity, 'strava', { limit: 1, offset: 0 }));

  beforeAll(async () => {
    for (const stream of [process.stdout, process.stderr]) {
      writes.push([stream, stream.write]);
      stream.write = ((chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      }) as NodeJS.WriteStream['write'];
    }
    const endpoint = useMoto();
    serial = await serialDynamo(tables, tokenKeys);
    server = await startLocalServer({
      env: { AWS_ENDPOINT_URL: endpoint, PIERRE_CONNECTIONS_TABLE: tables.connections, PIERRE_CACHE_TABLE: tables.cache, PIERRE_TOKEN_KEYS: tokenKeys },
      container: { deps: { now: clock.now }, sleep: clock.sleep },
    });
    tokens['alice'] = await server.issueToken('alice', 'tenant-a');
    tokens['bob'] = await server.issueToken('bob', 'tenant-b');
    tokens['adminA'] = await server.issueToken('admin-a', 'tenant-a', undefined, 'admin');
    tokens['adminB'] = await server.issueToken('admin-b', 'tenant-b', undefined, 'admin');
    // Tenant A's own app, registered at the provider.
    expect((await control('clients', { client_id: A_CLIENT, client_secret: A_SECRET })).status).toBe(204);
  });

  afterAll(async () => {
    for (const [stream, write] of writes) stream.write = write;
    serial?.destroy();
    await server?.close();
  });

  it('lets only an admin set an app, validates it against the provider, and never answers a secret', async () => {
    const body = { client_id: A_CLIENT, client_secret: A_SECRET, webhook_settings: { WEBHOOK_VERIFY_TOKEN: A_VERIFY, WEBHOOK_SUBSCRIPTION_ID: '4242' } };
    const notAdmin = await putApp('alice', body);
    expect(notAdmin.status).toBe(403);
    expect(notAdmin.json.error.code).toBe('forbidden');

    const wrongSetting = await putApp('adminA', { ...body, webhook_secret: A_SECRET });
    expect(wrongSetting.status).toBe(400);
    expect(wrongSetting.json.error.message).toContain('webhook_secret');
    const noSecret = await putApp('adminA', { client_id: A_CLIENT });
    expect(noSecret.status).toBe(400);
    expect(noSecret.json.error.message).toContain('client_secret');
    expect((await call('adminA', '/admin/providers/synthetic', { method: 'PUT', body: JSON.stringify(body) })).status).toBe(400);

    const set = await putApp('adminA', body);
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject({ provider: 'strava', tenant_id: 'tenant-a', client_id: A_CLIENT, client_secret: 'set' });
    expect(set.json.webhook_settings).toEqual(['WEBHOOK_SUBSCRIPTION_ID', 'WEBHOOK_VERIFY_TOKEN']);
    expect((await call('adminA', '/admin/providers/strava')).json).toEqual(set.json);
    expect((await call('alice', '/admin/providers/strava')).status).toBe(403);
    // B's admin sees only B's tenant, which has no app of its own.
    expect((await call('adminB', '/admin/providers/strava')).status).toBe(404);
  });

  it('says per tenant whose credentials each provider uses', async () => {
    const credentials = async (who: string) =>
      Object.fromEntries(((await call(who, '/providers')).json.providers as { name: string; credentials: string }[]).map((p) => [p.name, p.credentials]));
    expect(await credentials('alice')).toMatchObject({ strava: 'tenant', synthetic: 'none' });
    expect(await credentials('bob')).toMatchObject({ strava: 'global', synthetic: 'none' });
  });

  it("connects A with A's app (authorize and token exchange) and B with the global one", async () => {
    const before = await issued();
    const a = await connect('alice');
    expect(a.authorizeUrl.searchParams.get('client_id')).toBe(A_CLIENT);
    expect(a.callbackStatus).toBe(200);
    // The code was issued to A's client: only A's client id and secret could exchange it.
    expect((await issued())[A_CLIENT]).toBe((before[A_CLIENT] ?? 0) + 1);

    const b = await connect('bob');
    expect(b.authorizeUrl.searchParams.get('client_id')).toBe(GLOBAL_CLIENT);
    expect(b.callbackStatus).toBe(200);
    expect((await issued())[GLOBAL_CLIENT]).toBe((before[GLOBAL_CLIENT] ?? 0) + 1);
    expect((await call('alice', '/activities?provider=strava&limit=1')).status).toBe(200);
    expect((await call('bob', '/activities?provider=strava&limit=1')).status).toBe(200);
  });

  it("verifies webhooks to /webhooks/strava/{tenant} with that tenant's settings only", async () => {
    const challenge = (path: string, token: string) => call('', `${path}?hub.mode=subscribe&hub.challenge=c1&hub.verify_token=${token}`);
    expect((await challenge('/webhooks/strava/tenant-a', A_VERIFY)).json).toEqual({ 'hub.challenge': 'c1' });
    expect((await challenge('/webhooks/strava/tenant-a', GLOBAL_VERIFY)).status).toBe(401);
    expect((await challenge('/webhooks/strava/tenant-b', GLOBAL_VERIFY)).status).toBe(401); // B has no app of its own
    expect((await challenge('/webhooks/strava', A_VERIFY)).status).toBe(401);
    expect((await challenge('/webhooks/strava', GLOBAL_VERIFY)).status).toBe(200);
  });

  it('refuses B the global app when PIERRE_REQUIRE_TENANT_CREDENTIALS=true, on connect and on reads, and still serves A', async () => {
    const strict = await otherContainer({ PIERRE_REQUIRE_TENANT_CREDENTIALS: 'true' });
    const refusal = { status: 403, code: 'tenant_credentials_required' };
    await expect(startConnection(strict, bob, { provider: 'strava', requestOrigin: server.url })).rejects.toMatchObject(refusal);
    await expect(read(strict, bob)).rejects.toMatchObject(refusal);
    const strava = (await listProviders(strict, bob)).providers.find((p) => p.name === 'strava')!;
    expect(strava).toMatchObject({ configured: false, credentials: 'none' });

    const started = await startConnection(strict, alice, { provider: 'strava', requestOrigin: server.url });
    expect(new URL((started as { authorization_url: string }).authorization_url).searchParams.get('client_id')).toBe(A_CLIENT);
    expect((await read(strict, alice)).activities).toHaveLength(1);
  });

  it("rotates A's secret without a restart: this container at once, another within APP_REFRESH_MS", async () => {
    const second = await otherContainer();
    expect((await second.app('tenant-a', 'strava')).config.clientSecret).toBe(A_SECRET);

    // The provider issues a new secret (the old one stops working), and A's admin stores it.
    await control('clients', { client_id: A_CLIENT, client_secret: A_ROTATED });
    expect((await putApp('adminA', { client_id: A_CLIENT, client_secret: A_ROTATED })).status).toBe(200);
    expect((await server.container.app('tenant-a', 'strava')).config.clientSecret).toBe(A_ROTATED);
    await control('expire-tokens');
    const before = (await issued())[A_CLIENT]!;
    expect((await call('alice', '/activities?provider=strava&limit=1')).status).toBe(200); // refreshed with the new secret
    expect((await issued())[A_CLIENT]).toBe(before + 1);

    // The other container read A's app a moment ago: it may use it until the refresh period ends.
    expect((await second.app('tenant-a', 'strava')).config.clientSecret).toBe(A_SECRET);
    clock.ms += APP_REFRESH_MS;
    expect((await second.app('tenant-a', 'strava')).config.clientSecret).toBe(A_ROTATED);
    await control('expire-tokens');
    expect((await read(second, alice)).activities).toHaveLength(1);
  });

  it("keeps A's and B's rate-limit budgets apart: A's exhausted window leaves B reading", async () => {
    clock.ms = (Math.floor(clock.ms / 900_000) + 1) * 900_000 + 30_000; // a fresh quarter hour
    await control('rate-limits', { read_15min: 2, read_daily: 1_000 });
    expect((await call('alice', '/activities?provider=strava&limit=1')).status).toBe(200);
    expect((await call('alice', '/activities?provider=strava&limit=1')).status).toBe(200);
    const refused = await call('alice', '/activities?provider=strava&limit=1');
    expect(refused.status).toBe(202); // A's window is used up: queued
    expect((await call('bob', '/activities?provider=strava&limit=1')).status).toBe(200);
    expect((await call('bob', '/activities?provider=strava&limit=1')).status).toBe(200);

    const budgetA = tenantBudget('strava', 'tenant-a', A_CLIENT);
    const gates = server.container.coordination;
    expect((await gates.list(gatePk(budgetA), clock.ms)).has('app')).toBe(true);
    expect((await gates.list(gatePk('strava'), clock.ms)).has('app')).toBe(true);
  });

  it('lets an operator set, show and delete an app with npm run tenant, the secret from stdin and never printed', async () => {
    const env = { ...process.env, PIERRE_CONNECTIONS_TABLE: tables.connections, PIERRE_CACHE_TABLE: tables.cache, PIERRE_TOKEN_KEYS: tokenKeys };
    const tenant = (stdin: string | undefined, ...args: string[]) =>
      new Promise<{ code: number; out: string }>((resolve) => {
        const child = execFile('npm', ['run', '--silent', 'tenant', '--', ...args], { env }, (error, stdout, stderr) => {
          answers.push(stdout, stderr);
          resolve({ code: error ? Number(error.code ?? 1) : 0, out: error ? stderr : stdout });
        });
        child.stdin!.end(stdin ?? '');
      });
    const set = await tenant(JSON.stringify({ client_id: 'c-app', client_secret: A_SECRET }), 'set', 'tenant-c', 'strava');
    expect(set.code).toBe(0);
    expect(JSON.parse(set.out)).toMatchObject({ tenant_id: 'tenant-c', client_id: 'c-app', client_secret: 'set' });
    expect((await server.container.tenantApps.get('tenant-c', 'strava'))?.clientSecret).toBe(A_SECRET);
    expect(JSON.parse((await tenant(undefined, 'show', 'tenant-c')).out)).toEqual([expect.objectContaining({ provider: 'strava', client_id: 'c-app' })]);
    const refused = await tenant('{"client_id":"c-app"}', 'set', 'tenant-c', 'strava');
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('client_secret');
    // The operator's environment lends no global Strava app (the simulator's is the server's alone).
    expect(JSON.parse((await tenant(undefined, 'delete', 'tenant-c', 'strava')).out)).toMatchObject({ deleted: true, credentials: 'none' });
    expect(await server.container.tenantApps.get('tenant-c', 'strava')).toBeUndefined();
  }, 120_000);

  it("probes tenants' apps on the schedule, a bounded number per run, every one within a few runs", async () => {
    await control('rate-limits', { read_15min: 100, read_daily: 1_000 });
    const extra = Array.from({ length: TENANT_APPS_PER_RUN + 5 }, (_, i) => `tenant-h${String(i).padStart(2, '0')}`);
    for (const tenantId of extra) {
      await server.container.tenantApps.put({
        tenantId,
        provider: 'strava',
        clientId: `${tenantId}-app`,
        clientSecret: A_SECRET,
        webhookSettings: {},
        updatedAt: new Date(clock.ms).toISOString(),
      });
    }
    const budgets = new Set([tenantBudget('strava', 'tenant-a', A_CLIENT), ...extra.map((t) => tenantBudget('strava', t, `${t}-app`))]);
    const probed = new Set<string>();
    for (let run = 0; run < 3; run++) {
      const results = await runHealthChecks(server.container);
      const tenantResults = results.filter((r) => r.provider.includes('@'));
      expect(tenantResults.length).toBeLessThanOrEqual(TENANT_APPS_PER_RUN);
      expect(results.find((r) => r.provider === 'strava')?.healthy).toBe(true); // the global app every run
      for (const r of tenantResults) probed.add(r.provider);
    }
    for (const budget of budgets) expect(probed.has(budget), budget).toBe(true);
    const recorded = await server.container.coordination.list('health#apps', clock.ms);
    expect(recorded.get(tenantBudget('strava', 'tenant-a', A_CLIENT))?.['healthy']).toBe(true);
    for (const tenantId of extra) await server.container.tenantApps.delete(tenantId, 'strava');
  });

  it('refuses (409) rather than fall back when a tenant app cannot be opened', async () => {
    const dynamo = new DynamoDBClient({});
    try {
      const elsewhere = new DynamoTenantAppStore(await createDocumentClient(dynamo), tables.connections, new TokenCipher([generateDevKey()]));
      await elsewhere.put({
        tenantId: 'tenant-z',
        provider: 'strava',
        clientId: 'z-app',
        clientSecret: A_SECRET,
        webhookSettings: {},
        updatedAt: new Date(clock.ms).toISOString(),
      });
    } finally {
      dynamo.destroy();
    }
    tokens['zoe'] = await server.issueToken('zoe', 'tenant-z');
    const refused = await call('zoe', '/connect/strava');
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('tenant_app_unreadable');
  });

  it('never answered or logged a secret', () => {
    const everything = [...answers, ...lines].join('\n');
    expect(lines.join('')).toContain('tenant provider app set'); // the capture works
    for (const secret of [A_SECRET, A_ROTATED, A_VERIFY]) expect(everything).not.toContain(secret);
  });
});
