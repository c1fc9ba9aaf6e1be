/**
 * A stored read beside a cache hit (npm run bench:records), on moto, one injected clock: what
 * each costs DynamoDB (calls, round trips, counted by test/support/counting-dynamo.ts) and how
 * long it takes (median of many), for a page of 30 activities out of 90 days held in the
 * records store, and the same page answered from the cache.
 *
 * Rows: the two requests as the service makes them (`fetchActivities`: a stored read is the
 * coverage GetItem, with the cache get started beside it, then one Query; a cache hit is the
 * cache GetItem beside the coverage GetItem), and the bare store operations underneath (one
 * Query of the records partition, one GetItem of the cache entry).
 */
import { randomBytes } from 'node:crypto';
import { buildContainer } from '../shared/app/container';
import { fetchActivities } from '../shared/app/data';
import { CacheRequest, withCacheRequest } from '../shared/cache/policy';
import { cacheKey, cachePartition } from '../shared/cache/keys';
import type { RecordScope } from '../shared/store/ports';
import { countingDynamo, summarize } from '../test/support/counting-dynamo';
import { startBenchMoto, runBench } from './moto';
import { median } from './stats';

const RUNS = 60;
const DAY_MS = 86_400_000;
const identity = { tenantId: 'bench-tenant', userId: 'bench-user' };

async function main(): Promise<void> {
  const { endpoint, stop } = await startBenchMoto();
  const tables = { connections: `bench-conn-${Date.now()}`, cache: `bench-cache-${Date.now()}` };
  const tokenKeys = JSON.stringify([{ id: 'k1', key: randomBytes(32).toString('base64') }]);
  const counting = await countingDynamo(tables, tokenKeys);
  const clock = Date.UTC(2026, 11, 7, 9, 0, 0);
  try {
    const container = await buildContainer({
      env: { PIERRE_CONNECTIONS_TABLE: tables.connections, PIERRE_CACHE_TABLE: tables.cache, PIERRE_TOKEN_KEYS: tokenKeys },
      stores: counting.stores,
      deps: { now: () => clock },
    });
    // 90 days of a synthetic athlete's activities, as a backfill would have stored them.
    const history = (
      await withCacheRequest(new CacheRequest('bypass'), () =>
        fetchActivities(container, identity, 'synthetic', { limit: 200, offset: 0, after: new Date(clock - 90 * DAY_MS) }),
      )
    ).activities;
    const scope: RecordScope = { ...identity, provider: 'synthetic', resource: 'activities' };
    await container.records.put(
      scope,
      history.map((a) => ({ id: a.id, at: a.start_date, version: 1, value: a })),
    );
    const page = { limit: 30, offset: 0 };
    await withCacheRequest(new CacheRequest('use'), () => fetchActivities(container, identity, 'synthetic', page)); // fills the cache
    counting.take();

    const measure = async (name: string, run: () => Promise<unknown>) => {
      await run();
      const calls = summarize(counting.take());
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        await run();
        times.push(performance.now() - started);
      }
      counting.take();
      return { name, calls, ms: median(times) };
    };
    const read = (header: { source?: string }) => async () => {
      const request = new CacheRequest('use');
      await withCacheRequest(request, () => fetchActivities(container, identity, 'synthetic', page));
      header.source = request.headers()['x-source'] ?? request.headers()['x-cache'];
    };
    const hitHeader: { source?: string } = {};
    const storedHeader: { source?: string } = {};
    const rows = [await measure('cache hit (fetchActivities)', read(hitHeader))];
    await container.records.addCoverage(scope, { from: new Date(clock - 90 * DAY_MS).toISOString() });
    counting.take();
    rows.push(await measure('stored read (fetchActivities)', read(storedHeader)));
    rows.push(await measure('bare Query of 30 records', () => container.records.query(scope, { order: 'newest_first', limit: 30 })));
    const partition = cachePartition(identity.tenantId, identity.userId, 'synthetic');
    rows.push(
      await measure('bare GetItem of the cached page', () => container.cache.get(partition, cacheKey('activity_list', [30, 0, undefined, undefined]), clock)),
    );

    console.log(`Stored read beside a cache hit (moto ${endpoint}; ${history.length} activities over 90 days stored; page of 30; median of ${RUNS})`);
    console.log(`  answered by: cache hit -> X-Cache ${hitHeader.source}; stored read -> X-Source ${storedHeader.source}`);
    for (const { name, calls, ms } of rows) {
      console.log(
        `  ${name.padEnd(34)} ${String(calls.calls).padStart(2)} calls in ${calls.waves} round trips (${calls.operations.join(', ')}); ${ms.toFixed(2)} ms`,
      );
    }
  } finally {
    counting.destroy();
    await stop();
  }
}

runBench(main);
