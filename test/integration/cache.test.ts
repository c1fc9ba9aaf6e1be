/**
 * The cache end to end: the local server and extra app contexts (one per simulated Lambda
 * container) over one DynamoDB cache table on moto, Strava served by its simulator, provider
 * calls counted at the simulator.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildContainer, type Container } from '../../shared/app/container';
import { fetchActivities, fetchAthlete } from '../../shared/app/data';
import { cachePartition, cacheKey } from '../../shared/cache/keys';
import { CacheRequest, withCacheRequest } from '../../shared/cache/policy';
import { uniqueName, useMoto } from '../support/aws';
import { startClient, type Client } from '../support/provider-flow';
import { serialDynamo } from '../support/serial-dynamo';

const TENANT = 'tenant-c';
const USER = 'cache-user';
const identity = { tenantId: TENANT, userId: USER };
const QUERY = { limit: 30, offset: 0 };

describe('cache on DynamoDB across containers', () => {
  let client: Client;
  let clock = Date.now();

  const stravaCalls = async (pathPrefix = '/api/v3/') => {
    const log = (await (await client.control('strava', 'requests', undefined, 'GET')).json()) as { path: string }[];
    return log.filter((r) => r.path.startsWith(pathPrefix)).length;
  };
  const clearCalls = () => client.control('strava', 'requests', undefined, 'DELETE');
  const dropCache = () => client.server.container.cache.invalidate(cachePartition(TENANT, USER, 'strava'));

  /**
   * Another Lambda container: its own app context, providers and single-flight, the same
   * tables (its own store objects; see serial-dynamo.ts for why their requests share one
   * connection), the real clock.
   */
  const container = () => buildContainer({ env: { ...process.env, ...client.server.container.raw }, stores: serial.stores() });
  /**
   * The same on an injected clock that moves only when a container waits (a tick of real time
   * per poll, so waiting never spins). The fill lease is long enough that no waiter outlives a
   * live holder's fetch, however slow the shared machine is.
   */
  const clockedContainer = () =>
    buildContainer({
      env: { ...process.env, ...client.server.container.raw },
      stores: serial.stores(),
      deps: { now: () => clock },
      cache: {
        sleep: async (ms) => {
          clock += ms;
          await new Promise((resolve) => setTimeout(resolve, 1));
        },
        leaseMs: 600_000,
      },
    });
  const asUse = <T>(run: () => Promise<T>) => withCacheRequest(new CacheRequest('use'), run);

  const tables = { connections: uniqueName('conn'), cache: uniqueName('cache') };
  const tokenKeys = JSON.stringify([{ id: 'k1', key: randomBytes(32).toString('base64') }]);
  let serial: Awaited<ReturnType<typeof serialDynamo>>;

  beforeAll(async () => {
    const endpoint = useMoto();
    serial = await serialDynamo(tables, tokenKeys);
    client = await startClient(
      {
        env: {
          AWS_ENDPOINT_URL: endpoint,
          PIERRE_CONNECTIONS_TABLE: tables.connections,
          PIERRE_CACHE_TABLE: tables.cache,
          PIERRE_TOKEN_KEYS: tokenKeys,
        },
      },
      USER,
      TENANT,
      { cache: 'use' },
    );
    expect((await client.connect('strava')).status).toBe(200);
  });
  afterAll(async () => {
    serial?.destroy();
    await client?.server.close();
  });
  beforeEach(async () => {
    clock = Date.now();
    await dropCache();
    await clearCalls();
  });

  it('answers MISS, then HIT with Age, and honours ?cache= and Cache-Control', async () => {
    const first = await client.api('/activities?provider=strava');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('MISS');
    const second = await client.api('/activities?provider=strava');
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(Number(second.headers.get('age'))).toBeGreaterThanOrEqual(0);
    expect(await second.json()).toEqual(await first.json());
    expect(await stravaCalls()).toBe(1);

    expect((await client.api('/activities?provider=strava&cache=bypass')).headers.get('x-cache')).toBe('BYPASS');
    expect((await client.api('/activities?provider=strava', { headers: { 'cache-control': 'no-store' } })).headers.get('x-cache')).toBe('BYPASS');
    expect((await client.api('/activities?provider=strava', { headers: { 'cache-control': 'no-cache' } })).headers.get('x-cache')).toBe('REFRESH');
    expect((await client.api('/activities?provider=strava&cache=refresh')).headers.get('x-cache')).toBe('REFRESH');
    expect(await stravaCalls()).toBe(5);
    const bad = await client.api('/activities?provider=strava&cache=sometimes');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('invalid_request');
  });

  it('makes one Strava call for 100 concurrent identical requests in one container', async () => {
    const answers = await Promise.all(Array.from({ length: 100 }, () => client.api('/athlete?provider=strava')));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(await stravaCalls()).toBe(1);
  });

  it('makes one Strava call for concurrent misses spread over four containers', async () => {
    const containers: Container[] = await Promise.all([container(), container(), container(), container()]);
    const results = await Promise.all(containers.flatMap((c) => Array.from({ length: 25 }, () => asUse(() => fetchActivities(c, identity, 'strava', QUERY)))));
    expect(await stravaCalls()).toBe(1);
    expect(new Set(results.map((r) => JSON.stringify(r.activities))).size).toBe(1);
  });

  it('recovers when the lease holder died: the others wait out its lease, then one fetches', async () => {
    const key = cacheKey('athlete_profile');
    const partition = cachePartition(TENANT, USER, 'strava');
    await client.server.container.cache.acquireLease(partition, key, { holder: 'crashed-container', untilMs: clock + 1_500, nowMs: clock });
    const started = clock;
    const containers = await Promise.all([clockedContainer(), clockedContainer(), clockedContainer()]);
    const athletes = await Promise.all(containers.map((c) => asUse(() => fetchAthlete(c, identity, 'strava'))));
    expect(athletes.every((a) => a.athlete.id === athletes[0]!.athlete.id)).toBe(true);
    expect(await stravaCalls()).toBe(1);
    expect(clock - started).toBeGreaterThanOrEqual(1_500);
  });

  it('answers a hit with one cache read: no connection read, no token refresh', async () => {
    const c = await clockedContainer();
    let connectionReads = 0;
    const get = c.connections.get.bind(c.connections);
    c.connections.get = (key) => {
      connectionReads++;
      return get(key);
    };
    await asUse(() => fetchAthlete(c, identity, 'strava'));
    expect(connectionReads).toBe(1);

    // The token is about to expire: a hit needs no token, so nothing is refreshed.
    const stored = (await client.server.container.connections.get({ ...identity, provider: 'strava' }))!;
    await client.server.container.connections.put({ ...stored, expiresAt: Math.floor(clock / 1000) + 60 });
    await clearCalls();
    await asUse(() => fetchAthlete(c, identity, 'strava'));
    expect(connectionReads).toBe(1);
    expect(await stravaCalls('/oauth/')).toBe(0);

    // A miss opens the session, which refreshes the token first (re-reading it under the refresh lease).
    await dropCache();
    await asUse(() => fetchAthlete(c, identity, 'strava'));
    expect(connectionReads).toBe(3);
    expect(await stravaCalls('/oauth/token')).toBe(1);
  });

  it('never answers from the cache after a disconnect', async () => {
    const other = await startClient({ env: { ...client.server.container.raw } }, 'leaver', TENANT, { cache: 'use' });
    try {
      expect((await other.connect('strava')).status).toBe(200);
      expect((await other.api('/activities?provider=strava')).headers.get('x-cache')).toBe('MISS');
      expect((await other.api('/activities?provider=strava')).headers.get('x-cache')).toBe('HIT');
      expect((await other.api('/connections/strava', { method: 'DELETE' })).status).toBe(200);
      const after = await other.api('/activities?provider=strava');
      expect(after.status).toBe(409);
      expect((await after.json()).error.code).toBe('not_connected');
    } finally {
      await other.server.close();
    }
  });
});
