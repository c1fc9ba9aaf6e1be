/**
 * What the rate-limit gate costs DynamoDB, and that it still holds across containers (issue 20
 * §3): DynamoDB on moto, Strava served by its simulator, one injected clock.
 *
 * The call counts are a behaviour contract, counted by a DynamoDB client middleware
 * (test/support/counting-dynamo.ts): an admitted read costs the gate one conditional write and
 * no read, a refused one writes nothing, the circuit costs nothing of its own.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildContainer, type Container } from '../../shared/app/container';
import { fetchActivities, fetchAllActivities } from '../../shared/app/data';
import { CacheRequest, withCacheRequest, type CachePolicy } from '../../shared/cache/policy';
import { uniqueName, useMoto } from '../support/aws';
import { countingDynamo, summarize } from '../support/counting-dynamo';
import { startClient, type Client } from '../support/provider-flow';
import { serialDynamo } from '../support/serial-dynamo';

const TENANT = 'tenant-g';
const USER = 'gate-user';
const identity = { tenantId: TENANT, userId: USER };
const QUARTER = 900_000;

describe('the rate-limit gate on moto', () => {
  let clock = Date.UTC(2026, 11, 7, 11, 0, 30);
  const now = () => clock;
  let client: Client;
  let counting: Awaited<ReturnType<typeof countingDynamo>>;
  let serial: Awaited<ReturnType<typeof serialDynamo>>;
  let strava429s = 0;
  const tables = { connections: uniqueName('conn'), cache: uniqueName('cache') };
  const tokenKeys = JSON.stringify([{ id: 'k1', key: randomBytes(32).toString('base64') }]);
  const countingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (response.status === 429 && String(input instanceof Request ? input.url : input).includes('/sim/strava/')) strava429s++;
    return response;
  };
  const deps = { now, fetch: countingFetch };
  const stravaReads = async () =>
    ((await (await client.control('strava', 'requests', undefined, 'GET')).json()) as { method: string; path: string }[]).filter(
      (r) => r.method === 'GET' && r.path.startsWith('/api/v3/'),
    ).length;
  const env = (extra: Record<string, string> = {}) => ({ ...process.env, ...client.server.container.raw, ...extra });
  const read = (container: Container, offset: number, policy: CachePolicy = 'use') =>
    withCacheRequest(new CacheRequest(policy), () => fetchActivities(container, identity, 'strava', { limit: 1, offset }));

  beforeAll(async () => {
    const endpoint = useMoto();
    serial = await serialDynamo(tables, tokenKeys);
    counting = await countingDynamo(tables, tokenKeys);
    client = await startClient(
      {
        env: { AWS_ENDPOINT_URL: endpoint, PIERRE_CONNECTIONS_TABLE: tables.connections, PIERRE_CACHE_TABLE: tables.cache, PIERRE_TOKEN_KEYS: tokenKeys },
        container: { deps },
      },
      USER,
      TENANT,
    );
    expect((await client.connect('strava')).status).toBe(200);
  });
  afterAll(async () => {
    counting?.destroy();
    serial?.destroy();
    await client?.server.close();
  });
  beforeEach(async () => {
    // A fresh quarter hour: nothing learnt, nothing counted.
    clock = (Math.floor(clock / QUARTER) + 1) * QUARTER + 30_000;
    await client.control('strava', 'requests', undefined, 'DELETE');
    strava429s = 0;
  });

  it('costs an admitted miss one gate write and no gate or circuit read; a refusal writes nothing; a hit touches only the cache', async () => {
    await client.control('strava', 'rate-limits', { read_15min: 5, read_daily: 1_000 });
    const container = await buildContainer({ env: env(), stores: counting.stores, deps });
    await read(container, 0); // the first read of a window probes it
    counting.take();

    for (const offset of [1, 2, 3]) {
      await read(container, offset);
      const miss = summarize(counting.take());
      expect(miss.byKind['gate']).toBe(1);
      expect(miss.operations.filter((op) => op.endsWith('gate'))).toEqual(['UpdateItem gate']);
      expect(miss.byKind['circuit']).toBeUndefined();
      // the records store's coverage and the cache get together; then fill lease, connection and gate together; then the cache put
      expect(miss.calls).toBe(6);
      expect(miss.waves).toBeLessThanOrEqual(3);
    }

    await read(container, 1);
    // A hit: the cache get, beside the records store's coverage (which holds no Strava range here), in one round trip.
    const hit = summarize(counting.take());
    expect([...hit.operations].sort()).toEqual(['GetItem cache', 'GetItem records']);
    expect(hit.waves).toBe(1);

    // 4 of 5 used: the reserve is reached and this lone user has had its share. Refused, the
    // gate's one conditional write fails and nothing is written or read to say why.
    await expect(read(container, 4)).rejects.toMatchObject({ kind: 'rate_limited' });
    const refused = summarize(counting.take());
    expect(refused.operations.filter((op) => op.includes('gate'))).toEqual(['UpdateItem gate (condition failed)']);
    await expect(read(container, 5, 'bypass')).rejects.toMatchObject({ kind: 'rate_limited' });
    expect(summarize(counting.take()).operations).toEqual(['GetItem connection', 'UpdateItem gate (condition failed)']);
    expect(await stravaReads()).toBe(4);
    expect(strava429s).toBe(0);
  });

  it('answers a provider=all hit in one wave (connections query and cache reads together), reading no connection again on a miss', async () => {
    const container = await buildContainer({ env: env(), stores: counting.stores, deps });
    const all = () => withCacheRequest(new CacheRequest('use'), () => fetchAllActivities(container, identity, { limit: 2, offset: 0 }));
    await read(container, 0); // the window is known: the miss below is a steady-state one
    counting.take();
    const first = await all();
    expect(first.sources['strava']).toEqual({ status: 'ok', count: 2 });
    const miss = summarize(counting.take());
    // The Strava connection came with the connections query: never read again.
    expect(miss.operations.filter((op) => op === 'GetItem connection')).toEqual([]);
    // The connections query with the cache reads; then the fill leases with the gate; then the puts.
    expect(miss.waves).toBeLessThanOrEqual(3);

    expect((await all()).activities).toEqual(first.activities);
    const hit = summarize(counting.take());
    expect(hit.waves).toBe(1);
    expect(hit.operations.filter((op) => op.endsWith('connection'))).toEqual(['Query connection']);
    expect(hit.writes + hit.failedWrites).toBe(0);
  });

  it('shares the circuit through the gate item: a container that still thinks it closed is refused by its one write, without calling', async () => {
    await client.control('strava', 'rate-limits', { read_15min: 100, read_daily: 1_000 });
    const noRetries = env({ PIERRE_STRAVA_MAX_RETRIES: '0' });
    const [failing, other] = await Promise.all([
      buildContainer({ env: noRetries, stores: serial.stores(), deps }),
      buildContainer({ env: noRetries, stores: counting.stores, deps }),
    ]);
    await read(other, 0, 'bypass'); // learns the windows and a closed circuit
    await client.control('strava', 'faults', { kind: 'status', status: 503, count: 5 });
    for (let i = 0; i < 5; i++) await expect(read(failing, i, 'bypass')).rejects.toMatchObject({ kind: 'api_error' });
    await client.control('strava', 'requests', undefined, 'DELETE');
    counting.take();

    await expect(read(other, 1, 'bypass')).rejects.toMatchObject({ kind: 'circuit_open' });
    expect(summarize(counting.take()).operations).toEqual(['GetItem connection', 'UpdateItem gate (condition failed)']);
    expect(await stravaReads()).toBe(0);
    // Now it knows: refused from memory, no call at all to the gate.
    await expect(read(other, 1, 'bypass')).rejects.toMatchObject({ kind: 'circuit_open' });
    expect(summarize(counting.take()).byKind['gate']).toBeUndefined();

    await client.control('strava', 'faults', undefined, 'DELETE');
    clock += 60_000; // half-open: the next call goes through and closes it
    await read(other, 2, 'bypass');
    expect((await failing.circuit.state('strava', failing.resilience('strava').circuit)).status).toBe('closed');
  });

  it('lets the synthetic provider (no network) skip gate and circuit', async () => {
    const container = await buildContainer({ env: env(), stores: counting.stores, deps });
    counting.take();
    await withCacheRequest(new CacheRequest('bypass'), () => fetchActivities(container, identity, 'synthetic', { limit: 1, offset: 0 }));
    expect(summarize(counting.take()).calls).toBe(0);
  });

  it('gives the slot back when the read makes no call (no connection): a stranger to the provider spends none of its budget', async () => {
    await client.control('strava', 'rate-limits', { read_15min: 50, read_daily: 1_000 });
    const container = await buildContainer({ env: env(), stores: counting.stores, deps });
    await read(container, 0);
    const counts = async () => {
      const item = (await container.coordination.get('gate#strava', 'app', clock))!;
      return Object.entries(item).filter(([field]) => field.startsWith('c:'));
    };
    const before = await counts();
    const stranger = { tenantId: TENANT, userId: 'never-connected' };
    for (const policy of ['use', 'bypass'] as const) {
      await expect(
        withCacheRequest(new CacheRequest(policy), () => fetchActivities(container, stranger, 'strava', { limit: 1, offset: 0 })),
      ).rejects.toMatchObject({ code: 'not_connected' });
    }
    expect(await counts()).toEqual(before);
  });

  it("keeps each user's refresh lease in a partition of its own (no hot key shared by every user)", async () => {
    const key = { ...identity, provider: 'strava' };
    const stored = (await client.server.container.connections.get(key))!;
    await client.server.container.connections.put({ ...stored, expiresAt: Math.floor(clock / 1000) + 60 });
    const container = await buildContainer({ env: env(), stores: counting.stores, deps });
    counting.take();
    await read(container, 0, 'bypass');
    const leases = counting.take().filter((call) => call.pk.startsWith('lease#'));
    expect(leases.length).toBeGreaterThan(0);
    expect(new Set(leases.map((call) => call.pk))).toEqual(new Set([`lease#refresh#${TENANT}#${USER}`]));
  });

  it('never lets three containers together spend more than the window, with no 429 from Strava', async () => {
    await client.control('strava', 'rate-limits', { read_15min: 12, read_daily: 1_000 });
    // Fair share out of the way (one user may have the whole window): this is about the window.
    const containers = await Promise.all(
      Array.from({ length: 3 }, () =>
        buildContainer({ env: env({ PIERRE_STRAVA_USER_SHARE: '100' }), stores: serial.stores(), deps, sleep: () => new Promise((r) => setTimeout(r, 1)) }),
      ),
    );
    const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => read(containers[i % 3]!, i, 'bypass')));
    const served = results.filter((r) => r.status === 'fulfilled').length;
    const refusals = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { kind?: string }).kind] : []));
    expect(refusals.every((kind) => kind === 'rate_limited')).toBe(true);
    expect(served).toBe(12);
    expect(await stravaReads()).toBe(12);
    expect(strava429s).toBe(0);
  });
});
