/**
 * Jobs in time and in turn, over HTTP against the Strava simulator on one injected clock (the
 * app, the simulator and the worker): the retry worker's jobs live within the invocation's
 * remaining time and hand back what they could not finish; the refresh wait ends with the data
 * function's budget; a user's pending jobs are capped; and when a window opens every user's
 * first job runs before anyone's second.
 */
import type { APIGatewayProxyStructuredResultV2, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handler as data } from '../../functions/data';
import { handler as retryWorker } from '../../functions/retry-worker';
import { buildContainer } from '../../shared/app/container';
import { fetchActivities } from '../../shared/app/data';
import { scheduleJob, slotsPk } from '../../shared/app/jobs';
import { drainMemoryQueue } from '../../shared/app/retry-worker';
import { CacheRequest, withCacheRequest } from '../../shared/cache/policy';
import { MemoryJobQueue, type QueuedMessage } from '../../shared/queue/memory';
import { lambdaContext } from '../../local/handlers';
import { apiEvent } from '../support/events';
import { FakeClock } from '../support/fake-clock';
import { expectScheduled, startClient, type Client } from '../support/provider-flow';

const START = Date.UTC(2026, 11, 7, 11, 1, 0);
const TENANT = 'tenant-q';
const HEAVY = { tenantId: TENANT, userId: 'heavy' };

