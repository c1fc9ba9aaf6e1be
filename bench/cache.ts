/**
 * Cache benchmarks (npm run bench): the figures the caching issue names, measured on moto
 * (DynamoDB) and the Strava simulator, all on 127.0.0.1.
 *
 * 1. Provider calls for 50 concurrent identical requests (HTTP, one container), and for 1,000
 *    concurrent identical misses spread over 4 containers (app contexts over one table),
 *    counted at the simulator.
 * 2. The cost of a cache hit (the whole use case: deferred session, decorator, one GetItem,
 *    JSON) beside a bare GetItem of the same item, interleaved in the same run.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startLocalServer } from '../local/app';
import { buildContainer } from '../shared/app/container';
import { fetchActivities } from '../shared/app/data';
import { cacheKey, cachePartition } from '../shared/cache/keys';
import { CacheRequest, withCacheRequest } from '../shared/cache/policy';
import { createDocumentClient } from '../shared/store/dynamodb/client';
import { serialDynamo } from '../test/support/serial-dynamo';
import { startBenchMoto, runBench } from './moto';

const TENANT = 'bench-tenant';
const USER = 'bench-user';
const identity = { tenantId: TENANT, userId: USER };
const QUERY = { limit: 30, offset: 0 };
const HIT_ROUNDS = 2_000;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const fmt = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;

async function main(): Promise<void> {
  const { endpoint, stop: stopMoto } = await startBenchMoto();
  const tables = { connections: `bench-conn-${Date.now()}`, cache: `bench-cache-${Date.now()}` };
  const tokenKeys = JSON.stringify([{ id: 'k1', key: randomBytes(32).toString('base64') }]);
  const server = await startLocalServer({
    // No history on connect: its worker's calls would be counted inside the measured reads.
    env: { PIERRE_CONNECTIONS_TABLE: tables.connections, PIERRE_CACHE_TABLE: tables.cache, PIERRE_TOKEN_KEYS: tokenKeys, PIERRE_BACKFILL_DAYS: '0' },
  });
  // The containers' requests share one connection: moto, unlike DynamoDB, does not apply
  // concurrent conditional writes one at a time (see test/support/serial-dynamo.ts).
  const serial = await serialDynamo(tables, tokenKeys);
  try {
    const token = await server.issueToken(USER, TENANT);
    const api = (path: string) => fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const control = (action: string, method = 'GET') => fetch(`${server.url}/sim/strava/_sim/${action}`, { method });
    const connect = await (await api('/connect/strava')).json();
    const consent = await fetch(connect.authorization_url, { redirect: 'manual' });
    const callback = await fetch(consent.headers.get('location')!, { redirect: 'manual' });
    if (callback.status !== 200) throw new Error(`connecting Strava failed: ${callback.status}`);
    const stravaCalls = async () => ((await (await control('requests')).json()) as { path: string }[]).filter((r) => r.path.startsWith('/api/v3/')).length;
    const dropCache = () => server.container.cache.invalidate(cachePartition(TENANT, USER, 'strava'));

    // ---- 1. one provider call per key ----------------------------------------------------
    await control('requests', 'DELETE');
    const answers = await Promise.all(Array.from({ length: 50 }, () => api('/activities?provider=strava')));
    const ok = answers.filter((a) => a.status === 200).length;
    const http50 = await stravaCalls();

    await dropCache();
    await control('requests', 'DELETE');
    const env = { ...process.env, ...server.container.raw };
    const containers = await Promise.all(Array.from({ length: 4 }, () => buildContainer({ env, stores: serial.stores() })));
    await Promise.all(
      containers.flatMap((c) =>
        Array.from({ length: 250 }, () => withCacheRequest(new CacheRequest('use'), () => fetchActivities(c, identity, 'strava', QUERY))),
      ),
    );
    const spread1000 = await stravaCalls();

    // ---- 2. a hit beside a bare GetItem --------------------------------------------------
    // The hit is measured in a container with its own client, like the bare GetItem beside it.
    const hitContainer = await buildContainer({ env });
    const hit = () => withCacheRequest(new CacheRequest('use'), () => fetchActivities(hitContainer, identity, 'strava', QUERY));
    await hit();
    let cacheReads = 0;
    let connectionReads = 0;
    const cacheGet = hitContainer.cache.get.bind(hitContainer.cache);
    hitContainer.cache.get = (...args) => {
      cacheReads++;
      return cacheGet(...args);
    };
    const connGet = hitContainer.connections.get.bind(hitContainer.connections);
    hitContainer.connections.get = (key) => {
      connectionReads++;
      return connGet(key);
    };
    const raw = new DynamoDBClient({});
    const doc = await createDocumentClient(raw);
    const key = { pk: cachePartition(TENANT, USER, 'strava'), sk: cacheKey('activity_list', [QUERY.limit, QUERY.offset, undefined, undefined]) };
    const bare = () => doc.get({ TableName: tables.cache, Key: key });
    const item = (await bare()).Item;
    if (!item) throw new Error('the cache item is missing');
    for (let i = 0; i < 200; i++) await Promise.all([bare(), hit()]); // warm-up: connections, JIT

    const hitTimes: number[] = [];
    const bareTimes: number[] = [];
    cacheReads = 0;
    connectionReads = 0;
    for (let i = 0; i < HIT_ROUNDS; i++) {
      // Interleaved, alternating which goes first, so drift on the shared machine hits both alike.
      const pair = i % 2 === 0 ? [bare, hit] : [hit, bare];
      for (const run of pair) {
        const started = performance.now();
        await run();
        (run === hit ? hitTimes : bareTimes).push(performance.now() - started);
      }
    }
    raw.destroy();
    hitTimes.sort((a, b) => a - b);
    bareTimes.sort((a, b) => a - b);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

    const itemBytes = JSON.stringify(item).length;
    console.log(`Cache benchmarks (moto ${endpoint}, Strava simulator, Node ${process.version})`);
    console.log(`  50 concurrent identical GET /activities?provider=strava: ${ok}/50 answered 200, ${http50} Strava call(s) (target 1)`);
    console.log(`  1,000 concurrent identical misses over 4 containers:      ${spread1000} Strava call(s) (target 1)`);
    console.log(`  cache hit vs bare GetItem, ${HIT_ROUNDS} interleaved rounds, item ${itemBytes} bytes:`);
    console.log(`    bare GetItem  median ${fmt(percentile(bareTimes, 0.5))}  p90 ${fmt(percentile(bareTimes, 0.9))}  mean ${fmt(mean(bareTimes))}`);
    console.log(`    cache hit     median ${fmt(percentile(hitTimes, 0.5))}  p90 ${fmt(percentile(hitTimes, 0.9))}  mean ${fmt(mean(hitTimes))}`);
    console.log(
      `    ratio (median) ${(percentile(hitTimes, 0.5) / percentile(bareTimes, 0.5)).toFixed(2)}x, (mean) ${(mean(hitTimes) / mean(bareTimes)).toFixed(2)}x (target <= 1.2x)`,
    );
    console.log(`    reads per hit: ${(cacheReads / HIT_ROUNDS).toFixed(2)} cache GetItem, ${(connectionReads / HIT_ROUNDS).toFixed(2)} connection reads`);
  } finally {
    serial.destroy();
    await server.close();
    await stopMoto();
  }
}

runBench(main);
