/**
 * The shared rate-limit budget under load (npm run bench:resilience): several Lambda
 * containers (app contexts) over one DynamoDB (moto, started here) and one retry queue, the
 * Strava simulator limited to 100 reads per 15 minutes, and one injected clock for the app,
 * the simulator and the workers (a sleep moves it once for everyone asleep; test/support/fake-clock.ts).
 *
 * Each user asks 20 times, in random order, for four reads (athlete, two activity pages,
 * stats). Users arrive at random over ARRIVAL_MINUTES and send their requests over
 * USER_BURST_SECS, each to the next container; requests of the same second run concurrently.
 * Limited reads answer 202 with a job; after each second the containers take turns as the
 * retry worker on whatever the queue delivers, and once every request is in, the queue is
 * drained (the clock moving to each next delivery) until every job has ended.
 *
 * Then every job's stored answer is compared with what the simulator holds for that user and
 * read at the moment the job ended (the same read made afresh, with the limits lifted).
 *
 * Prints: 429s Strava sent (target 0), requests lost (target 0: answered neither 200 nor 202,
 * or whose job did not succeed or whose answer differs), answers by status, jobs, Strava reads,
 * the fake time it took and the real time.
 */
import { randomBytes } from 'node:crypto';
import { startLocalServer } from '../local/app';
import { buildContainer, type Container } from '../shared/app/container';
import { runOrSchedule } from '../shared/app/jobs';
import { runOperation, type Operation } from '../shared/app/operations';
import { drainMemoryQueue } from '../shared/app/retry-worker';
import { CacheRequest, withCacheRequest } from '../shared/cache/policy';
import { newRequestContext, runRequest } from '../shared/context/request';
import { MemoryJobQueue } from '../shared/queue/memory';
import { MemoryCacheStore } from '../shared/store/memory/cache';
import { MemoryStateStore } from '../shared/store/memory/state';
import { FakeClock } from '../test/support/fake-clock';
import { serialDynamo } from '../test/support/serial-dynamo';
import { startBenchMoto, runBench } from './moto';

const USERS = Number(process.env['BENCH_USERS'] ?? 100);
const CONTAINERS = Number(process.env['BENCH_CONTAINERS'] ?? 3);
const PER_USER = 20;
const ARRIVAL_MINUTES = Number(process.env['BENCH_ARRIVAL_MINUTES'] ?? 10);
const USER_BURST_SECS = 10;
/** The data function's time per request. */
const REQUEST_BUDGET_MS = 10_000;
const TENANT = 'bench';
const READS: Operation[] = [
  { name: 'athlete', provider: 'strava' },
  { name: 'activities', provider: 'strava', limit: 30, offset: 0 },
  { name: 'activities', provider: 'strava', limit: 30, offset: 30 },
  { name: 'stats', provider: 'strava' },
];

