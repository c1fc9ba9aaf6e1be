/**
 * DynamoDB calls and sequential waves per read (npm run bench:ddb-calls): what one request
 * costs the store, counted by a DynamoDB client middleware (test/support/counting-dynamo.ts)
 * on moto, Strava served by its simulator, one injected clock.
 *
 * The Strava simulator's read window is lowered to 4 reads, so that in one window the bench
 * sees: the first miss (the windows are not known yet: a probe), admitted misses in the
 * steady state, a cache hit, a miss refused by fair share (a lone user does not get the
 * window's reserve), a user of another tenant served from it, then a miss refused because the
 * window is spent, a refused cache=bypass read, and provider=all (a miss, then a hit).
 *
 * Prints per kind of request: calls, waves, reads, writes (and writes whose condition failed),
 * and the calls by what they touch (gate, circuit, lease, cache, connection).
 */
import { randomBytes } from 'node:crypto';
import { startLocalServer } from '../local/app';
import { buildContainer } from '../shared/app/container';
import { fetchActivities, fetchAllActivities } from '../shared/app/data';
import { CacheRequest, withCacheRequest, type CachePolicy } from '../shared/cache/policy';
import { countingDynamo, summarize, type CallSummary } from '../test/support/counting-dynamo';
import { startBenchMoto, runBench } from './moto';

const TENANT = 'bench-tenant';
const USER = 'bench-user';
const identity = { tenantId: TENANT, userId: USER };
const other = { tenantId: 'bench-other-tenant', userId: 'other-user' };

async function main(): Promise<void> {
  const { endpoint, stop: stopMoto } = await startBenchMoto();
  const tables = { connections: `bench-conn-${Date.now()}`, cache: `bench-cache-${Date.now()}` };
  const tokenKeys = JSON.stringify([{ id: 'k1', key: randomBytes(32).toString('base64') }]);
  let clock = Date.UTC(2026, 11, 7, 9, 1, 0);
  const now = () => clock;
  const sleep = async (ms: number) => void (clock += ms);
  const server = await startLocalServer({
    // No history on connect: its worker's calls would be counted inside the measured reads.
    env: { PIERRE_CONNECTIONS_TABLE: tables.connections, PIERRE_CACHE_TABLE: tables.cache, PIERRE_TOKEN_KEYS: tokenKeys, PIERRE_BACKFILL_DAYS: '0' },
    container: { deps: { now }, sleep },
  });
  const counting = await countingDynamo(tables, tokenKeys);
  try {
    for (const who of [identity, other]) {
      const token = await server.issueToken(who.userId, who.tenantId);
      const connect = await (await fetch(`${server.url}/connect/strava`, { headers: { authorization: `Bearer ${token}` } })).json();
      const consent = await fetch(connect.authorization_url, { redirect: 'manual' });
      const callback = await fetch(consent.headers.get('location')!, { redirect: 'manual' });
      if (callback.status !== 200) throw new Error(`connecting Strava failed: ${callback.status}`);
    }
    clock += 15 * 60_000; // a fresh window: connecting read profiles
    await fetch(`${server.url}/sim/strava/_sim/rate-limits`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ read_15min: 4 }),
    });

    const container = await buildContainer({ env: { ...process.env, ...server.container.raw }, stores: counting.stores, deps: { now }, sleep });
    counting.take();
    const measure = async (run: () => Promise<unknown>): Promise<{ outcome: string; summary: CallSummary }> => {
      let outcome = 'ok';
      await run().catch(
        (error: unknown) => void (outcome = (error as { kind?: string; code?: string }).kind ?? (error as { code?: string }).code ?? String(error)),
      );
      return { outcome, summary: summarize(counting.take()) };
    };
    const read = (offset: number, policy: CachePolicy = 'use', who = identity) =>
      measure(() => withCacheRequest(new CacheRequest(policy), () => fetchActivities(container, who, 'strava', { limit: 1, offset })));
    const all = () => measure(() => withCacheRequest(new CacheRequest('use'), () => fetchAllActivities(container, identity, { limit: 1, offset: 0 })));

    const rows: [string, { outcome: string; summary: CallSummary }][] = [];
    rows.push(['first miss (windows unknown: probe)', await read(0)]);
    rows.push(['admitted miss', await read(1)]);
    rows.push(['admitted miss (again)', await read(2)]);
    rows.push(['cache hit', await read(1)]);
    rows.push(['refused miss (user had its share)', await read(3)]);
    rows.push(["admitted miss, other tenant's user", await read(0, 'use', other)]);
    rows.push(['refused miss (window spent)', await read(1, 'use', other)]);
    rows.push(['refused bypass read', await read(5, 'bypass')]);
    clock += 15 * 60_000;
    await read(9); // the next window is learnt
    rows.push(['provider=all miss (strava + synthetic)', await all()]);
    rows.push(['provider=all hit', await all()]);

    console.log(`DynamoDB calls per read (moto ${endpoint}, Strava simulator limited to 4 reads a window, activities, one container)`);
    for (const [name, { outcome, summary: s }] of rows) {
      const kinds = Object.entries(s.byKind)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
      console.log(
        `  ${name.padEnd(38)} ${outcome.padEnd(13)} ${String(s.calls).padStart(2)} calls in ${String(s.waves).padStart(2)} waves; ` +
          `${s.reads} reads, ${s.writes} writes (+${s.failedWrites} failed conditions); ${kinds}`,
      );
      if (process.env['BENCH_VERBOSE']) console.log(`      ${s.operations.join(' | ')}`);
    }
  } finally {
    counting.destroy();
    await server.close();
    await stopMoto();
  }
}

runBench(main);
