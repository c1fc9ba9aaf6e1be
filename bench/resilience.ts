/**
 * 500 users x 20 requests against the Strava simulator limited to 100 reads per 15 minutes,
 * in fake time (one injected clock for the app, the simulator and the retry worker).
 *
 * Each user asks 20 times, in random order, for four reads (athlete, two activity pages,
 * stats): 2,000 distinct reads, 20 budgets' worth. Requests go out 50 at a time. Limited
 * reads answer 202 with a job; the bench then drains the queue, moving the clock to each
 * next delivery, until every job has ended.
 *
 * Prints: 429s Strava sent, requests lost (answered neither 200 nor 202, or whose job did not
 * succeed), answers by status, Strava reads, and the fake time it took.
 */
import { startLocalServer } from '../local/app';
import { drainMemoryQueue } from '../shared/app/retry-worker';
import { getJob } from '../shared/app/jobs';
import { MemoryJobQueue } from '../shared/queue/memory';

const USERS = Number(process.env['BENCH_USERS'] ?? 500);
const PER_USER = 20;
const CONCURRENCY = 50;
const READS = ['/athlete?provider=strava', '/activities?provider=strava&limit=30', '/activities?provider=strava&limit=30&offset=30', '/stats?provider=strava'];

let clock = Date.UTC(2026, 11, 7, 9, 0, 30);
const now = () => clock;
let provider429s = 0;
let stravaReads = 0;
const countingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const url = String(input instanceof Request ? input.url : input);
  if (url.includes('/sim/strava/api/')) {
    stravaReads++;
    if (response.status === 429) provider429s++;
  }
  return response;
};

async function main() {
  const queue = new MemoryJobQueue({ now });
  const server = await startLocalServer({
    env: {},
    // A wait moves the fake clock and yields a tick of real time, so the awaited answer can arrive.
    container: {
      deps: { now, fetch: countingFetch },
      queue,
      sleep: async (ms) => {
        clock += ms;
        await new Promise((resolve) => setTimeout(resolve, 1));
      },
    },
  });
  const sim = (action: string, body?: unknown, method = 'POST') =>
    fetch(`${server.url}/sim/strava/_sim/${action}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  try {
    const tokens: string[] = [];
    for (let u = 0; u < USERS; u++) {
      const token = await server.issueToken(`user-${u}`, 'bench');
      const connect = await (await fetch(`${server.url}/connect/strava`, { headers: { authorization: `Bearer ${token}` } })).json();
      const consent = await fetch(connect.authorization_url, { redirect: 'manual' });
      const callback = await fetch(consent.headers.get('location')!, { redirect: 'manual' });
      if (callback.status !== 200) throw new Error(`connect failed: ${callback.status}`);
      tokens.push(token);
    }
    await sim('rate-limits', { read_15min: 100, read_daily: 100_000 });
    stravaReads = 0;
    const started = clock;

    const work: { token: string; path: string }[] = [];
    for (const token of tokens) for (let i = 0; i < PER_USER; i++) work.push({ token, path: READS[(i * 7 + tokens.indexOf(token)) % READS.length]! });
    for (let i = work.length - 1; i > 0; i--) {
      const j = (i * 2_654_435_761) % (i + 1);
      [work[i], work[j]] = [work[j]!, work[i]!];
    }
    const statuses = new Map<number, number>();
    const jobs: { token: string; id: string }[] = [];
    const errors = new Set<string>();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < work.length) {
          const { token, path } = work[next++]!;
          const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const body = await res.json();
          if (res.status === 202) jobs.push({ token, id: body.job_id });
          else if (res.status !== 200) errors.add(`${res.status} ${body.error?.code}: ${body.error?.message}`);
        }
      }),
    );
    let drained = 0;
    while (queue.size > 0) {
      const at = queue.nextVisibleAt()!;
      if (at > clock) clock = at;
      drained += (await drainMemoryQueue(server.container, queue)).length;
    }
    const uniqueJobs = new Map(jobs.map((j) => [j.id, j]));
    const outcomes = new Map<string, number>();
    for (const { id } of uniqueJobs.values()) {
      const stored = await server.container.jobs.get(`job#${id}`, 'job', clock);
      const owner = { tenantId: String(stored?.['tenantId']), userId: String(stored?.['userId']) };
      const status = String((await getJob(server.container, owner, id))['status']);
      outcomes.set(status, (outcomes.get(status) ?? 0) + 1);
    }
    const answeredOk = (statuses.get(200) ?? 0) + (statuses.get(202) ?? 0);
    const lost = work.length - answeredOk + [...outcomes].filter(([s]) => s !== 'succeeded').reduce((n, [, c]) => n + c, 0);
    console.log(`users x requests:        ${USERS} x ${PER_USER} = ${work.length}`);
    console.log(`answers by status:       ${JSON.stringify(Object.fromEntries(statuses))}`);
    console.log(`jobs (distinct):         ${uniqueJobs.size}, outcomes ${JSON.stringify(Object.fromEntries(outcomes))}, queue messages handled ${drained}`);
    console.log(`Strava reads made:       ${stravaReads} (budget 100 per 15 min)`);
    console.log(`429s received from Strava: ${provider429s} (target <= 1)`);
    console.log(`requests lost:           ${lost} (target 0)${errors.size ? ` ${JSON.stringify([...errors])}` : ''}`);
    console.log(`fake time elapsed:       ${((clock - started) / 60_000).toFixed(1)} min`);
  } finally {
    await server.close();
  }
}

await main();