/** A small seeded generator, so every run asks the same things at the same moments. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Request {
  atMs: number;
  userId: string;
  op: Operation;
}

async function main() {
  const realStart = performance.now();
  const { stop: stopMoto } = await startBenchMoto();
  const tables = { connections: `bench-conn-${Date.now()}`, cache: `bench-cache-${Date.now()}` };
  const tokenKeys = JSON.stringify([{ id: 'k1', key: randomBytes(32).toString('base64') }]);

  const clock = new FakeClock(Date.UTC(2026, 11, 7, 9, 0, 30));
  const queue = new MemoryJobQueue({ now: clock.now });
  let provider429s = 0;
  let stravaReads = 0;
  const countingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (String(input instanceof Request ? input.url : input).includes('/sim/strava/api/')) {
      stravaReads++;
      if (response.status === 429) provider429s++;
    }
    return response;
  };
  const deps = { now: clock.now, fetch: countingFetch };
  // The server hosts the simulators and the OAuth dance; its own container is the first one.
  const server = await startLocalServer({
    env: { PIERRE_CONNECTIONS_TABLE: tables.connections, PIERRE_CACHE_TABLE: tables.cache, PIERRE_TOKEN_KEYS: tokenKeys },
    container: { deps, queue, sleep: clock.sleep },
  });
  // The containers' requests share one connection: moto, unlike DynamoDB, does not apply
  // concurrent conditional writes one at a time (see test/support/serial-dynamo.ts).
  const serial = await serialDynamo(tables, tokenKeys);
  const sim = (action: string, body?: unknown, method = 'POST') =>
    fetch(`${server.url}/sim/strava/_sim/${action}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  try {
    const env = { ...process.env, ...server.container.raw };
    const containers: Container[] = await Promise.all(
      Array.from({ length: CONTAINERS }, () => buildContainer({ env, stores: serial.stores(), deps, queue, sleep: clock.sleep })),
    );

    for (let u = 0; u < USERS; u++) {
      const token = await server.issueToken(`user-${u}`, TENANT);
      const connect = await (await fetch(`${server.url}/connect/strava`, { headers: { authorization: `Bearer ${token}` } })).json();
      const consent = await fetch(connect.authorization_url, { redirect: 'manual' });
      const callback = await fetch(consent.headers.get('location')!, { redirect: 'manual' });
      if (callback.status !== 200) throw new Error(`connect failed: ${callback.status}`);
    }
    await sim('rate-limits', { read_15min: 100, read_daily: 1_000 });
    await sim('requests', undefined, 'DELETE');
    stravaReads = 0;

    // Arrivals spread over time: each user at a random moment, their requests over a few seconds.
    const random = seeded(20261207);
    const started = clock.ms;
    const requests: Request[] = [];
    for (let u = 0; u < USERS; u++) {
      const arrives = started + Math.floor(random() * ARRIVAL_MINUTES * 60_000);
      for (let i = 0; i < PER_USER; i++) {
        requests.push({ atMs: arrives + Math.floor(random() * USER_BURST_SECS * 1000), userId: `user-${u}`, op: READS[Math.floor(random() * READS.length)]! });
      }
    }
    requests.sort((a, b) => a.atMs - b.atMs);

    const statuses = new Map<string, number>();
    const count = (key: string) => statuses.set(key, (statuses.get(key) ?? 0) + 1);
    const jobs = new Map<string, { userId: string; op: Operation }>();
    const errors = new Set<string>();
    let turn = 0;
    let handled = 0;
    const work = async () => {
      handled += (await drainMemoryQueue(containers[turn++ % CONTAINERS]!, queue)).length;
    };
    const ask = async (request: Request, container: Container) => {
      const identity = { tenantId: TENANT, userId: request.userId };
      try {
        const answer = await runRequest(
          newRequestContext({ remainingMs: REQUEST_BUDGET_MS, now: clock.now, cache: new CacheRequest('use'), caller: identity }),
          () => runOrSchedule(container, identity, request.op),
        );
        count(String(answer.status));
        if (answer.status === 202) jobs.set(answer.body.job_id, { userId: request.userId, op: request.op });
      } catch (error) {
        const { status, code } = error as { status?: number; code?: string };
        count(String(status ?? 'thrown'));
        errors.add(`${status} ${code ?? String(error)}`);
      }
    };

    let next = 0;
    let sent = 0;
    while (next < requests.length) {
      const second = Math.max(clock.ms, requests[next]!.atMs);
      if (second > clock.ms) clock.ms = second;
      const due: Request[] = [];
      while (next < requests.length && requests[next]!.atMs <= clock.ms) due.push(requests[next++]!);
      await Promise.all(due.map((request) => ask(request, containers[sent++ % CONTAINERS]!)));
      await work();
      // The next second's arrivals, or the queue's next delivery if that comes first.
      const visible = queue.nextVisibleAt();
      const following = requests[next]?.atMs ?? Number.POSITIVE_INFINITY;
      if (visible !== undefined && visible < following && visible > clock.ms) clock.ms = visible;
    }
    while (queue.size > 0) {
      const at = queue.nextVisibleAt()!;
      if (at > clock.ms) clock.ms = at;
      await work();
    }
    const ended = clock.ms;

    // Every job's answer against the simulator: the same read made afresh at the moment the job
    // ended, by a container with no cache and no learnt budget, with the limits lifted.
    await sim('rate-limits', { '15min': 1_000_000, daily: 1_000_000, read_15min: 1_000_000, read_daily: 1_000_000 });
    const truth = await buildContainer({
      env,
      stores: { ...serial.stores(), cache: new MemoryCacheStore(), coordination: new MemoryStateStore() },
      deps: { now: clock.now },
      queue,
      sleep: clock.sleep,
    });
    const outcomes = new Map<string, number>();
    let matching = 0;
    const stored = await Promise.all([...jobs.keys()].map(async (id) => ({ id, item: await truth.jobs.get(`job#${id}`, 'job', ended) })));
    stored.sort((a, b) => Number(a.item?.['updatedAtMs']) - Number(b.item?.['updatedAtMs']));
    for (const { id, item } of stored) {
      const status = String(item?.['status']);
      outcomes.set(status, (outcomes.get(status) ?? 0) + 1);
      if (status !== 'succeeded' || typeof item?.['result'] !== 'string') continue;
      const job = jobs.get(id)!;
      clock.ms = Number(item['updatedAtMs']);
      const fresh = await withCacheRequest(new CacheRequest('bypass'), () => runOperation(truth, { tenantId: TENANT, userId: job.userId }, job.op));
      if (item['result'] === JSON.stringify(fresh)) matching++;
      else errors.add(`job ${id}: its answer differs from the simulator's`);
    }

    const answered = (statuses.get('200') ?? 0) + (statuses.get('202') ?? 0);
    const lost = requests.length - answered + (jobs.size - matching) + queue.deadLetters.length;
    const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;
    console.log(`containers:                ${CONTAINERS} over one DynamoDB (moto) and one retry queue`);
    console.log(
      `users x requests:          ${USERS} x ${PER_USER} = ${requests.length}, arriving over ${ARRIVAL_MINUTES} min (each user's within ${USER_BURST_SECS} s)`,
    );
    console.log(`answers by status:         ${JSON.stringify(Object.fromEntries(statuses))}`);
    console.log(
      `jobs:                      ${jobs.size}, outcomes ${JSON.stringify(Object.fromEntries(outcomes))}, queue messages handled ${handled}, dead letters ${queue.deadLetters.length}`,
    );
    console.log(`job answers checked:       ${matching} of ${jobs.size} equal to the simulator's`);
    console.log(`Strava reads made:         ${stravaReads} (budget 100 per 15 min)`);
    console.log(`429s received from Strava: ${provider429s} (target 0)`);
    console.log(`requests lost:             ${lost} (target 0)${errors.size ? ` ${JSON.stringify([...errors].slice(0, 5))}` : ''}`);
    console.log(`fake time elapsed:         ${minutes(ended - started)}; real time ${((performance.now() - realStart) / 1000).toFixed(0)} s`);
    if (provider429s > 0 || lost > 0) process.exitCode = 1;
  } finally {
    serial.destroy();
    await server.close();
    await stopMoto();
  }
}

runBench(main);
