/**
 * Erasure on DynamoDB (moto) against the Strava simulator: after DELETE /users/me a scan of
 * both tables finds no item naming the user but the `user.erased` receipt, another user's data stays whole, Strava was told
 * (its token no longer works there), `user.erased` was published, a second erasure answers a
 * receipt of nothing, and two containers erasing one user at once both succeed.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../local/app';
import { buildContainer, type Container } from '../../shared/app/container';
import { deauthorizationCheckPk, DEAUTHORIZATION_CHECK_SK } from '../../shared/app/deauthorization';
import { eraseUser } from '../../shared/app/erasure';
import type { Identity } from '../../shared/app/identity';
import { scheduleJob } from '../../shared/app/jobs';
import { refreshLeasePk } from '../../shared/app/sessions';
import { ProviderError } from '../../shared/models';
import { newCallContext } from '../../shared/resilience/context';
import { acquireLease } from '../../shared/resilience/lease';
import { uniqueName, useMoto } from '../support/aws';

const TENANT = 'tenant-erase';
const ALICE: Identity = { tenantId: TENANT, userId: 'alice-to-forget' };
const BOB: Identity = { tenantId: TENANT, userId: 'bob-who-stays' };
const CAROL: Identity = { tenantId: TENANT, userId: 'carol-twice-erased' };
const DAVE: Identity = { tenantId: TENANT, userId: 'dave-by-the-operator' };

describe('erasure on DynamoDB (moto)', () => {
  let server: LocalServer;
  let second: Container;
  let dynamo: DynamoDBClient;
  let keys: string;
  const tables = { connections: uniqueName('conn'), cache: uniqueName('cache') };

  const tokenOf = (who: Identity) => server.issueToken(who.userId, who.tenantId);
  async function api(who: Identity, path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${await tokenOf(who)}`, ...init.headers } });
  }
  /** GET /connect/strava and the simulator's consent; returns the callback URL (not yet followed: the state stays pending). */
  async function authorize(who: Identity): Promise<string> {
    const connect = await (await api(who, '/connect/strava')).json();
    const consent = await fetch(connect.authorization_url, { redirect: 'manual' });
    return consent.headers.get('location')!;
  }
  /** What a user leaves behind in normal use: a connection, cached answers, a pending OAuth state, a job, leases, gate fields. */
  async function leaveTraces(who: Identity): Promise<void> {
    const callback = await fetch(await authorize(who), { redirect: 'manual' });
    expect(callback.status).toBe(200);
    expect((await api(who, '/activities?provider=strava&limit=5')).status).toBe(200);
    expect((await api(who, '/athlete?provider=strava')).status).toBe(200);
    // The user's own source priority (docs/merging.md).
    const priority = { method: 'PUT', body: JSON.stringify({ activities: ['strava', 'synthetic'] }), headers: { 'content-type': 'application/json' } };
    expect((await api(who, '/settings/sources', priority)).status).toBe(200);
    await authorize(who);
    const container = server.container;
    await scheduleJob(container, who, { name: 'activities', provider: 'strava', limit: 3 }, 30);
    const now = container.deps.now();
    await acquireLease(container.coordination, refreshLeasePk(who), 'strava', { holder: 'dead-container', untilMs: now + 60_000, nowMs: now });
    const check = deauthorizationCheckPk({ ...who, provider: 'strava' });
    await acquireLease(container.coordination, check, DEAUTHORIZATION_CHECK_SK, { holder: 'x', untilMs: now + 60_000, nowMs: now });
    const call = newCallContext({ provider: 'strava', ...who });
    await container.gate.limited(
      call,
      new ProviderError({ kind: 'rate_limited', provider: 'strava', retryAfterSecs: 60, rateLimitScope: 'user', message: 'limited' }),
    );
  }

  /** Every item of both tables, keys and attributes as text. */
  async function scanBoth(): Promise<string[]> {
    const out: string[] = [];
    for (const TableName of [tables.connections, tables.cache]) {
      let ExclusiveStartKey: Record<string, any> | undefined;
      do {
        const page = await DynamoDBDocument.from(dynamo).scan({ TableName, ExclusiveStartKey, ConsistentRead: true });
        for (const item of page.Items ?? []) out.push(JSON.stringify(item, (_k, v) => (v instanceof Uint8Array ? '<binary>' : v)));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
    }
    return out;
  }
  const naming = (items: string[], who: Identity) => items.filter((text) => text.includes(who.userId) || text.includes(encodeURIComponent(who.userId)));
  /**
   * The one item an erasure keeps: the `user.erased` event, whose data names the user because it
   * is the receipt the customer's application needs to learn whom to forget (docs/erasure.md).
   */
  const isReceipt = (text: string) => {
    const item = JSON.parse(text);
    return String(item.pk).startsWith('events#') && item.type === 'user.erased';
  };
  /** What is left of the user besides the receipts. */
  const leftOf = (items: string[], who: Identity) => naming(items, who).filter((text) => !isReceipt(text));
  const erasedEvents = async () =>
    (await server.container.eventStore.listEvents(TENANT, { type: 'user.erased', limit: 1000 }, server.container.deps.now())).events.map(
      ({ tenantId, type, data }) => ({
        tenantId,
        type,
        data,
      }),
    );
  const userBlocks = async () =>
    Object.keys((await server.container.coordination.get('gate#strava', 'app', 0)) ?? {}).filter((field) => field.startsWith('b:')).length;

  beforeAll(async () => {
    const endpoint = useMoto();
    dynamo = new DynamoDBClient({});
    keys = JSON.stringify([{ id: 'k1', key: randomBytes(32).toString('base64') }]);
    server = await startLocalServer({
      env: { AWS_ENDPOINT_URL: endpoint, PIERRE_CONNECTIONS_TABLE: tables.connections, PIERRE_CACHE_TABLE: tables.cache, PIERRE_TOKEN_KEYS: keys },
    });
    // A second Lambda container on the same tables and the same simulators.
    second = await buildContainer({ env: { ...process.env, ...server.container.raw, PIERRE_TOKEN_KEYS: keys } });
  });
  afterAll(async () => {
    await server?.close();
    dynamo?.destroy();
  });

  it('leaves nothing of the user in either table, keeps the other user whole, and tells Strava', async () => {
    await leaveTraces(ALICE);
    await leaveTraces(BOB);
    const before = await scanBoth();
    expect(naming(before, ALICE).length).toBeGreaterThanOrEqual(8);
    expect(await userBlocks()).toBe(2);
    const bobItems = naming(before, BOB).length;
    const aliceStored = await server.container.connections.get({ ...ALICE, provider: 'strava' });

    const erased = await api(ALICE, '/users/me', { method: 'DELETE' });
    expect(erased.status).toBe(200);
    const receipt = await erased.json();
    expect(receipt).toMatchObject({ status: 'erased', revoked: { strava: { outcome: 'revoked' } } });
    expect(receipt.deleted).toMatchObject({ connections: 1, oauth_states: 1, jobs: 1, job_claims: 2, source_priorities: 1 });
    expect(receipt.deleted.cache_entries).toBeGreaterThanOrEqual(2);
    expect(receipt.deleted.coordination_records).toBeGreaterThanOrEqual(3);

    const after = await scanBoth();
    expect(leftOf(after, ALICE)).toEqual([]);
    expect(naming(after, ALICE).filter(isReceipt)).toHaveLength(1);
    expect(naming(after, BOB)).toHaveLength(bobItems);
    expect(await userBlocks()).toBe(1);
    // Strava was told: the token it issued for Alice is dead there.
    const athlete = await fetch(`${server.url}/sim/strava/api/v3/athlete`, { headers: { authorization: `Bearer ${aliceStored!.accessToken}` } });
    expect(athlete.status).toBe(401);
    // Bob is still connected and served from his cache.
    const bobReads = await api(BOB, '/activities?provider=strava&limit=5');
    expect(bobReads.status).toBe(200);
    expect(bobReads.headers.get('x-cache')).toBe('HIT');

    expect(receipt.deleted.events).toBeGreaterThanOrEqual(1);
    expect(await erasedEvents()).toEqual([
      { tenantId: TENANT, type: 'user.erased', data: { user_id: ALICE.userId, deleted: receipt.deleted, revoked: receipt.revoked } },
    ]);

    // Again: a receipt of nothing, and no second event.
    const again = await api(ALICE, '/users/me', { method: 'DELETE' });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'erased', deleted: {}, revoked: {} });
    expect((await erasedEvents()).filter((e) => e.data['user_id'] === ALICE.userId)).toHaveLength(1);
  });

  it('npm run erase -- <tenant> <user>: the operator erases a user and prints the receipt', async () => {
    await leaveTraces(DAVE);
    const env = { ...process.env, ...server.container.raw, PIERRE_TOKEN_KEYS: keys, POWERTOOLS_LOG_LEVEL: 'SILENT' };
    const run = (...args: string[]) => promisify(execFile)('npm', ['run', '--silent', 'erase', '--', ...args], { env });
    const { stdout } = await run(TENANT, DAVE.userId);
    const receipt = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(receipt).toMatchObject({ status: 'erased', deleted: { connections: 1, oauth_states: 1, jobs: 1 }, revoked: { strava: { outcome: 'revoked' } } });
    expect(leftOf(await scanBoth(), DAVE)).toEqual([]);
    await expect(run(TENANT)).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage: npm run erase -- <tenant> <user>') });
  }, 120_000);

  it('two containers erasing one user at once both succeed and leave nothing', async () => {
    await leaveTraces(CAROL);
    const [one, two] = await Promise.all([eraseUser(server.container, CAROL), eraseUser(second, CAROL)]);
    expect(one.status).toBe(200);
    expect(two.status).toBe(200);
    // Each item is counted by the container that deleted it, never by both. (The connection may
    // count twice: the container that revoked second finds the token dead, its refresh is refused
    // and the session stores the connection as revoked, a new item its own erasure then deletes.)
    const total = (kind: string) => (one.body.deleted[kind] ?? 0) + (two.body.deleted[kind] ?? 0);
    expect(total('oauth_states')).toBe(1);
    expect(total('jobs')).toBe(1);
    expect(total('connections')).toBeGreaterThanOrEqual(1);
    expect([one.body.revoked['strava']?.outcome, two.body.revoked['strava']?.outcome]).toContain('revoked');
    // Each container that deleted something published its receipt (two when the connection counted twice).
    const afterRace = await scanBoth();
    expect(leftOf(afterRace, CAROL)).toEqual([]);
    expect(naming(afterRace, CAROL).filter(isReceipt).length).toBeGreaterThanOrEqual(1);
    expect(naming(await scanBoth(), BOB).length).toBeGreaterThan(0);
  });
});
