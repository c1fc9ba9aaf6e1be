/**
 * What one webhook delivery may cost, on DynamoDB (moto) through the local server: deliveries
 * naming hundreds of users, thousands of copies of one, or a whole 6 MiB of entries answer
 * quickly after a bounded number of DynamoDB calls, and none is made after the answer, even
 * when the invocation runs out of time.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_WEBHOOK_USERS, receiveWebhook, USER_CONCURRENCY, USER_RESERVE_MS } from '../../shared/app/webhooks';
import { buildContainer } from '../../shared/app/container';
import { HANDLERS, lambdaContext } from '../../local/handlers';
import { uniqueName, useMoto } from '../support/aws';
import { countingDynamo, type CountingDynamo } from '../support/counting-dynamo';
import { apiEvent } from '../support/events';
import { startClient, type Client } from '../support/provider-flow';
import { serialDynamo } from '../support/serial-dynamo';
import { stravaDeauthorization } from '../support/strava-events';

const TENANT = 'tenant-b';
const USER = 'bounded-user';
/** The deadline's own margin (shared/context/request.ts). */
const DEADLINE_MARGIN_MS = 500;

describe('webhook deliveries cost bounded work (DynamoDB on moto)', () => {
  let client: Client;
  let dynamo: CountingDynamo;
  let garminUser: string;

  const garmin = (body: string) => fetch(`${client.server.url}/webhooks/garmin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const activities = (userIds: readonly string[]) =>
    JSON.stringify({ activities: userIds.map((userId) => ({ userId, summaryId: 's1', activityType: 'RUNNING' })) });
  const queries = () => dynamo.count('QueryCommand');
  /** Lets anything still running after an answer show itself (a few event-loop turns and moto round trips). */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

  beforeAll(async () => {
    useMoto();
    dynamo = await countingDynamo({ connections: uniqueName('conn'), cache: uniqueName('cache') });
    client = await startClient({ container: { stores: dynamo.stores } }, USER, TENANT, { cache: 'use' });
    expect((await client.connect('garmin')).status).toBe(200);
    expect((await client.connect('strava')).status).toBe(200);
    garminUser = (await client.server.container.connections.get({ tenantId: TENANT, userId: USER, provider: 'garmin' }))!.providerUserId!;
  });
  afterAll(async () => {
    await client?.server.close();
    dynamo?.destroy();
  });
  beforeEach(() => dynamo.reset());

  it(`600 distinct users: the first ${MAX_WEBHOOK_USERS} are looked up (${USER_CONCURRENCY} at a time), the rest acknowledged as ignored`, async () => {
    const ids = [garminUser, ...Array.from({ length: 599 }, (_, i) => `stranger-${i}`)];
    const started = Date.now();
    const res = await garmin(activities(ids));
    const elapsed = Date.now() - started;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, ignored_users: 500 });
    expect(elapsed).toBeLessThan(5_000);
    const atAnswer = dynamo.count();
    // One index query per user looked up, then the one known user's cache marked stale (a query of its partition).
    expect(queries()).toBeLessThanOrEqual(MAX_WEBHOOK_USERS + 1);
    expect(atAnswer).toBeLessThanOrEqual(MAX_WEBHOOK_USERS + 10);
    expect(dynamo.peakInFlight()).toBeLessThanOrEqual(USER_CONCURRENCY);
    await settle();
    expect(dynamo.count()).toBe(atAnswer);
  });

  it('5,000 copies of one user (about 230 KB): one lookup, answered at once', async () => {
    const body = activities(Array.from({ length: 5_000 }, () => garminUser));
    expect(body.length).toBeGreaterThan(200_000);
    const started = Date.now();
    const res = await garmin(body);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(queries()).toBeLessThanOrEqual(2);
    const atAnswer = dynamo.count();
    expect(atAnswer).toBeLessThanOrEqual(5);
    await settle();
    expect(dynamo.count()).toBe(atAnswer);
  });

  it('a body of 130,000 distinct users (up to the 6 MiB limit) answers within seconds with at most one lookup per user applied', async () => {
    const body = JSON.stringify({ activities: Array.from({ length: 130_000 }, (_, i) => ({ userId: `u${i}`, summaryId: `s${i}` })) });
    expect(body.length).toBeGreaterThan(5 * 1024 * 1024);
    expect(body.length).toBeLessThanOrEqual(6 * 1024 * 1024);
    const started = Date.now();
    const res = await garmin(body);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { ignored_users: number }).ignored_users).toBeGreaterThan(100_000);
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(queries()).toBeLessThanOrEqual(MAX_WEBHOOK_USERS);
  });

  it('stops starting users when the invocation is nearly out of time: 503 service_timeout, and no DynamoDB call after the answer', async () => {
    const ids = Array.from({ length: 600 }, (_, i) => `late-${i}`);
    const event = apiEvent({ method: 'POST', path: '/webhooks/garmin', body: activities(ids) });
    const { handler } = await HANDLERS.webhooks();
    // Just over the reserve is left when the work begins: the first users start, the others never do.
    const context = lambdaContext('pierre-webhooks', 'req-deadline', DEADLINE_MARGIN_MS + USER_RESERVE_MS + 5);
    const result = await handler(event, context);
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body!)).toMatchObject({ error: { code: 'service_timeout' } });
    expect(result.headers?.['retry-after']).toBeDefined();
    const atAnswer = queries();
    expect(atAnswer).toBeLessThan(MAX_WEBHOOK_USERS);
    await settle();
    expect(queries()).toBe(atAnswer);
  });

  it('a forged Strava deauthorization flood over two containers asks Strava once, and revokes nothing', async () => {
    const serial = await serialDynamo(dynamo.tables, dynamo.tokenKeys);
    try {
      const env = { ...process.env, ...client.server.container.raw };
      const containers = await Promise.all([0, 1].map(() => buildContainer({ env, stores: serial.stores(), deps: client.server.container.deps })));
      const key = { tenantId: TENANT, userId: USER, provider: 'strava' };
      const owner = Number((await client.server.container.connections.get(key))!.providerUserId);
      const subscription = Number(client.server.container.providerConfig('strava').settings['WEBHOOK_SUBSCRIPTION_ID']);
      const event = stravaDeauthorization(owner, { subscription_id: subscription, event_time: Math.floor(Date.now() / 1000) });
      const request = { method: 'POST' as const, query: {}, headers: {}, rawBody: Buffer.from(JSON.stringify(event)) };
      await client.control('strava', 'requests', undefined, 'DELETE');
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => receiveWebhook(containers[i % 2]!, 'strava', request)));
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
      const log = (await (await client.control('strava', 'requests', undefined, 'GET')).json()) as { path: string }[];
      expect(log.filter((r) => r.path === '/api/v3/athlete')).toHaveLength(1);
      expect((await client.server.container.connections.get(key))!.status).toBe('connected');
    } finally {
      serial.destroy();
    }
  });
});