describe('jobs in time and in turn', () => {
  const time = new FakeClock(START);
  const { now } = time;
  let client: Client;
  let queue: MemoryJobQueue;
  let light: (path: string) => Promise<Response>;

  const stravaReads = async () =>
    ((await (await client.control('strava', 'requests', undefined, 'GET')).json()) as { method: string; path: string }[]).filter(
      (r) => r.method === 'GET' && r.path.startsWith('/api/v3/'),
    ).length;
  const sqsEvent = (messages: QueuedMessage[]) =>
    ({
      Records: messages.map((m) => ({
        messageId: m.messageId,
        receiptHandle: m.messageId,
        body: m.body,
        attributes: {},
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:local:000000000000:retry',
        awsRegion: 'local',
      })),
    }) as unknown as SQSEvent;
  /** One retry-worker invocation with `remainingMs` of Lambda time, on the visible messages. */
  const invokeWorker = async (remainingMs: number) => {
    const messages = queue.receive(10);
    const answer = (await retryWorker(sqsEvent(messages), lambdaContext('retry-worker', 'req-worker', remainingMs))) as SQSBatchResponse;
    return { messages, failed: answer.batchItemFailures.map((f) => f.itemIdentifier) };
  };
  const jobStatus = async (jobId: string) => (await client.server.container.jobs.get(`job#${jobId}`, 'job', time.ms))!;

  beforeAll(async () => {
    queue = new MemoryJobQueue({ now });
    client = await startClient(
      {
        env: {
          PIERRE_STRAVA_MAX_RETRIES: '10',
          PIERRE_STRAVA_BASE_DELAY_MS: '5000',
          PIERRE_STRAVA_CIRCUIT_FAILURES: '1000',
          PIERRE_STRAVA_MAX_PENDING_JOBS: '3',
        },
        // Waiting (backoff, gate and lease polls) moves the clock instead of the test waiting for it.
        container: { deps: { now }, queue, sleep: time.sleep },
      },
      HEAVY.userId,
      TENANT,
      { cache: 'use' },
    );
    expect((await client.connect('strava')).status).toBe(200);
    const token = await client.server.issueToken('light', TENANT);
    light = (path) => fetch(`${client.server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const connect = await (await light('/connect/strava')).json();
    const consent = await fetch(connect.authorization_url, { redirect: 'manual' });
    expect((await fetch(consent.headers.get('location')!, { redirect: 'manual' })).status).toBe(200);
  });
  afterAll(() => client?.server.close());
  beforeEach(async () => {
    time.ms = (Math.floor(time.ms / 900_000) + 1) * 900_000 + 60_000;
    await client.control('strava', 'rate-limits', { read_15min: 100, read_daily: 1_000 });
    await client.control('strava', 'faults', undefined, 'DELETE');
    await client.resetResilience();
    queue.purge();
    for (const userId of [HEAVY.userId, 'light']) {
      const pk = slotsPk({ tenantId: TENANT, userId }, 'strava');
      for (const sk of (await client.server.container.jobs.list(pk, 0)).keys()) await client.server.container.jobs.delete(pk, sk);
    }
    await client.control('strava', 'requests', undefined, 'DELETE');
  });

  describe('the retry worker keeps to its invocation', () => {
    it('starts no job with too little of the invocation left and hands every one back as a batch item failure', async () => {
      const jobs = [
        await scheduleJob(client.server.container, HEAVY, { name: 'athlete', provider: 'strava' }, 1),
        await scheduleJob(client.server.container, HEAVY, { name: 'stats', provider: 'strava' }, 1),
      ];
      time.ms += 5_000;
      const { messages, failed } = await invokeWorker(2_000);
      expect(messages).toHaveLength(2);
      expect(failed.sort()).toEqual(messages.map((m) => m.messageId).sort());
      for (const job of jobs) expect(await jobStatus(job.job_id)).toMatchObject({ status: 'scheduled', attempts: 0 });
      expect(await stravaReads()).toBe(0);
    });

    it("ends a job's retries before the invocation's deadline and hands the job back", async () => {
      // Strava fails every call: 10 retries 5 s apart would take about 50 s of a 30 s invocation.
      await client.control('strava', 'faults', { kind: 'status', status: 503, count: 100 });
      const job = await scheduleJob(client.server.container, HEAVY, { name: 'personal_records', provider: 'strava' }, 1);
      time.ms += 1_000;
      const started = time.ms;
      const { messages, failed } = await invokeWorker(30_000);
      expect(failed).toEqual(messages.map((m) => m.messageId));
      expect(time.ms - started).toBeLessThan(30_000);
      expect(time.ms - started).toBeGreaterThan(20_000);
      expect(await jobStatus(job.job_id)).toMatchObject({ status: 'scheduled' });
    });
  });

  it("bounds the wait for another container's token refresh by the data function's 10 s and answers 503 service_timeout", async () => {
    const key = { ...HEAVY, provider: 'strava' };
    const stored = (await client.server.container.connections.get(key))!;
    await client.server.container.connections.put({ ...stored, expiresAt: Math.floor(time.ms / 1000) + 60 });
    // Another container holds the refresh: its token request hangs until the test lets it go.
    let release!: () => void;
    let refreshing!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const started = new Promise<void>((resolve) => (refreshing = resolve));
    const other = await buildContainer({
      env: { ...process.env, ...client.server.container.raw },
      stores: client.server.container,
      deps: {
        now,
        fetch: async (input, init) => {
          if (String(input instanceof Request ? input.url : input).includes('/oauth/token')) {
            refreshing();
            await released;
            throw new TypeError('fetch failed');
          }
          return fetch(input, init);
        },
      },
      sleep: time.sleep,
    });
    const otherRead = withCacheRequest(new CacheRequest('bypass'), () => fetchActivities(other, HEAVY, 'strava', { limit: 1, offset: 0 })).catch(
      () => undefined,
    );
    await started;
    try {
      const before = time.ms;
      const event = apiEvent({
        path: '/activities',
        query: { provider: 'strava' },
        claims: { sub: HEAVY.userId, tenant_id: TENANT },
        headers: { 'cache-control': 'no-store' },
      });
      const result = (await data(event, lambdaContext('data', 'req-refresh-wait', 10_000))) as APIGatewayProxyStructuredResultV2;
      expect(JSON.parse(result.body!)).toEqual({ error: { code: 'service_timeout', message: 'The connection is being refreshed; try again shortly' } });
      expect(result.statusCode).toBe(503);
      expect(result.headers?.['retry-after']).toBeDefined();
      expect(time.ms - before).toBeLessThan(10_000);
    } finally {
      release();
      await otherRead;
      await client.server.container.connections.put(stored);
    }
  });

  it("caps a user's pending jobs per provider: beyond PIERRE_STRAVA_MAX_PENDING_JOBS the read answers 429 too_many_jobs", async () => {
    await client.control('strava', 'rate-limits', { read_15min: 1 });
    expect((await client.api('/athlete?provider=strava')).status).toBe(200);
    const queued: { job_id: string; retry_after: number }[] = [];
    for (let offset = 0; offset < 3; offset++) queued.push(await expectScheduled(await client.api(`/activities?provider=strava&limit=5&offset=${offset}`)));
    const refused = await client.api('/activities?provider=strava&limit=5&offset=3');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = await refused.json();
    expect(body).toEqual({ error: { code: 'too_many_jobs', message: expect.stringContaining('3 reads') } });
    // A read already waiting still answers its job; another user is not affected.
    expect((await expectScheduled(await client.api('/activities?provider=strava&limit=5&offset=1'))).job_id).toBe(queued[1]!.job_id);
    expect((await light('/activities?provider=strava&limit=5&offset=3')).status).toBe(202);
    // Once one has run, there is room again.
    await client.control('strava', 'rate-limits', { read_15min: 100 });
    time.ms = (Math.floor(time.ms / 900_000) + 1) * 900_000;
    expect(await drainMemoryQueue(client.server.container, queue)).toContain('succeeded');
    await client.control('strava', 'rate-limits', { read_15min: 0 });
    expect((await client.api('/activities?provider=strava&limit=5&offset=3')).status).toBe(202);
  });

  it("runs every user's first job before anyone's second when a window opens", async () => {
    await client.control('strava', 'rate-limits', { read_15min: 2 });
    for (const offset of [40, 41]) expect((await client.api(`/activities?provider=strava&limit=1&offset=${offset}&cache=bypass`)).status).toBe(200);
    // The heavy user queues three reads, then the light user one.
    const heavy: { job_id: string; retry_after: number }[] = [];
    for (let offset = 10; offset < 13; offset++) heavy.push(await expectScheduled(await client.api(`/activities?provider=strava&limit=5&offset=${offset}`)));
    const lightJob = await expectScheduled(await light('/activities?provider=strava&limit=5&offset=20'));
    // The heavy user's jobs take turns a second apart; each user's first is due when the window opens.
    expect(heavy.map((j) => j.retry_after - heavy[0]!.retry_after)).toEqual([0, 1, 2]);
    expect(lightJob.retry_after).toBe(heavy[0]!.retry_after);

    // The window opens with room for two reads: the heavy user's first and the light user's.
    time.ms += heavy[0]!.retry_after * 1000;
    await drainMemoryQueue(client.server.container, queue);
    const lightDone = await (await light(`/jobs/${lightJob.job_id}`)).json();
    expect(lightDone.status).toBe('succeeded');
    const heavyDone = await Promise.all(heavy.map(async (j) => (await (await client.api(`/jobs/${j.job_id}`)).json()).status));
    expect(heavyDone.filter((s) => s === 'succeeded')).toHaveLength(1);
    expect(heavyDone[0]).toBe('succeeded');
  });

  // Last: a failed start-up clears the process's container, which the tests above use.
  it('stops start-up on an invalid PIERRE_<P>_MAX_PENDING_JOBS, naming it', async () => {
    await expect(startClient({ simulators: false, env: { PIERRE_STRAVA_MAX_PENDING_JOBS: '0' } })).rejects.toThrow(/PIERRE_STRAVA_MAX_PENDING_JOBS/);
    await expect(startClient({ simulators: false, env: { PIERRE_STRAVA_MAX_PENDING_JOBS: 'many' } })).rejects.toThrow(/PIERRE_STRAVA_MAX_PENDING_JOBS/);
  });
});
