/**
 * History on connect, on moto: connecting queues a backfill that the retry worker runs into the
 * records store (DynamoDB on moto) from the simulators, on one injected clock. It completes
 * with the simulator's days, resumes from its cursor after a crash, runs in one container when
 * two get it, keeps to its share of Strava's windows while live reads pass, and a reconnect
 * reads only the days since. Garmin's history is asked for (202, then 409 on a repeat).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContainer, type Container } from '../../shared/app/container';
import { DAY_MS, historyPk } from '../../shared/app/history';
import { drainMemoryQueue, processJobMessage, runWithinInvocation, WORKER_INVOCATION_MS } from '../../shared/app/retry-worker';
import { withSession } from '../../shared/app/sessions';
import { MemoryEventLog } from '../../shared/events/memory';
import { MemoryJobQueue } from '../../shared/queue/memory';
import type { RecordStore, RecordScope } from '../../shared/store/ports';
import { uniqueName, useMoto } from '../support/aws';
import { FakeClock } from '../support/fake-clock';
import { startClient, type Client } from '../support/provider-flow';
import { serialDynamo } from '../support/serial-dynamo';

const START = Date.UTC(2026, 11, 7, 9, 0, 30);
const TENANT = 'tenant-h';

/** The pages a container stored, by resource and range, in order (its records store, observed). */
function observedRecords(store: RecordStore, pages: string[], hang?: { onPut: number; reached: () => void }): RecordStore {
  let puts = 0;
  return new Proxy(store, {
    get(target, name, receiver) {
      if (name !== 'put') {
        // The adapter's private fields need the adapter itself as `this`.
        const value = Reflect.get(target, name, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return async (scope: RecordScope, records: Parameters<RecordStore['put']>[1]) => {
        puts += 1;
        // A container that dies here: the page was read, never stored.
        if (puts === hang?.onPut) {
          hang.reached();
          return new Promise(() => undefined);
        }
        pages.push(`${scope.userId}|${scope.resource}|${records.map((r) => r.id).join(',')}`);
        return target.put(scope, records);
      };
    },
  });
}

describe('history backfill on moto', () => {
  const time = new FakeClock(START);
  const { now } = time;
  const tables = { connections: uniqueName('conn'), cache: uniqueName('cache') };
  const tokenKeys = JSON.stringify([{ id: 'k1', key: randomBytes(32).toString('base64') }]);
  let serial: Awaited<ReturnType<typeof serialDynamo>>;
  let client: Client;
  let queue: MemoryJobQueue;
  let events: MemoryEventLog;

  /** Another Lambda container over the same tables, queue and clock. */
  const container = (pages: string[] = [], hang?: { onPut: number; reached: () => void }, env: Record<string, string> = {}): Promise<Container> => {
    // Coordination and history items over the one serial connection (moto then applies conditional
    // writes one at a time, as DynamoDB does); records over the server's own client, for speed.
    return buildContainer({
      env: { ...client.server.container.raw, ...env },
      stores: { ...serial.stores(), records: observedRecords(client.server.container.records, pages, hang) },
      queue,
      events,
      deps: { now },
      sleep: time.sleep,
    });
  };
  const userClient = async (user: string) => {
    const token = await client.server.issueToken(user, TENANT);
    return (path: string) => fetch(`${client.server.url}${path}`, { headers: { authorization: `Bearer ${token}`, 'cache-control': 'no-store' } });
  };
  /** The OAuth dance for `user` at `provider`, through the local server (its callback queues the history). */
  const connect = async (user: string, provider: string) => {
    const api = await userClient(user);
    const started = await (await api(`/connect/${provider}`)).json();
    const consent = await fetch(started.authorization_url, { redirect: 'manual' });
    const callback = await fetch(consent.headers.get('location')!, { redirect: 'manual' });
    expect(callback.status).toBe(200);
    return api;
  };
  const historyOf = async (api: (path: string) => Promise<Response>, provider: string) =>
    (await (await api('/connections')).json()).providers[provider].history;
  /** Runs the worker until the queue has nothing visible, moving the clock to each delayed message. */
  const drain = async (worker: Container = client.server.container, untilMs = time.ms + DAY_MS, oneByOne = false) => {
    for (;;) {
      if (oneByOne) {
        // One message at a time (eight histories writing at once overload moto on a busy machine).
        for (let [m] = queue.receive(1); m; [m] = queue.receive(1)) {
          // A thrown message stays for redelivery, as the retry worker's partial batch failure leaves it.
          const handled = await runWithinInvocation(worker, WORKER_INVOCATION_MS, () => processJobMessage(worker, m!.body)).then(
            () => true,
            () => false,
          );
          if (handled) queue.delete(m.messageId);
        }
      } else await drainMemoryQueue(worker, queue);
      const next = queue.nextVisibleAt();
      if (next === undefined || next > untilMs) return;
      if (next > time.ms) time.ms = next;
    }
  };
  const requests = async (provider: string) =>
    (await (await client.control(provider, 'requests', undefined, 'GET')).json()) as { method: string; path: string }[];

  beforeAll(async () => {
    const endpoint = useMoto();
    serial = await serialDynamo(tables, tokenKeys);
    queue = new MemoryJobQueue({ now });
    events = new MemoryEventLog();
    client = await startClient(
      {
        env: {
          AWS_ENDPOINT_URL: endpoint,
          PIERRE_CONNECTIONS_TABLE: tables.connections,
          PIERRE_CACHE_TABLE: tables.cache,
          PIERRE_TOKEN_KEYS: tokenKeys,
          // On (vitest.config.ts turns it off for the other tests), and for WHOOP enough for several
          // pages of each resource (30 days each) with few records to write.
          PIERRE_BACKFILL_DAYS: '90',
          PIERRE_WHOOP_BACKFILL_DAYS: '35',
        },
        container: { deps: { now }, queue, events, sleep: time.sleep },
      },
      'first',
      TENANT,
    );
  });
  afterAll(async () => {
    serial?.destroy();
    await client?.server.close();
  });

  it("connect Strava: the history completes with the simulator's 90 days, stored and covered, and history.completed is published", {
    timeout: 120_000,
  }, async () => {
    const api = await connect('strava-user', 'strava');
    expect(await historyOf(api, 'strava')).toMatchObject({ status: 'pending', records: 0 });
    await drain();
    const history = await historyOf(api, 'strava');
    expect(history).toMatchObject({ status: 'complete', from: new Date(START - 90 * DAY_MS).toISOString(), to: new Date(START).toISOString() });
    const identity = { tenantId: TENANT, userId: 'strava-user' };
    // What the simulator has for those days, read live.
    const live = await withSession(client.server.container, identity, 'strava', (p, s) =>
      p.getActivities(s, { limit: 1000, offset: 0, after: new Date(START - 90 * DAY_MS), before: new Date(START) }),
    );
    expect(live.length).toBeGreaterThan(10);
    const scope = { ...identity, provider: 'strava', resource: 'activities' } as const;
    const stored = await client.server.container.records.query(scope, { from: history.from, to: history.to, order: 'newest_first' });
    expect(stored.map((r) => r.id).sort()).toEqual(live.map((a) => a.id).sort());
    expect(history.records).toBe(live.length);
    expect(await client.server.container.records.coverage(scope)).toEqual([{ from: history.from, to: history.to }]);
    expect(events.published).toContainEqual({
      tenantId: TENANT,
      type: 'history.completed',
      data: { user_id: 'strava-user', provider: 'strava', from: history.from, to: history.to, records: live.length },
    });
    // MCP's connection-status tool says it in words.
    const mcp = await fetch(`${client.server.url}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await client.server.issueToken('strava-user', TENANT)}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_connection_status', arguments: {} } }),
    });
    expect(JSON.stringify(await mcp.json())).toContain(
      `; history from ${history.from.slice(0, 10)} to ${history.to.slice(0, 10)} stored (${live.length} records)`,
    );
  });

  it('a reconnect reads only the days since the last history', { timeout: 120_000 }, async () => {
    const api = await userClient('strava-user');
    const before = await historyOf(api, 'strava');
    time.ms += 2 * DAY_MS;
    const pages: string[] = [];
    await connect('strava-user', 'strava');
    await drain(await container(pages));
    const after = await historyOf(api, 'strava');
    expect(after).toMatchObject({ status: 'complete', to: new Date(time.ms).toISOString() });
    // One page: the two days since; none of the 90 days already stored were put again.
    const scope = { tenantId: TENANT, userId: 'strava-user', provider: 'strava', resource: 'activities' } as const;
    const since = await client.server.container.records.query(scope, { from: before.to, order: 'oldest_first' });
    expect(pages).toEqual([`strava-user|activities|${since.map((r) => r.id).join(',')}`].filter(() => since.length > 0));
    expect(after.records).toBe(before.records + since.length);
    expect(await client.server.container.records.coverage(scope)).toEqual([{ from: before.from, to: after.to }]);
  });

  it('a crash mid-way resumes from the persisted cursor in another container', { timeout: 120_000 }, async () => {
    await connect('whoop-user', 'whoop');
    const [message] = queue.receive(1);
    const crashedPages: string[] = [];
    // Container A dies on its third page (read, never stored): its invocation never ends.
    let reached: () => void = () => undefined;
    const died = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const crashed = await container(crashedPages, { onPut: 3, reached });
    void runWithinInvocation(crashed, WORKER_INVOCATION_MS, () => processJobMessage(crashed, message!.body));
    await died;
    expect(crashedPages).toHaveLength(2);
    const item = await client.server.container.jobs.get(historyPk(TENANT, 'whoop-user'), 'whoop', time.ms);
    expect(item).toMatchObject({ status: 'running' });
    // The queue hands the message out again after its visibility timeout; the lease has lapsed by then.
    time.ms += 181_000;
    const resumedPages: string[] = [];
    await drain(await container(resumedPages));
    const api = await userClient('whoop-user');
    const history = await historyOf(api, 'whoop');
    expect(history.status).toBe('complete');
    // B began where A stopped: none of A's stored pages again.
    for (const page of crashedPages) expect(resumedPages).not.toContain(page);
    expect(resumedPages.length).toBeGreaterThan(2);
    // Every record of the range once in the count, whichever container stored it.
    const stored = await Promise.all(
      (['activities', 'sleep', 'recovery', 'health_metrics'] as const).map((resource) =>
        client.server.container.records.query(
          { tenantId: TENANT, userId: 'whoop-user', provider: 'whoop', resource },
          { from: history.from, to: history.to, order: 'oldest_first' },
        ),
      ),
    );
    expect(history.records).toBe(stored.flat().length);
  });

  it('two containers given the same message never both run the history', { timeout: 120_000 }, async () => {
    await connect('racer', 'whoop');
    const [message] = queue.receive(1);
    const pagesA: string[] = [];
    const pagesB: string[] = [];
    const [a, b] = await Promise.all([container(pagesA), container(pagesB)]);
    const outcomes = await Promise.all([a, b].map((c) => runWithinInvocation(c, WORKER_INVOCATION_MS, () => processJobMessage(c, message!.body))));
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(1);
    expect(Math.min(pagesA.length, pagesB.length)).toBe(0);
    queue.delete(message!.messageId);
    await drain();
    expect((await historyOf(await userClient('racer'), 'whoop')).status).toBe('complete');
  });

  it("keeps to its share of Strava's window: a live read passes while backfills wait for the next window", { timeout: 180_000 }, async () => {
    await client.resetResilience();
    // A 15-minute read window of 20: history may spend 25 % of it (5 calls), live reads the rest.
    await client.control('strava', 'rate-limits', { read_15min: 20, '15min': 40 });
    const env = { PIERRE_STRAVA_BACKFILL_SHARE: '25' };
    const worker = await container([], undefined, env);
    const users = Array.from({ length: 8 }, (_, i) => `share-${i}`);
    const apis = [];
    for (const user of users) apis.push(await connect(user, 'strava'));
    const windowEnd = Math.ceil(time.ms / 900_000) * 900_000;
    const before = (await requests('strava')).length;
    await drain(worker, windowEnd - 1, true);
    const histories = await Promise.all(apis.map((api) => historyOf(api, 'strava')));
    const done = histories.filter((h) => h.status === 'complete').length;
    // The first call of an unknown window probes it, so at most one more than the share.
    expect(done).toBeGreaterThanOrEqual(4);
    expect(done).toBeLessThanOrEqual(6);
    // Strava saw no more history reads in the window than the share and the probe (a read whose store write failed is read again later).
    const reads = (await requests('strava')).slice(before).filter((r) => r.path.startsWith('/api/v3/athlete/activities')).length;
    expect(reads).toBeGreaterThanOrEqual(done);
    expect(reads).toBeLessThanOrEqual(6);
    // The window still has room for live reads: one answers now, from Strava.
    const live = await apis[0]!('/activities?provider=strava&limit=5');
    expect(live.status).toBe(200);
    // The next windows let the rest through.
    await drain(worker, time.ms + 2 * 900_000, true);
    for (const api of apis) expect((await historyOf(api, 'strava')).status).toBe('complete');
  });

  it('Garmin: history is asked of its backfill endpoints, which then push it; a repeated request answers 409 and is no error', {
    timeout: 120_000,
  }, async () => {
    await client.control('garmin', 'requests', undefined, 'DELETE');
    const api = await connect('garmin-user', 'garmin');
    await drain();
    const history = await historyOf(api, 'garmin');
    expect(history).toMatchObject({ status: 'complete' });
    const asked = (await requests('garmin')).filter((r) => r.path.includes('/backfill/'));
    // 90 days in three pages of 30 days (Garmin's most for activities), each asking for every summary type.
    expect(asked.filter((r) => r.path.includes('/backfill/activities?')).length).toBe(3);
    expect(asked.length).toBe(3 * 5);
    const identity = { tenantId: TENANT, userId: 'garmin-user' };
    // The newest page again: every one of its requests answers 409.
    const end = Date.parse(history.to);
    const range = { start: new Date(end - 30 * DAY_MS), end: new Date(end) };
    const again = await withSession(client.server.container, identity, 'garmin', (p, s) => p.requestHistory!(s, range));
    expect(again).toBe('duplicate');
    const delivered = await (await client.control('garmin', 'backfills', { target: `${client.server.url}/webhooks/garmin` })).json();
    expect(delivered.pushes.length).toBeGreaterThan(0);
    expect(delivered.pushes.some((p: { type: string; summaries: number }) => p.type === 'activities' && p.summaries > 0)).toBe(true);
  });
});
