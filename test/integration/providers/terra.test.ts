/**
 * Terra over HTTP: the local server with its Terra simulator. Terra is an API-key aggregator,
 * so the "OAuth" steps of other providers become: a widget session (dev-id / x-api-key), the
 * widget's redirect back with user_id / resource / reference_id, a checked user, no refresh
 * token, and deauthentication on disconnect.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTerraWebhook, verifyTerraWebhook, terraWebhookSecret } from '../../../shared/providers/terra';
import { SIM_API_KEY, SIM_DEV_ID } from '../../../local/simulators/terra';
import { expectScheduled, startClient, type Client } from '../../support/provider-flow';

interface Activity {
  id: string;
  start_date: string;
  name: string;
}

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

describe('Terra against its simulator', () => {
  let client: Client;
  let terraUserId: string;
  const sim = (path: string, init: RequestInit = {}) =>
    fetch(`${client.server.url}/sim/terra${path}`, {
      ...init,
      headers: { 'dev-id': SIM_DEV_ID, 'x-api-key': SIM_API_KEY, ...init.headers },
    });
  const requests = async (): Promise<{ method: string; path: string }[]> => (await client.control('terra', 'requests', undefined, 'GET')).json();
  const clearRequests = () => client.control('terra', 'requests', undefined, 'DELETE');
  const activities = async (query: string): Promise<Activity[]> => {
    const res = await client.api(`/activities?provider=terra&${query}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { activities: Activity[] }).activities;
  };
  const connection = () => client.server.container.connections.get({ tenantId: 'tenant-1', userId: 'user-1', provider: 'terra' });

  beforeAll(async () => {
    client = await startClient();
  });
  afterAll(() => client.server.close());

  it('is listed as configured against the simulator, with its capabilities', async () => {
    const body = await (await client.api('/providers')).json();
    expect(body.providers.find((p: { name: string }) => p.name === 'terra')).toMatchObject({
      configured: true,
      connected: false,
      capabilities: ['activities', 'sleep_tracking', 'health_metrics'],
    });
  });

  it('connects: widget session -> widget redirect -> callback stores the Terra user id', async () => {
    await clearRequests();
    const { connect, callbackUrl } = await client.authorize('terra');
    expect(connect.authorization_url).toMatch(new RegExp(`^${client.server.url}/sim/terra/widget/session/[0-9a-f-]{36}$`));
    const back = new URL(callbackUrl);
    expect(back.origin + back.pathname).toBe(`${client.server.url}/callback/terra`);
    expect(back.searchParams.get('state')).toBe(connect.state);
    expect(back.searchParams.get('resource')).toBe('GARMIN');
    expect(back.searchParams.get('reference_id')).toMatch(/^tenant-1:user-1:[\w-]{22}$/);
    terraUserId = back.searchParams.get('user_id')!;
    expect(terraUserId).toMatch(/^[0-9a-f-]{36}$/);

    const done = await fetch(callbackUrl, { redirect: 'manual' });
    expect(done.status).toBe(200);
    expect(await done.json()).toEqual({ provider: 'terra', connected: true, scopes: [], expires_at: null });

    const stored = await connection();
    expect(stored).toMatchObject({ status: 'connected', providerUserId: terraUserId, scopes: [] });
    expect(stored?.refreshToken).toBeUndefined();
    expect(stored?.expiresAt).toBeUndefined();
    // The callback was checked against Terra's own record of the user.
    expect((await requests()).map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual([
      'POST /api/widget/session',
      `GET /widget/session/${connect.authorization_url.split('/').pop()}`,
      'GET /v2/userInfo',
    ]);
    expect((await (await client.api('/connections')).json()).providers.terra).toMatchObject({ connected: true, expires_at: null });
  });

  it('serves activities newest first with limit and offset', async () => {
    const first10 = await activities('limit=10');
    expect(first10).toHaveLength(10);
    const starts = first10.map((a) => Date.parse(a.start_date));
    expect([...starts].sort((a, b) => b - a)).toEqual(starts);
    expect(await activities('limit=5&offset=5')).toEqual(first10.slice(5));
  });

  it('asks only as many date windows as needed, and pages across windows', async () => {
    await clearRequests();
    await activities('limit=1');
    const one = (await requests()).filter((r) => r.path.startsWith('/v2/activity'));
    expect(one).toHaveLength(1);

    await clearRequests();
    const forty = await activities('limit=40');
    expect(forty).toHaveLength(40);
    expect(new Set(forty.map((a) => a.id)).size).toBe(40);
    const windows = (await requests()).filter((r) => r.path.startsWith('/v2/activity')).map((r) => new URL(r.path, 'http://x').searchParams);
    expect(windows.length).toBeGreaterThanOrEqual(2);
    for (const q of windows) {
      expect(q.get('user_id')).toBe(terraUserId);
      expect(q.get('to_webhook')).toBe('false');
    }
    // Consecutive windows go backwards in time.
    expect(Number(windows[1]!.get('end_date'))).toBeLessThan(Number(windows[0]!.get('end_date')));
    const all = await activities('limit=200');
    expect(forty).toEqual(all.slice(0, 40));
  });

  it('keeps before and after exclusive', async () => {
    const all = await activities('limit=30');
    const before = all[5]!.start_date;
    const after = all[15]!.start_date;
    expect(await activities(`limit=30&before=${encodeURIComponent(before)}`)).toEqual(
      all.slice(6, 30).concat((await activities('limit=31&offset=30')).slice(0, 6)),
    );
    expect(await activities(`limit=30&after=${encodeURIComponent(after)}`)).toEqual(all.slice(0, 15));
    expect(await activities(`limit=30&before=${encodeURIComponent(before)}&after=${encodeURIComponent(after)}`)).toEqual(all.slice(6, 15));
  });

  it('serves one activity by id, and 404 not_found for an unknown id', async () => {
    const [latest] = await activities('limit=1');
    const res = await client.api(`/activities/terra/${latest!.id}`);
    expect(res.status).toBe(200);
    expect((await res.json()).activity).toEqual(latest);
    const missing = await client.api('/activities/terra/00000000-0000-4000-a000-000000000000');
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).code).toBe('not_found');
  });

  it('serves the athlete, stats and personal records', async () => {
    const athlete = (await (await client.api('/athlete?provider=terra')).json()).athlete;
    expect(athlete).toMatchObject({ id: terraUserId, provider: 'terra' });
    expect(athlete.firstname).toEqual(expect.any(String));
    expect(['male', 'female']).toContain(athlete.sex);
    const stats = (await (await client.api('/stats?provider=terra')).json()).stats;
    expect(stats.all_time.count).toBe((await activities('limit=200')).length);
    expect(stats.recent_4_weeks.count).toBeGreaterThan(0);
    const records = await client.api('/personal-records?provider=terra');
    expect(records.status).toBe(200);
    expect((await records.json()).personal_records.length).toBeGreaterThan(0);
  });

  it('serves sleep and health metrics for a range, and refuses recovery as unsupported', async () => {
    const end = new Date();
    const start = new Date(end.getTime() - 14 * 86_400_000);
    const range = `start=${start.toISOString()}&end=${end.toISOString()}`;
    const sleep = (await (await client.api(`/sleep?provider=terra&${range}`)).json()).sleep_sessions;
    expect(sleep.length).toBeGreaterThanOrEqual(13);
    for (const night of sleep) {
      expect(Date.parse(night.end_date)).toBeGreaterThanOrEqual(start.getTime());
      expect(Date.parse(night.end_date)).toBeLessThanOrEqual(end.getTime());
      expect(night.stages.length).toBeGreaterThan(0);
      expect(night.stage_totals.deep_seconds).toBeGreaterThan(0);
      // What Terra's sleep payload carries beyond stages.
      expect(night).toMatchObject({
        is_nap: false,
        wake_count: expect.any(Number),
        onset_latency_seconds: expect.any(Number),
        spo2_percentage: expect.any(Number),
      });
      expect(night.time_asleep_seconds).toBeLessThan(night.time_in_bed_seconds);
      expect(night.skin_temp_deviation_celsius).toEqual(expect.any(Number));
    }
    const health = (await (await client.api(`/health-metrics?provider=terra&${range}`)).json()).health_metrics;
    expect(health.length).toBeGreaterThanOrEqual(14);
    expect(health[0]).toMatchObject({ provider: 'terra', weight_kg: expect.any(Number), steps: expect.any(Number), resting_heart_rate: expect.any(Number) });
    for (const h of health) {
      expect(h).toMatchObject({
        height_meters: expect.any(Number),
        muscle_mass_kg: expect.any(Number),
        bone_mass_kg: expect.any(Number),
        body_water_percentage: expect.any(Number),
        bmr_calories: expect.any(Number),
        blood_glucose_mg_dl: expect.any(Number),
      });
      expect(h.blood_pressure_systolic_mmhg).toBeGreaterThan(h.blood_pressure_diastolic_mmhg);
      expect(h.calories).toBe(h.active_calories + h.bmr_calories);
    }
    const dates = health.map((h: { date: string }) => h.date);
    expect([...dates].sort()).toEqual(dates);

    const recovery = await client.api('/recovery?provider=terra');
    expect(recovery.status).toBe(400);
    expect((await errorOf(recovery)).code).toBe('unsupported_feature');
  });

  it('has nothing to refresh: no expiry, so data calls never refresh, and refreshing fails', async () => {
    const provider = client.server.container.provider('terra');
    await expect(provider.refreshToken('anything')).rejects.toMatchObject({ kind: 'token_refresh_failed' });
    await clearRequests();
    expect((await client.api('/athlete?provider=terra')).status).toBe(200);
    expect((await requests()).map((r) => r.path.split('?')[0])).toEqual(['/v2/athlete']);
  });

  it('maps a Terra 429 to rate_limited with its Retry-After (per-user requested-days bucket)', async () => {
    // An activity request asks for 29 days: a 40-day bucket holds one.
    await client.control('terra', 'rate-limits', { hourly_days: 40 });
    try {
      expect((await client.api('/activities?provider=terra&limit=1')).status).toBe(200);
      const direct = await sim(`/v2/activity?user_id=${terraUserId}&start_date=${Math.floor(Date.now() / 1000) - 20 * 86_400}&to_webhook=false`);
      expect(direct.status).toBe(429);
      expect(direct.headers.get('x-terra-ratelimit-rule')).toBe('r2');
      const simRetry = Number(direct.headers.get('retry-after'));
      expect(simRetry).toBeGreaterThan(3500);

      const res = await client.api('/activities?provider=terra&limit=1');
      const retryAfter = (await expectScheduled(res)).retry_after;
      expect(Math.abs(retryAfter - simRetry)).toBeLessThanOrEqual(2);
    } finally {
      await client.control('terra', 'rate-limits', { hourly_days: 6000 });
      await client.resetResilience();
    }
    await client.control('terra', 'faults', { kind: 'rate_limit' });
    const faulted = await client.api('/athlete?provider=terra');
    expect((await expectScheduled(faulted)).retry_after).toBeGreaterThan(0);
    await client.resetResilience();
  });

  it('maps malformed JSON and wrong shapes to 502 provider_invalid_data, and a 5xx to 502 provider_error', async () => {
    await client.control('terra', 'faults', { kind: 'malformed' });
    const malformed = await client.api('/activities?provider=terra&limit=1');
    expect(malformed.status).toBe(502);
    expect((await errorOf(malformed)).code).toBe('provider_invalid_data');

    await client.control('terra', 'faults', { kind: 'wrong_shape' });
    const shape = await client.api('/sleep?provider=terra');
    expect(shape.status).toBe(502);
    expect((await errorOf(shape)).code).toBe('provider_invalid_data');

    await client.control('terra', 'faults', { kind: 'status', status: 503, count: 50 });
    const down = await client.api('/health-metrics?provider=terra');
    expect(down.status).toBe(502);
    expect((await errorOf(down)).code).toBe('provider_error');
    await client.control('terra', 'faults', undefined, 'DELETE');
    await client.resetResilience();
  });

  it('refuses the simulator without the API key headers (dev-id / x-api-key)', async () => {
    const res = await fetch(`${client.server.url}/sim/terra/v2/activity?user_id=${terraUserId}&start_date=2026-01-01&to_webhook=false`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ title: 'unauthorized', detail: 'dev-id or x-api-key headers are missing' });
  });

  it('sends webhooks signed like Terra that our verifier accepts', async () => {
    const received: { headers: IncomingMessage['headers']; body: string }[] = [];
    const receiver: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/terra`;
      const secret = terraWebhookSecret(client.server.container.providerConfig('terra'));
      for (const type of ['auth', 'activity', 'sleep', 'body', 'daily']) {
        const res = await client.control('terra', 'webhooks', { target, event: { type, user_id: terraUserId, days: 3 } });
        expect(await res.json()).toEqual({ status: 200 });
      }
      for (const delivery of received) {
        const header = delivery.headers['terra-signature'] as string;
        expect(header).toMatch(/^t=\d{10},v1=[0-9a-f]{64}$/);
        expect(verifyTerraWebhook({ header, rawBody: delivery.body, secret, nowMs: Date.now() })).toMatchObject({ valid: true });
        expect(verifyTerraWebhook({ header, rawBody: delivery.body.replace('"', ' "'), secret, nowMs: Date.now() })).toMatchObject({ valid: false });
        const parsed = parseTerraWebhook(delivery.body);
        expect(parsed.kind).toBe('event');
      }
      const types = received.map((d) => (parseTerraWebhook(d.body) as { event: { type: string } }).event.type);
      expect(types).toEqual(['auth', 'activity', 'sleep', 'body', 'daily']);
      const activity = parseTerraWebhook(received[1]!.body);
      if (activity.kind === 'event' && activity.event.type === 'activity') {
        expect(activity.event.user.user_id).toBe(terraUserId);
        expect(activity.event.user.reference_id).toMatch(/^tenant-1:user-1:/);
      }

      // A delivery signed long ago (a replay) is refused as stale.
      await client.control('terra', 'webhooks', { target, event: { type: 'daily', user_id: terraUserId, signed_at: Math.floor(Date.now() / 1000) - 3600 } });
      const replay = received.at(-1)!;
      expect(verifyTerraWebhook({ header: replay.headers['terra-signature'] as string, rawBody: replay.body, secret, nowMs: Date.now() })).toEqual({
        valid: false,
        reason: 'stale',
      });
    } finally {
      receiver.close();
    }
  });

  it('disconnects with deauthentication: Terra forgets the user', async () => {
    await clearRequests();
    const res = await client.api('/connections/terra', { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ provider: 'terra', connected: false, status: 'disconnected' });
    expect((await requests()).map((r) => `${r.method} ${r.path}`)).toEqual([`DELETE /v2/auth/deauthenticateUser?user_id=${terraUserId}`]);
    expect(await connection()).toBeUndefined();
    const after = await sim(`/v2/activity?user_id=${terraUserId}&start_date=2026-01-01&to_webhook=false`);
    expect(after.status).toBe(404);
    expect(await after.json()).toMatchObject({ title: 'not found', detail: 'user not found' });
    expect((await client.api('/activities?provider=terra')).status).toBe(409);
  });

  it('answers 409 provider_auth_failed once Terra no longer knows a connected user (access revoked)', async () => {
    expect((await client.connect('terra')).status).toBe(200);
    const userId = (await connection())!.providerUserId!;
    const res = await client.control('terra', 'webhooks', {
      target: `${client.server.url}/health`,
      event: { type: 'access_revoked', user_id: userId },
    });
    expect(res.status).toBe(200);
    const data = await client.api('/activities?provider=terra&limit=1');
    expect(data.status).toBe(409);
    expect((await errorOf(data)).code).toBe('provider_auth_failed');
    await client.api('/connections/terra', { method: 'DELETE' });
  });

  it('answers 400 access_denied when the user cancels in the widget, storing nothing', async () => {
    await client.control('terra', 'consent', { approve: false });
    const { callbackUrl } = await client.authorize('terra');
    const back = new URL(callbackUrl);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('user_id')).toBeNull();
    const res = await fetch(callbackUrl);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('access_denied');
    expect(await connection()).toBeUndefined();
  });

  it('refuses a used widget session and a replayed callback', async () => {
    const { connect, callbackUrl } = await client.authorize('terra');
    // The widget session is single-use.
    const again = await fetch(connect.authorization_url, { redirect: 'manual' });
    expect(again.status).toBe(404);
    expect((await fetch(callbackUrl)).status).toBe(200);
    const replay = await fetch(callbackUrl);
    expect(replay.status).toBe(400);
    expect((await errorOf(replay)).code).toBe('invalid_state');
    await client.api('/connections/terra', { method: 'DELETE' });
  });

  it('refuses a callback whose user_id was swapped for another Terra user (400 code_exchange_failed), storing nothing', async () => {
    // Another user of ours connects: their Terra user exists at Terra under their reference id.
    const otherToken = await client.server.issueToken('user-2', 'tenant-1');
    const otherConnect = await (await fetch(`${client.server.url}/connect/terra`, { headers: { authorization: `Bearer ${otherToken}` } })).json();
    const otherBack = new URL((await fetch(otherConnect.authorization_url, { redirect: 'manual' })).headers.get('location')!);
    const victim = otherBack.searchParams.get('user_id')!;
    expect((await fetch(otherBack)).status).toBe(200);

    const { callbackUrl } = await client.authorize('terra');
    const forged = new URL(callbackUrl);
    forged.searchParams.set('user_id', victim);
    const res = await fetch(forged);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('code_exchange_failed');
    expect(await connection()).toBeUndefined();

    // A reference id of another connection attempt is refused too.
    const second = await client.authorize('terra');
    const wrongRef = new URL(second.callbackUrl);
    wrongRef.searchParams.set('reference_id', otherBack.searchParams.get('reference_id')!);
    wrongRef.searchParams.set('user_id', victim);
    expect((await fetch(wrongRef)).status).toBe(400);
    expect(await connection()).toBeUndefined();
  });

  it('offers a widget page with Connect / Cancel to browsers', async () => {
    const connect = await (await client.api('/connect/terra')).json();
    const page = await fetch(connect.authorization_url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('id="allow"');
    expect(html).toContain('id="deny"');
    const chosen = await fetch(`${connect.authorization_url}?decision=allow&resource=OURA`, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(chosen.status).toBe(302);
    const back = new URL(chosen.headers.get('location')!);
    expect(back.searchParams.get('resource')).toBe('OURA');
    expect((await fetch(back)).status).toBe(200);
    await client.api('/connections/terra', { method: 'DELETE' });
  });
});

describe('Terra with the retired generateWidgetSession endpoint configured', () => {
  let client: Client;

  beforeAll(async () => {
    // The callback and simulator URLs must name the port before the server starts: take a free one.
    const port = await new Promise<number>((resolve) => {
      const probe: Server = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const sim = `http://127.0.0.1:${port}/sim/terra`;
    client = await startClient({
      port,
      env: {
        PIERRE_TERRA_CLIENT_ID: SIM_DEV_ID,
        PIERRE_TERRA_CLIENT_SECRET: SIM_API_KEY,
        PIERRE_TERRA_AUTH_URL: `${sim}/v2/auth/generateWidgetSession`,
        PIERRE_TERRA_API_BASE_URL: `${sim}/v2`,
      },
    });
  });
  afterAll(() => client.server.close());

  it('answers 502 provider_error naming PIERRE_TERRA_AUTH_URL and the new endpoint, and stores nothing', async () => {
    const res = await client.api('/connect/terra');
    expect(res.status).toBe(502);
    const error = await errorOf(res);
    expect(error.code).toBe('provider_error');
    expect(error.message).toContain('PIERRE_TERRA_AUTH_URL');
    expect(error.message).toContain('https://access.tryterra.co/api/widget/session');
    expect(await client.server.container.connections.get({ tenantId: 'tenant-1', userId: 'user-1', provider: 'terra' })).toBeUndefined();
  });
});
