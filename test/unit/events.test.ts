/**
 * The events layer's own rules: which targets an endpoint may name (SSRF), the outbound call's
 * bounds (no redirect followed), publishing that never fails its use case, the retry schedule,
 * and the events the use cases publish (revoked on disconnect, job.succeeded / job.failed).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContainer } from '../../shared/app/container';
import { disconnect } from '../../shared/app/connections';
import { withSession } from '../../shared/app/sessions';
import { scheduleJob } from '../../shared/app/jobs';
import { drainMemoryQueue } from '../../shared/app/retry-worker';
import { MemoryEventLog } from '../../shared/events/memory';
import { MemoryEventStore } from '../../shared/events/memory-store';
import { postJson, refusedAddress, refusedUrl } from '../../shared/events/outbound';
import { DeliveringEventPublisher } from '../../shared/events/publisher';
import { FIRST_RETRY_MS, MAX_RETRY_MS, retryDelayMs } from '../../shared/events/settings';
import { MemoryJobQueue } from '../../shared/queue/memory';

const AWS = { allowLoopback: false };
const LOCAL = { allowLoopback: true };

describe('endpoint targets', () => {
  it('refuses on AWS every private, loopback, link-local or reserved address, and http', () => {
    for (const url of [
      'https://127.0.0.1/x',
      'https://localhost/x',
      'https://10.1.2.3/x',
      'https://172.16.0.1/x',
      'https://192.168.1.1/x',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/x',
      'https://[fd00::1]/x',
      'https://[fe80::1]/x',
      'https://[::ffff:127.0.0.1]/x',
      'https://0.0.0.0/x',
      'https://100.64.0.1/x',
      'http://hooks.example.com/x',
      'https://user:pass@hooks.example.com/x',
    ]) {
      expect(refusedUrl(new URL(url), AWS), url).toBeDefined();
    }
    expect(refusedUrl(new URL('https://hooks.example.com/x'), AWS)).toBeUndefined();
    expect(refusedUrl(new URL('https://8.8.8.8/x'), AWS)).toBeUndefined();
    expect(refusedAddress('93.184.216.34', AWS)).toBeUndefined();
  });

  it('allows loopback (http too) only locally, and nothing else private', () => {
    expect(refusedUrl(new URL('http://127.0.0.1:4000/x'), LOCAL)).toBeUndefined();
    expect(refusedUrl(new URL('http://localhost:4000/x'), LOCAL)).toBeUndefined();
    expect(refusedUrl(new URL('https://169.254.169.254/x'), LOCAL)).toBeDefined();
    expect(refusedUrl(new URL('http://hooks.example.com/x'), LOCAL)).toBeDefined();
  });
});

describe('the outbound call', () => {
  let server: ReturnType<typeof createServer>;
  let base: string;
  let hits: string[];
  beforeAll(async () => {
    hits = [];
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/redirect') {
        res.writeHead(302, { location: '/target' });
        res.end();
      } else if (req.url === '/big') {
        res.writeHead(200);
        res.end(Buffer.alloc(1024 * 1024, 'x'));
      } else {
        res.writeHead(204);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('does not follow a redirect: a 3xx is the attempt’s answer', async () => {
    expect((await postJson(`${base}/redirect`, {}, '{}', LOCAL, Date.now)).status).toBe(302);
    expect(hits).not.toContain('/target');
  });

  it('stops reading a large answer and still reports its status', async () => {
    expect((await postJson(`${base}/big`, {}, '{}', LOCAL, Date.now)).status).toBe(200);
  });

  it('never connects to a loopback target under the AWS policy', async () => {
    const before = hits.length;
    const outcome = await postJson(`${base}/x`, {}, '{}', AWS, Date.now);
    expect(outcome.error).toMatch(/^refused target/);
    expect(hits.length).toBe(before);
  });
});

describe('publishing', () => {
  it('never fails the use case: a store that throws is logged, not thrown', async () => {
    const store = new MemoryEventStore();
    store.putEvent = async () => {
      throw new Error('DynamoDB is down');
    };
    const publisher = new DeliveringEventPublisher({ store, queue: new MemoryJobQueue({ now: Date.now }), now: Date.now });
    await expect(publisher.publish({ tenantId: 't', type: 'job.failed', data: {} })).resolves.toBeUndefined();
  });

  it('backs off exponentially with jitter, up to a ceiling', () => {
    expect(retryDelayMs(1, () => 0.5)).toBe(FIRST_RETRY_MS);
    expect(retryDelayMs(3, () => 0.5)).toBe(4 * FIRST_RETRY_MS);
    expect(retryDelayMs(1, () => 0)).toBe(0.75 * FIRST_RETRY_MS);
    expect(retryDelayMs(40, () => 0.999)).toBeLessThanOrEqual(1.25 * MAX_RETRY_MS);
  });
});

describe('events the use cases publish', () => {
  it('job.succeeded when a queued read ends; connection.revoked when a user disconnects', async () => {
    let now = Date.parse('2026-12-07T10:00:00Z');
    const log = new MemoryEventLog();
    const queue = new MemoryJobQueue({ now: () => now });
    const container = await buildContainer({ env: {}, events: log, queue, deps: { now: () => now } });
    const identity = { tenantId: 'tenant-j', userId: 'user-j' };
    const job = await scheduleJob(container, identity, { name: 'activities', provider: 'synthetic', limit: 2 }, 1);
    now += 5_000;
    await drainMemoryQueue(container, queue);
    expect(log.published).toContainEqual({
      tenantId: 'tenant-j',
      type: 'job.succeeded',
      data: { job_id: job.job_id, user_id: 'user-j', operation: 'activities', provider: 'synthetic' },
    });

    await container.connections.put({
      ...identity,
      provider: 'strava',
      accessToken: 'a',
      refreshToken: 'r',
      expiresAt: Math.floor(now / 1000) + 3600,
      scopes: [],
      status: 'connected',
      connectedAt: new Date(now).toISOString(),
      updatedAt: new Date(now).toISOString(),
    });
    // The revoke call at Strava fails here (no simulator): the user still leaves, and the event says so.
    container.deps.fetch = async () => new Response('', { status: 503 });
    await disconnect(container, identity, 'strava');
    expect(log.published.filter((e) => e.type === 'connection.revoked')).toMatchObject([
      { tenantId: 'tenant-j', data: { user_id: 'user-j', provider: 'strava', reason: 'user' } },
    ]);
  });

  it('connection.reauthorization_required once per stored state, however often reads notice it', async () => {
    const now = Date.parse('2026-12-07T10:00:00Z');
    const container = await buildContainer({ env: {}, deps: { now: () => now } });
    const key = { tenantId: 'tenant-r', userId: 'user-r', provider: 'strava' };
    await container.connections.put({
      ...key,
      accessToken: 'a',
      expiresAt: Math.floor(now / 1000) - 60,
      scopes: [],
      status: 'connected',
      connectedAt: new Date(now - 86_400_000).toISOString(),
      updatedAt: new Date(now - 86_400_000).toISOString(),
    });
    for (let i = 0; i < 3; i++) {
      await expect(withSession(container, key, 'strava', (provider, session) => provider.getAthlete(session))).rejects.toMatchObject({
        code: 'reauthorization_required',
      });
    }
    const { events } = await container.eventStore.listEvents('tenant-r', { limit: 10 }, now);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['connection.reauthorization_required', { user_id: 'user-r', provider: 'strava', reason: 'expired' }],
    ]);
  });
});
