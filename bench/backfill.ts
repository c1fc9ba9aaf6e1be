/**
 * History backfill at scale (npm run bench:backfill): BENCH_USERS (100) users connect Strava at
 * once, and the retry worker backfills each one's 90 days within Strava's read windows (100 per
 * 15 minutes, 1,000 a day, per application, as the simulator enforces them), spending at most
 * PIERRE_STRAVA_BACKFILL_SHARE (50 %) of each window. One injected clock for the app, the
 * simulator and the worker; memory stores (the calls and windows do not depend on the store).
 *
 * Prints: Strava calls (history reads), the 15-minute windows they took, the simulated time
 * until the last history completed, 429s Strava sent (target 0: the gate keeps backfill under
 * the limits), records stored, and the real time the run took.
 */
import { startLocalServer } from '../local/app';
import { historiesOf } from '../shared/app/history';
import { drainMemoryQueue } from '../shared/app/retry-worker';
import { MemoryJobQueue } from '../shared/queue/memory';
import { FakeClock } from '../test/support/fake-clock';

const USERS = Number(process.env['BENCH_USERS'] ?? 100);
const SHARE = process.env['BENCH_SHARE'] ?? '50';
const TENANT = 'bench';
const QUARTER_HOUR_MS = 900_000;
/** Stop looking after this much simulated time. */
const GIVE_UP_MS = 7 * 86_400_000;

async function main(): Promise<void> {
  const clock = new FakeClock(Date.UTC(2026, 11, 7, 9, 0, 30));
  const queue = new MemoryJobQueue({ now: clock.now });
  const calls: { atMs: number; status: number }[] = [];
  const countingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (String(input instanceof Request ? input.url : input).includes('/sim/strava/api/v3/')) calls.push({ atMs: clock.ms, status: response.status });
    return response;
  };
  const server = await startLocalServer({
    env: { ...process.env, PIERRE_STRAVA_BACKFILL_SHARE: SHARE },
    container: { deps: { now: clock.now, fetch: countingFetch }, queue, sleep: clock.sleep },
  });
  const realStart = performance.now();
  try {
    for (let i = 0; i < USERS; i++) {
      const token = await server.issueToken(`user-${i}`, TENANT);
      const started = await (await fetch(`${server.url}/connect/strava`, { headers: { authorization: `Bearer ${token}` } })).json();
      const consent = await fetch(started.authorization_url, { redirect: 'manual' });
      const callback = await fetch(consent.headers.get('location')!, { redirect: 'manual' });
      if (callback.status !== 200) throw new Error(`connect user-${i}: ${callback.status}`);
    }
    const startMs = clock.ms;
    const complete = async () => {
      let done = 0;
      for (let i = 0; i < USERS; i++) if ((await historiesOf(server.container, TENANT, `user-${i}`)).get('strava')?.status === 'complete') done++;
      return done;
    };
    let done = 0;
    while (clock.ms - startMs < GIVE_UP_MS) {
      await drainMemoryQueue(server.container, queue);
      done = await complete();
      if (done === USERS) break;
      const next = queue.nextVisibleAt();
      if (next === undefined) break;
      if (next > clock.ms) clock.ms = next;
    }
    let records = 0;
    for (let i = 0; i < USERS; i++) records += (await historiesOf(server.container, TENANT, `user-${i}`)).get('strava')?.records ?? 0;
    const windows = new Set(calls.map((c) => Math.floor(c.atMs / QUARTER_HOUR_MS)));
    const rows: [string, string][] = [
      ['users', String(USERS)],
      ['histories complete', `${done} of ${USERS}`],
      ['backfill share of each window', `${SHARE} %`],
      ['Strava calls', String(calls.length)],
      ['15-minute windows with calls', String(windows.size)],
      ['simulated time to the last history', `${((clock.ms - startMs) / 60_000).toFixed(1)} min`],
      ['429s received', String(calls.filter((c) => c.status === 429).length)],
      ['records stored', String(records)],
      ['real time', `${((performance.now() - realStart) / 1000).toFixed(1)} s`],
    ];
    for (const [name, value] of rows) console.log(`${name.padEnd(36)} ${value}`);
  } finally {
    await server.close();
  }
}

await main();
