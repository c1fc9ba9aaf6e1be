/**
 * GET/POST /webhooks/{provider} over HTTP: events sent and signed by the simulators, forged
 * and replayed deliveries, unknown owners, repeats, deauthorizations, and the whole loop with
 * the cache (a cached answer, an event, and the next request fetches anew).
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COROS_SIM_CLIENT } from '../../local/simulators/coros/simulator';
import { SIM_WEBHOOK_SECRET } from '../../local/simulators/terra';
import { WHOOP_SIM_CLIENT } from '../../local/simulators/whoop';
import { DEAUTHORIZATION_CHECK_INTERVAL_MS } from '../../shared/app/deauthorization';
import { startClient, type Client } from '../support/provider-flow';
import { apiEvent, invoke } from '../support/events';
import { stravaDeauthorization } from '../support/strava-events';

const TENANT = 'tenant-w';
const USER = 'hooked-user';

describe('provider webhooks', () => {
  let client: Client;
  const hook = (provider: string, query = '') => `${client.server.url}/webhooks/${provider}${query}`;
  const providerUserId = async (provider: string) =>
    (await client.server.container.connections.get({ tenantId: TENANT, userId: USER, provider }))!.providerUserId!;
  /** Has the simulator deliver `event` to our endpoint; the status we answered. */
  const deliver = async (provider: string, event: unknown, query = '') =>
    ((await (await client.control(provider, 'webhooks', { target: hook(provider, query), event })).json()) as { status: number }).status;
  const xCache = async (path: string) => (await client.api(path)).headers.get('x-cache');
  const status = async (provider: string) => ((await (await client.api('/connections')).json()).providers[provider] as { status: string }).status;

  /** Added to the real clock of the app and the simulators (a deauthorization is checked once a minute). */
  let clockOffsetMs = 0;

  beforeAll(async () => {
    client = await startClient({ container: { deps: { now: () => Date.now() + clockOffsetMs } } }, USER, TENANT, { cache: 'use' });
    for (const provider of ['strava', 'whoop', 'garmin', 'terra', 'coros']) expect((await client.connect(provider)).status).toBe(200);
  });
  afterAll(() => client?.server.close());

  it('answers 404 for an unknown provider and for one without webhooks', async () => {
    expect((await fetch(hook('nope'), { method: 'POST', body: '{}' })).status).toBe(404);
    const synthetic = await fetch(hook('synthetic'), { method: 'POST', body: '{}' });
    expect(synthetic.status).toBe(404);
    expect((await synthetic.json()).error.code).toBe('not_found');
  });

  describe('Strava', () => {
    const settings = () => client.server.container.providerConfig('strava').settings;

    it("answers the subscription challenge, and the simulator's subscription call succeeds through it", async () => {
      const ok = await fetch(hook('strava', `?hub.mode=subscribe&hub.challenge=abc123&hub.verify_token=${settings()['WEBHOOK_VERIFY_TOKEN']}`));
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ 'hub.challenge': 'abc123' });
      expect((await fetch(hook('strava', '?hub.mode=subscribe&hub.challenge=abc123&hub.verify_token=guess'))).status).toBe(401);

      const simUrl = `${client.server.url}/sim/strava`;
      const created = await fetch(`${simUrl}/api/v3/push_subscriptions`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: 'sim-strava-client',
          client_secret: 'sim-strava-secret',
          callback_url: hook('strava'),
          verify_token: settings()['WEBHOOK_VERIFY_TOKEN']!,
        }),
      });
      expect(created.status).toBe(201);
    });

    it('a create event drops the cached list: the next request fetches anew, within the deadline', async () => {
      await client.api('/activities?provider=strava');
      expect(await xCache('/activities?provider=strava')).toBe('HIT');
      expect(await xCache('/athlete?provider=strava')).toBe('MISS');
      const owner = Number(await providerUserId('strava'));
      const event = { object_type: 'activity', object_id: 991, aspect_type: 'create', owner_id: owner };
      const started = Date.now();
      expect(await deliver('strava', event)).toBe(200);
      // The simulator gives up on a delivery after 2 s (Strava's deadline): a 200 came in time.
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(await xCache('/activities?provider=strava')).toBe('MISS');
      expect(await xCache('/athlete?provider=strava')).toBe('HIT');
      // A repeat is harmless.
      expect(await deliver('strava', event)).toBe(200);
      expect(await xCache('/activities?provider=strava')).toBe('MISS');
    });

    it('ignores an event of another subscription, answering exactly as for ours, so the id cannot be found by counting', async () => {
      await client.api('/activities?provider=strava');
      const owner = Number(await providerUserId('strava'));
      const post = (subscription_id: number) =>
        fetch(hook('strava'), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ object_type: 'activity', object_id: 5, aspect_type: 'create', owner_id: 424242, subscription_id, event_time: 1, updates: {} }),
        });
      const ours = Number(client.server.container.providerConfig('strava').settings['WEBHOOK_SUBSCRIPTION_ID']);
      const answers = await Promise.all(
        [ours, 1, 2, ours + 1].map(async (id) => {
          const res = await post(id);
          return [res.status, await res.text()];
        }),
      );
      expect(new Set(answers.map((a) => JSON.stringify(a)))).toEqual(new Set([JSON.stringify([200, '{"ok":true}'])]));
      expect(await deliver('strava', { object_id: 5, owner_id: owner, subscription_id: 1 })).toBe(200);
      expect(await xCache('/activities?provider=strava')).toBe('HIT');
    });

    it('acknowledges an unknown owner and ignores it', async () => {
      await client.api('/activities?provider=strava');
      expect(await deliver('strava', { object_id: 5, owner_id: 424242 })).toBe(200);
      expect(await xCache('/activities?provider=strava')).toBe('HIT');
    });

    it('an unsigned event only marks the cache stale: a Strava at its limit still gets the cached answer (STALE), the next read refreshes', async () => {
      await client.api('/activities?provider=strava');
      expect(await xCache('/activities?provider=strava')).toBe('HIT');
      const owner = Number(await providerUserId('strava'));
      expect(await deliver('strava', { object_type: 'activity', object_id: 992, aspect_type: 'update', owner_id: owner })).toBe(200);
      await client.control('strava', 'rate-limits', { read_15min: 0 });
      try {
        const limited = await client.api('/activities?provider=strava');
        expect(limited.status).toBe(200);
        expect(limited.headers.get('x-cache')).toBe('STALE');
      } finally {
        await client.control('strava', 'rate-limits', { read_15min: 100 });
        await client.resetResilience();
      }
      expect(await xCache('/activities?provider=strava')).toBe('MISS');
      expect(await xCache('/activities?provider=strava')).toBe('HIT');
    });
  });

  it('answers every refused delivery the same way, whatever the provider and the reason', async () => {
    const answers = new Set<string>();
    const record = async (res: Response) => answers.add(JSON.stringify([res.status, res.headers.get('content-type'), await res.text()]));
    const postJson = (provider: string, body: unknown, headers: Record<string, string> = {}, query = '') =>
      fetch(hook(provider, query), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const stravaEvent = { object_type: 'athlete', object_id: 1, aspect_type: 'update', owner_id: 1, updates: { authorized: 'false' }, event_time: 1 };
    await record(await postJson('strava', 'not json'));
    await record(await postJson('strava', { ...stravaEvent, subscription_id: 'x' }));
    await record(await fetch(hook('strava', '?hub.mode=subscribe&hub.challenge=c&hub.verify_token=guess')));
    await record(await postJson('whoop', { user_id: 1, type: 'workout.updated' }));
    await record(await postJson('whoop', '{}', { 'x-whoop-signature': 'AAAA', 'x-whoop-signature-timestamp': String(Date.now()) }));
    await record(await postJson('garmin', { activities: [{ userId: 'u', callbackURL: 'https://evil.example.com/steal' }] }));
    await record(await postJson('garmin', '[]'));
    await record(await fetch(hook('garmin')));
    await record(
      await postJson(
        'terra',
        { type: 'deauth', user: { user_id: 'x' } },
        { 'terra-signature': `t=${Math.floor(Date.now() / 1000) - 3_600},v1=${'0'.repeat(64)}` },
      ),
    );
    await record(await postJson('coros', { sportDataList: [] }, { client: COROS_SIM_CLIENT.clientId, secret: 'guess' }));
    await record(await postJson('fitbit', { type: 'verification' }));
    await record(await postJson('fitbit', [{ data: { healthUserId: 'h', operation: 'UPSERT', dataType: 'exercise' } }], { authorization: 'Bearer guess' }));
    expect([...answers]).toEqual([
      JSON.stringify([
        401,
        'application/json; charset=utf-8',
        JSON.stringify({ error: { code: 'webhook_rejected', message: 'The delivery could not be verified' } }),
      ]),
    ]);
  });

  describe('WHOOP', () => {
    const sign = (timestamp: string, body: string) =>
      createHmac('sha256', WHOOP_SIM_CLIENT.clientSecret)
        .update(timestamp + body)
        .digest('base64');
    const post = (body: string, headers: Record<string, string>) =>
      fetch(hook('whoop'), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

    it('a signed workout event drops cached activities, not sleep', async () => {
      await client.api('/activities?provider=whoop');
      await client.api('/sleep?provider=whoop');
      const userId = Number(await providerUserId('whoop'));
      expect(await deliver('whoop', { user_id: userId, type: 'workout.updated' })).toBe(200);
      expect(await xCache('/activities?provider=whoop')).toBe('MISS');
      expect(await xCache('/sleep?provider=whoop')).toBe('HIT');
    });

    it('refuses forged and replayed signatures, changing nothing', async () => {
      await client.api('/activities?provider=whoop');
      const userId = Number(await providerUserId('whoop'));
      const body = JSON.stringify({ user_id: userId, id: 'a0000000-0000-4000-8000-000000000001', type: 'workout.deleted' });
      const now = String(Date.now());
      expect((await post(body, { 'x-whoop-signature': sign(now, `${body} `), 'x-whoop-signature-timestamp': now })).status).toBe(401);
      const old = String(Date.now() - 3_600_000);
      expect((await post(body, { 'x-whoop-signature': sign(old, body), 'x-whoop-signature-timestamp': old })).status).toBe(401);
      expect((await post(body, {})).status).toBe(401);
      expect(await xCache('/activities?provider=whoop')).toBe('HIT');
      // The same delivery, fresh and correctly signed, is accepted.
      expect((await post(body, { 'x-whoop-signature': sign(now, body), 'x-whoop-signature-timestamp': now })).status).toBe(200);
      expect(await xCache('/activities?provider=whoop')).toBe('MISS');
    });

    it('verifies the raw body when API Gateway hands it over base64-encoded', async () => {
      const userId = Number(await providerUserId('whoop'));
      const body = JSON.stringify({ user_id: userId, id: 'a0000000-0000-4000-8000-000000000002', type: 'sleep.updated' });
      const now = String(Date.now());
      const headers = { 'content-type': 'application/octet-stream', 'x-whoop-signature': sign(now, body), 'x-whoop-signature-timestamp': now };
      const event = apiEvent({ method: 'POST', path: '/webhooks/whoop', body, headers });
      expect(event.isBase64Encoded).toBe(true);
      expect((await invoke({ method: 'POST', path: '/webhooks/whoop', body, headers })).status).toBe(200);
      expect((await invoke({ method: 'POST', path: '/webhooks/whoop', body: `${body} `, headers })).status).toBe(401);
    });
  });

  describe('Garmin', () => {
    it('pings and pushes drop what they name', async () => {
      await client.api('/activities?provider=garmin&limit=5');
      await client.api('/sleep?provider=garmin');
      const userId = await providerUserId('garmin');
      expect(await deliver('garmin', { type: 'ping', user_id: userId, summary_type: 'sleeps' })).toBe(200);
      expect(await xCache('/sleep?provider=garmin')).toBe('MISS');
      expect(await xCache('/activities?provider=garmin&limit=5')).toBe('HIT');
      expect(await deliver('garmin', { type: 'push', user_id: userId, summary_type: 'activities' })).toBe(200);
      expect(await xCache('/activities?provider=garmin&limit=5')).toBe('MISS');
    });

    it('refuses a ping whose callback URL leaves the Garmin API', async () => {
      const userId = await providerUserId('garmin');
      expect(await deliver('garmin', { activities: [{ userId, callbackURL: 'https://evil.example.com/steal' }] })).toBe(401);
    });
  });

  describe('Terra', () => {
    it('a signed activity event drops cached activities; a replayed or tampered one is refused', async () => {
      await client.api('/activities?provider=terra');
      const userId = await providerUserId('terra');
      expect(await deliver('terra', { type: 'activity', user_id: userId, signed_at: Math.floor(Date.now() / 1000) - 3_600 })).toBe(401);
      const raw = JSON.stringify({ type: 'activity', user: { user_id: userId }, data: [] });
      const t = Math.floor(Date.now() / 1000);
      const signature = createHmac('sha256', SIM_WEBHOOK_SECRET).update(`${t}.${raw}`).digest('hex');
      const tampered = await fetch(hook('terra'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'terra-signature': `t=${t},v1=${signature}` },
        body: raw.replace('"data":[]', '"data": []'),
      });
      expect(tampered.status).toBe(401);
      expect(await xCache('/activities?provider=terra')).toBe('HIT');
      expect(await deliver('terra', { type: 'activity', user_id: userId })).toBe(200);
      expect(await xCache('/activities?provider=terra')).toBe('MISS');
    });
  });

  describe('COROS', () => {
    it('a workout push behind the client secret drops cached activities and gets COROS its ack', async () => {
      await client.api('/activities?provider=coros');
      const openId = await providerUserId('coros');
      const pushed = await client.control('coros', 'webhooks', { target: hook('coros'), event: { openId, count: 1 } });
      expect(await pushed.json()).toEqual({ status: 200 });
      expect(await xCache('/activities?provider=coros')).toBe('MISS');
    });

    it('answers a check without credentials, and refuses a wrong secret', async () => {
      const check = await fetch(hook('coros'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(check.status).toBe(200);
      expect(await check.json()).toEqual({ result: '0000', message: 'ok' });
      const forged = await fetch(hook('coros'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', client: COROS_SIM_CLIENT.clientId, secret: 'guess' },
        body: JSON.stringify({ sportDataList: [] }),
      });
      expect(forged.status).toBe(401);
    });
  });

  describe('deauthorization', () => {
    it('Strava: a deauthorization from before the connection was last made (a late delivery) changes nothing', async () => {
      const owner = Number(await providerUserId('strava'));
      const connection = (await client.server.container.connections.get({ tenantId: TENANT, userId: USER, provider: 'strava' }))!;
      const before = Math.floor(Date.parse(connection.updatedAt) / 1000) - 30;
      const event = stravaDeauthorization(owner, { event_time: before });
      expect(await deliver('strava', event)).toBe(200);
      expect(await status('strava')).toBe('connected');
    });

    it('Strava: a forged authorized=false (right subscription id) changes nothing while Strava still accepts our token', async () => {
      await client.api('/activities?provider=strava');
      const owner = Number(await providerUserId('strava'));
      const event = stravaDeauthorization(owner);
      expect(await deliver('strava', event)).toBe(200);
      expect(await deliver('strava', event)).toBe(200);
      expect(await status('strava')).toBe('connected');
      expect(await xCache('/activities?provider=strava')).toBe('HIT');
    });

    it('Strava: a real deauthorization (Strava refuses our tokens) deletes the tokens, drops the cache, and /connections says revoked', async () => {
      await client.api('/activities?provider=strava');
      const owner = Number(await providerUserId('strava'));
      const { accessToken } = (await client.server.container.connections.get({ tenantId: TENANT, userId: USER, provider: 'strava' }))!;
      const subscriptionId = Number(client.server.container.providerConfig('strava').settings['WEBHOOK_SUBSCRIPTION_ID']);
      // This test delivers Strava's event itself: the simulator's subscription must not send its own meanwhile.
      const simApi = `${client.server.url}/sim/strava/api/v3/push_subscriptions`;
      const credentials = 'client_id=sim-strava-client&client_secret=sim-strava-secret';
      for (const { id } of (await (await fetch(`${simApi}?${credentials}`)).json()) as { id: number }[]) {
        expect((await fetch(`${simApi}/${id}?${credentials}`, { method: 'DELETE' })).status).toBe(204);
      }
      // The athlete revokes our access at Strava (which then refuses both tokens)...
      const deauthorized = await fetch(`${client.server.url}/sim/strava/oauth/deauthorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ access_token: accessToken }),
      });
      expect(deauthorized.status).toBe(200);
      const event = stravaDeauthorization(owner, { subscription_id: subscriptionId });
      // ...and Strava tells us. Within a minute of the last check (which found the token accepted) nobody asks Strava again...
      expect(await deliver('strava', event)).toBe(200);
      expect(await status('strava')).toBe('connected');
      // ...a minute later the check finds our tokens refused.
      clockOffsetMs += DEAUTHORIZATION_CHECK_INTERVAL_MS;
      expect(await deliver('strava', event)).toBe(200);
      expect(await status('strava')).toBe('revoked');
      const stored = await client.server.container.connections.get({ tenantId: TENANT, userId: USER, provider: 'strava' });
      expect(stored).toMatchObject({ status: 'revoked', accessToken: '' });
      expect(stored!.refreshToken).toBeUndefined();
      // The application is told, once: the check found Strava refusing our refresh token.
      const revoked = await client.server.container.eventStore.listEvents(TENANT, { type: 'connection.revoked', limit: 100 }, Date.now() + clockOffsetMs);
      expect(revoked.events.filter((e) => e.data['provider'] === 'strava').map((e) => e.data)).toEqual([
        { user_id: USER, provider: 'strava', reason: 'refresh_refused' },
      ]);
      const after = await client.api('/activities?provider=strava');
      expect(after.status).toBe(409);
    });

    it('Garmin without its URL secret (local runs): a forged deregistration changes nothing while Garmin still accepts our token', async () => {
      expect(client.server.container.providerConfig('garmin').settings['WEBHOOK_SECRET']).toBeUndefined();
      expect(await deliver('garmin', { deregistrations: [{ userId: await providerUserId('garmin') }] })).toBe(200);
      expect(await status('garmin')).toBe('connected');
    });

    it('Garmin deregistrations (Garmin refuses our tokens) and Terra deauth events revoke too', async () => {
      clockOffsetMs += DEAUTHORIZATION_CHECK_INTERVAL_MS;
      expect(await deliver('garmin', { type: 'deregistration', user_id: await providerUserId('garmin') })).toBe(200);
      expect(await status('garmin')).toBe('revoked');
      expect(await deliver('terra', { type: 'deauth', user_id: await providerUserId('terra') })).toBe(200);
      expect(await status('terra')).toBe('revoked');
      expect(await status('whoop')).toBe('connected');
    });
  });
});
