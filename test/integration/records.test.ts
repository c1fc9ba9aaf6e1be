/**
 * The records store end to end on moto, over the simulators, on one injected clock: Garmin
 * pushes stored and answered with no Garmin call, a ping pulled exactly once (also by two
 * containers racing on it), and a Strava activity webhook fetched, stored and announced.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContainer } from '../../shared/app/container';
import { receiveWebhook } from '../../shared/app/webhooks';
import { MemoryEventLog } from '../../shared/events/memory';
import { FakeClock } from '../support/fake-clock';
import { startClient, type Client } from '../support/provider-flow';
import { uniqueName, useMoto } from '../support/aws';

const TENANT = 'tenant-records';
const USER = 'stored-user';
const SECRET = 'garmin-url-secret';
const HOUR = 3_600_000;

interface SimRequest {
  method: string;
  path: string;
}

describe('records store over moto and the simulators', () => {
  let client: Client;
  const clock = new FakeClock(Date.now());
  const tables = { connections: uniqueName('conn'), cache: uniqueName('cache') };
  const tokenKeys = JSON.stringify([{ id: 'k1', key: randomBytes(32).toString('base64') }]);
  let env: Record<string, string | undefined>;
  const hook = (provider: string, query = '') => `${client.server.url}/webhooks/${provider}${query}`;
  const deliver = async (provider: string, event: unknown, query = '') =>
    ((await (await client.control(provider, 'webhooks', { target: hook(provider, query), event })).json()) as { status: number }).status;
  const simRequests = async (provider: string) => (await (await client.control(provider, 'requests', undefined, 'GET')).json()) as SimRequest[];
  const clearRequests = (provider: string) => client.control(provider, 'requests', undefined, 'DELETE');
  const garminUserId = async () => (await client.server.container.connections.get({ tenantId: TENANT, userId: USER, provider: 'garmin' }))!.providerUserId!;
  // What the use cases published, kept in memory (delivery to endpoints is events.test.ts's concern).
  const log = new MemoryEventLog();
  const events = () => log.published;
  const api = (path: string) => client.api(path, { headers: { 'cache-control': '' } });

  beforeAll(async () => {
    const endpoint = useMoto();
    env = {
      AWS_ENDPOINT_URL: endpoint,
      PIERRE_CONNECTIONS_TABLE: tables.connections,
      PIERRE_CACHE_TABLE: tables.cache,
      PIERRE_TOKEN_KEYS: tokenKeys,
      PIERRE_GARMIN_WEBHOOK_SECRET: SECRET,
    };
    client = await startClient({ env, container: { deps: { now: clock.now }, sleep: clock.sleep, events: log } }, USER, TENANT, { cache: 'use' });
    for (const provider of ['garmin', 'strava']) expect((await client.connect(provider)).status).toBe(200);
    await client.control('garmin', 'rate-limits', { minute: 100_000 });
  });
  afterAll(() => client?.server.close());

  it('a pushed Garmin activity is answered by /activities from the store, with no Garmin call', async () => {
    clock.ms += HOUR;
    const startSecs = Math.floor((clock.ms - HOUR / 2) / 1000);
    const summary = {
      userId: await garminUserId(),
      summaryId: 'pushed-1',
      activityId: 7001,
      activityName: 'Pushed run',
      activityType: 'RUNNING',
      startTimeInSeconds: startSecs,
      startTimeOffsetInSeconds: 3600,
      durationInSeconds: 1800,
      distanceInMeters: 5000,
    };
    expect(await deliver('garmin', { activities: [summary] }, `?secret=${SECRET}`)).toBe(200);
    await clearRequests('garmin');

    const res = await api('/activities?provider=garmin&limit=1');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-source')).toBe('store');
    expect(res.headers.get('x-cache')).toBeNull();
    const body = await res.json();
    expect(body.activities.map((a: { id: string; name: string }) => [a.id, a.name])).toEqual([['pushed-1', 'Pushed run']]);
    expect((await simRequests('garmin')).filter((r) => r.path.startsWith('/wellness-api/'))).toEqual([]);
    const created = events().filter((e) => e.type === 'data.created' && e.data['provider'] === 'garmin');
    expect(created.at(-1)).toMatchObject({ tenantId: TENANT, data: { user_id: USER, resource: 'activities', record_ids: ['pushed-1'] } });

    // A later delivery replaces it (versions are the time of receipt): data.updated, and the next read answers the new name.
    clock.ms += 1000;
    expect(await deliver('garmin', { activities: [{ ...summary, activityName: 'Renamed run' }] }, `?secret=${SECRET}`)).toBe(200);
    expect(events().at(-1)).toMatchObject({ type: 'data.updated', data: { record_ids: ['pushed-1'] } });
    expect((await (await api('/activities?provider=garmin&limit=1')).json()).activities[0].name).toBe('Renamed run');
    // Before the connection, the store holds nothing for sure: that page is still pulled.
    expect((await api('/activities?provider=garmin&limit=50')).headers.get('x-source')).toBeNull();
  });

  it('an unauthenticated push stores nothing', async () => {
    const before = events().length;
    const summary = {
      userId: await garminUserId(),
      summaryId: 'forged',
      activityType: 'RUNNING',
      startTimeInSeconds: Math.floor(clock.ms / 1000) - 60,
      durationInSeconds: 60,
    };
    expect(await deliver('garmin', { activities: [summary] })).toBe(401);
    expect(events().length).toBe(before);
  });

  it('a ping makes exactly one pull; its redelivery and a second container racing on it make none', async () => {
    clock.ms += 2 * HOUR;
    await clearRequests('garmin');
    const userId = await garminUserId();
    const callbackURL = `${client.server.url}/sim/garmin/wellness-api/rest/activities?uploadStartTimeInSeconds=${Math.floor(clock.ms / 1000) - 86_400}&uploadEndTimeInSeconds=${Math.floor(clock.ms / 1000)}&token=CPT1`;
    const body = { activities: [{ userId, callbackURL }] };
    const pulls = async () => (await simRequests('garmin')).filter((r) => r.path.startsWith('/wellness-api/rest/activities') && r.path.includes('token=CPT1'));

    // Two containers (the server's and another on the same tables) receive the same ping at once.
    const other = await buildContainer({ env: { ...process.env, ...client.server.container.raw, ...env }, deps: { now: clock.now }, sleep: clock.sleep });
    const request = { method: 'POST' as const, query: { secret: SECRET }, headers: {}, rawBody: Buffer.from(JSON.stringify(body)) };
    const answers = await Promise.all([receiveWebhook(client.server.container, 'garmin', request), receiveWebhook(other, 'garmin', request)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const seen = await pulls();
    expect(seen).toHaveLength(1);
    expect(await deliver('garmin', body, `?secret=${SECRET}`)).toBe(200);
    expect(await pulls()).toHaveLength(1);
  });

  it('a Strava activity webhook fetches that activity once, stores it and publishes data.created naming it; a delete deletes it', async () => {
    const owner = Number((await client.server.container.connections.get({ tenantId: TENANT, userId: USER, provider: 'strava' }))!.providerUserId);
    const newest = async () =>
      (await (await client.api('/activities?provider=strava&limit=1', { headers: { 'cache-control': 'no-store' } })).json()).activities[0];
    const before = await newest();
    // A new activity at the simulator: the clock moves on until the athlete has recorded one more.
    let activity = before;
    for (let i = 0; i < 14 && activity.id === before.id; i++) {
      clock.ms += 12 * HOUR;
      activity = await newest();
    }
    expect(activity.id).not.toBe(before.id);
    await clearRequests('strava');
    expect(await deliver('strava', { object_type: 'activity', object_id: Number(activity.id), aspect_type: 'create', owner_id: owner })).toBe(200);
    const fetched = (await simRequests('strava')).filter((r) => r.path.startsWith(`/api/v3/activities/${activity.id}`));
    expect(fetched).toHaveLength(1);
    const created = events().filter((e) => e.type === 'data.created' && e.data['provider'] === 'strava');
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      tenantId: TENANT,
      data: { user_id: USER, resource: 'activities', record_ids: [activity.id], from: new Date(activity.start_date).toISOString() },
    });
    expect(JSON.stringify(created[0])).not.toMatch(/token|access/i);
    const scope = { tenantId: TENANT, userId: USER, provider: 'strava', resource: 'activities' as const };
    expect((await client.server.container.records.get(scope, activity.id))?.value).toMatchObject({ id: activity.id, name: activity.name });

    // Strava's events are unsigned: a delete of an activity Strava still has deletes nothing.
    expect(await deliver('strava', { object_type: 'activity', object_id: Number(activity.id), aspect_type: 'delete', owner_id: owner })).toBe(200);
    expect(await client.server.container.records.get(scope, activity.id)).toBeDefined();
    expect(events().filter((e) => e.type === 'data.deleted')).toHaveLength(0);
  });
});
