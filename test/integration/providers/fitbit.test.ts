/** Fitbit end to end over HTTP: the local server, its Fitbit client and the Fitbit simulator. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ActivitySchema,
  AthleteSchema,
  HealthMetricsSchema,
  PersonalRecordSchema,
  RecoveryMetricsSchema,
  SleepSessionSchema,
  StatsSchema,
} from '../../../shared/models';
import { subscriberVerificationStatus, SUBSCRIBER_VERIFICATION_SETTING, verifyAndParse } from '../../../shared/providers/fitbit';
import { SIM_CLIENT_ID, SIM_CLIENT_SECRET, SIM_VERIFICATION_CODE } from '../../../local/simulators/fitbit';
import { expectScheduled, startClient, type Client } from '../../support/provider-flow';

const P = 'fitbit';
const TENANT = 'tenant-1';
const USER = 'user-1';
const DEFAULT_SCOPES = ['activity', 'heartrate', 'profile', 'sleep', 'weight', 'oxygen_saturation'];

describe('Fitbit over HTTP against its simulator', () => {
  let client: Client;
  let sim: string;
  const basic = `Basic ${Buffer.from(`${SIM_CLIENT_ID}:${SIM_CLIENT_SECRET}`).toString('base64')}`;
  const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;
  const connection = (userId = USER) => client.server.container.connections.get({ tenantId: TENANT, userId, provider: P });
  const token = (form: Record<string, string>, authorization = basic) =>
    fetch(`${sim}/oauth2/token`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  const simGet = (path: string, accessToken: string) => fetch(`${sim}${path}`, { headers: { authorization: `Bearer ${accessToken}` } });
  const requests = async () => (await (await client.control(P, 'requests', undefined, 'GET')).json()) as Array<{ method: string; path: string }>;
  const clearRequests = () => client.control(P, 'requests', undefined, 'DELETE');
  const json = async (path: string) => {
    const res = await client.api(path);
    expect(res.status, `${path}: ${res.status}`).toBe(200);
    return res.json();
  };

  /** The connect dance for another user of the same tenant, with its own app token. */
  async function connectAs(userId: string, consent?: object): Promise<Response> {
    const appToken = await client.server.issueToken(userId, TENANT);
    if (consent) await client.control(P, 'consent', consent);
    const connect = await (await fetch(`${client.server.url}/connect/${P}`, { headers: { authorization: `Bearer ${appToken}` } })).json();
    const consentAnswer = await fetch(connect.authorization_url, { redirect: 'manual' });
    return fetch(consentAnswer.headers.get('location')!, { redirect: 'manual' });
  }

  beforeAll(async () => {
    client = await startClient({}, USER, TENANT);
    sim = `${client.server.url}/sim/${P}`;
  });
  afterAll(() => client.server.close());

  it('is listed as configured (simulator credentials) with every capability', async () => {
    const body = await json('/providers');
    expect(body.providers.find((p: { name: string }) => p.name === P)).toMatchObject({
      configured: true,
      requires_oauth: true,
      capabilities: ['oauth', 'activities', 'sleep_tracking', 'recovery_metrics', 'health_metrics'],
    });
  });

  it('sends PKCE S256 and space-separated scopes, and redirects back with code, state and #_=_', async () => {
    const { connect, callbackUrl } = await client.authorize(P);
    const authorize = new URL(connect.authorization_url);
    expect(authorize.pathname).toBe('/sim/fitbit/oauth2/authorize');
    expect(authorize.searchParams.get('scope')).toBe(DEFAULT_SCOPES.join(' '));
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    const back = new URL(callbackUrl);
    expect(back.searchParams.get('state')).toBe(connect.state);
    expect(back.searchParams.get('code')).toBeTruthy();
    expect(back.searchParams.get('scope')).toBeNull();
    expect(back.hash).toBe('#_=_');
  });

  it('answers 400 access_denied when the user cancels, and stores nothing', async () => {
    await client.control(P, 'consent', { approve: false });
    const { callbackUrl } = await client.authorize(P);
    expect(new URL(callbackUrl).searchParams.get('error')).toBe('access_denied');
    const res = await fetch(callbackUrl);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('access_denied');
    expect(await connection()).toBeUndefined();
  });

  it('answers 400 insufficient_scope when the user unticks activity, and stores nothing', async () => {
    await client.control(P, 'consent', { scopes: ['profile', 'sleep', 'heartrate'] });
    const res = await client.connect(P);
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('insufficient_scope');
    expect(error.message).toContain('activity');
    expect(await connection()).toBeUndefined();
  });

  it('refuses a wrong PKCE verifier, a missing one, and wrong client credentials at the token endpoint', async () => {
    const { callbackUrl, connect } = await client.authorize(P);
    const code = new URL(callbackUrl).searchParams.get('code')!;
    const redirect = new URL(connect.authorization_url).searchParams.get('redirect_uri')!;
    const badClient = await token({ grant_type: 'authorization_code', code, redirect_uri: redirect, code_verifier: 'x'.repeat(43) }, `Basic ${Buffer.from(`${SIM_CLIENT_ID}:nope`).toString('base64')}`);
    expect(badClient.status).toBe(401);
    expect((await badClient.json()).errors[0].errorType).toBe('invalid_client');
    const wrong = await token({ grant_type: 'authorization_code', code, redirect_uri: redirect, code_verifier: 'x'.repeat(43) });
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).errors[0].errorType).toBe('invalid_grant');
    // The code died with the failed attempt: our callback cannot use it either.
    const callback = await fetch(callbackUrl);
    expect(callback.status).toBe(400);
    expect((await errorOf(callback)).code).toBe('code_exchange_failed');

    const second = await client.authorize(P);
    const noVerifier = await token({ grant_type: 'authorization_code', code: new URL(second.callbackUrl).searchParams.get('code')!, redirect_uri: redirect });
    expect(noVerifier.status).toBe(400);
  });

  it('connects: callback 200 with the granted scopes, tokens and the Fitbit user id stored', async () => {
    const { callbackUrl } = await client.authorize(P);
    const res = await fetch(callbackUrl);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ provider: P, connected: true });
    expect([...body.scopes].sort()).toEqual([...DEFAULT_SCOPES].sort());
    const expiresIn = Date.parse(body.expires_at) - Date.now();
    expect(expiresIn).toBeGreaterThan(28_700_000);
    expect(expiresIn).toBeLessThanOrEqual(28_800_000);
    const stored = await connection();
    expect(stored).toMatchObject({ status: 'connected', providerUserId: expect.stringMatching(/^[0-9A-Z]{6}$/) });
    expect(stored!.refreshToken).toBeTruthy();

    // Replaying the callback fails (state consumed), and the code is dead at Fitbit too.
    const replay = await fetch(callbackUrl);
    expect(replay.status).toBe(400);
    const code = new URL(callbackUrl).searchParams.get('code')!;
    const again = await token({ grant_type: 'authorization_code', code, redirect_uri: `${client.server.url}/callback/${P}`, code_verifier: 'a'.repeat(43) });
    expect(again.status).toBe(400);
    expect((await again.json()).errors[0].errorType).toBe('invalid_grant');
    expect((await json('/connections')).providers[P]).toMatchObject({ connected: true, status: 'connected' });
  });

  it('serves activities newest first with limit, offset, before and after', async () => {
    const all = (await json(`/activities?provider=${P}&limit=40`)).activities as Array<{ id: string; start_date: string }>;
    expect(all).toHaveLength(40);
    for (const a of all) ActivitySchema.parse(a);
    const starts = all.map((a) => Date.parse(a.start_date));
    expect(starts).toEqual([...starts].sort((x, y) => y - x));

    const window = (await json(`/activities?provider=${P}&limit=5&offset=3`)).activities;
    expect(window.map((a: { id: string }) => a.id)).toEqual(all.slice(3, 8).map((a) => a.id));

    const before = all[10]!.start_date;
    const after = all[20]!.start_date;
    const between = (await json(`/activities?provider=${P}&limit=50&before=${before}&after=${after}`)).activities;
    expect(between.map((a: { id: string }) => a.id)).toEqual(all.slice(11, 20).map((a) => a.id));
    const skipped = (await json(`/activities?provider=${P}&limit=2&offset=1&before=${before}`)).activities;
    expect(skipped.map((a: { id: string }) => a.id)).toEqual(all.slice(12, 14).map((a) => a.id));
  });

  it('pages across Fitbit pages of at most 100, asking for no more than needed', async () => {
    await clearRequests();
    const page = (await json(`/activities?provider=${P}&limit=120`)).activities as Array<{ id: string }>;
    expect(page).toHaveLength(120);
    expect(new Set(page.map((a) => a.id)).size).toBe(120);
    const lists = (await requests()).filter((r) => r.path.startsWith('/1/user/-/activities/list.json'));
    expect(lists.map((r) => new URLSearchParams(r.path.split('?')[1]).get('limit'))).toEqual(['100', '20']);
    expect(new URLSearchParams(lists[1]!.path.split('?')[1]).get('offset')).toBe('100');

    const tail = (await json(`/activities?provider=${P}&limit=15&offset=105`)).activities;
    expect(tail.map((a: { id: string }) => a.id)).toEqual(page.slice(105, 120).map((a) => a.id));
  });

  it('serves one activity by id, and 404 not_found for an unknown one', async () => {
    const [first] = (await json(`/activities?provider=${P}&limit=1&offset=7`)).activities;
    expect((await json(`/activities/${P}/${first.id}`)).activity).toEqual(first);
    for (const id of ['123', 'not-an-id']) {
      const res = await client.api(`/activities/${P}/${id}`);
      expect(res.status).toBe(404);
      expect((await errorOf(res)).code).toBe('not_found');
    }
  });

  it('serves the athlete, stats and personal records', async () => {
    const { athlete } = await json(`/athlete?provider=${P}`);
    expect(AthleteSchema.parse(athlete)).toEqual(athlete);
    expect(athlete.id).toBe((await connection())!.providerUserId);
    expect(athlete.weight_kg).toBeGreaterThan(35);
    const { stats } = await json(`/stats?provider=${P}`);
    StatsSchema.parse(stats);
    expect(stats.all_time.count).toBeGreaterThan(100);
    const records = (await json(`/personal-records?provider=${P}`)).personal_records;
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) PersonalRecordSchema.parse(r);
  });

  it('serves sleep, recovery and health metrics', async () => {
    const range = `start=${new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10)}`;
    const sleep = (await json(`/sleep?provider=${P}&${range}`)).sleep_sessions;
    expect(sleep.length).toBeGreaterThanOrEqual(9);
    for (const s of sleep) SleepSessionSchema.parse(s);
    expect(sleep[0].stages.length).toBeGreaterThan(4);
    expect(sleep[0].stage_totals.deep_seconds).toBeGreaterThan(0);

    const recovery = (await json(`/recovery?provider=${P}&${range}`)).recovery;
    expect(recovery.length).toBeGreaterThanOrEqual(9);
    for (const r of recovery) RecoveryMetricsSchema.parse(r);
    expect(recovery[0]).toMatchObject({ recovery_score: null, strain: null, skin_temp_celsius: null });
    expect(recovery[0].hrv_rmssd_ms).toBeGreaterThan(10);
    expect(recovery[0].spo2_percentage).toBeGreaterThan(90);
    expect(recovery[0].resting_heart_rate).toBeGreaterThan(30);

    const health = (await json(`/health-metrics?provider=${P}&${range}`)).health_metrics;
    expect(health.length).toBeGreaterThanOrEqual(10);
    for (const h of health) HealthMetricsSchema.parse(h);
    expect(health.some((h: { weight_kg: number | null }) => h.weight_kg !== null)).toBe(true);
    expect(health.every((h: { steps: number | null }) => h.steps !== null)).toBe(true);
  });

  it('refreshes a token that expires within 5 minutes first, with rotation: the old refresh token dies', async () => {
    const before = (await connection())!;
    await client.server.container.connections.put({ ...before, expiresAt: Math.floor(Date.now() / 1000) + 60 });
    await clearRequests();
    await json(`/athlete?provider=${P}`);
    const log = await requests();
    expect(log.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /oauth2/token', 'GET /1/user/-/profile.json']);
    const after = (await connection())!;
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.providerUserId).toBe(before.providerUserId);
    expect(after.expiresAt! - Date.now() / 1000).toBeGreaterThan(28_000);

    const reused = await token({ grant_type: 'refresh_token', refresh_token: before.refreshToken! });
    expect(reused.status).toBe(400);
    expect((await reused.json()).errors[0].errorType).toBe('invalid_grant');
    expect((await simGet('/1/user/-/profile.json', before.accessToken)).status).toBe(401);
  });

  it('answers a Fitbit 401 on an expired token by refreshing once and retrying', async () => {
    const before = (await connection())!;
    await client.control(P, 'expire-tokens');
    await clearRequests();
    await json(`/athlete?provider=${P}`);
    expect((await requests()).map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /1/user/-/profile.json',
      'POST /oauth2/token',
      'GET /1/user/-/profile.json',
    ]);
    expect((await connection())!.refreshToken).not.toBe(before.refreshToken);
  });

  it('sends Fitbit rate-limit headers and maps a 429 to rate_limited with the time to the top of the hour', async () => {
    const current = (await connection())!;
    const ok = await simGet('/1/user/-/profile.json', current.accessToken);
    expect(ok.headers.get('fitbit-rate-limit-limit')).toBe('150');
    expect(Number(ok.headers.get('fitbit-rate-limit-remaining'))).toBeLessThan(150);

    await client.control(P, 'rate-limits', { hour: 0 });
    try {
      const res = await client.api(`/athlete?provider=${P}`);
      const expected = 3600 - (Math.floor(Date.now() / 1000) % 3600);
      const resJob = await expectScheduled(res);
      expect(Math.abs(resJob.retry_after - expected)).toBeLessThanOrEqual(2);
      const raw = await simGet('/1/user/-/profile.json', current.accessToken);
      expect(raw.status).toBe(429);
      expect(raw.headers.get('retry-after')).toBeNull();
      expect(raw.headers.get('fitbit-rate-limit-remaining')).toBe('0');
    } finally {
      await client.control(P, 'rate-limits', { hour: 150 });
      await client.resetResilience();
    }
    await client.control(P, 'faults', { kind: 'rate_limit' });
    const injected = await client.api(`/activities?provider=${P}&limit=1`);
    expect((await expectScheduled(injected)).retry_after).toBeGreaterThan(0);
    await client.resetResilience();
  });

  it('maps malformed JSON and the wrong shape to 502 provider_invalid_data, and a 5xx to 502 provider_error', async () => {
    for (const [fault, code] of [
      [{ kind: 'malformed' }, 'provider_invalid_data'],
      [{ kind: 'wrong_shape' }, 'provider_invalid_data'],
      [{ kind: 'status', status: 503, count: 5 }, 'provider_error'],
    ] as const) {
      await client.control(P, 'faults', fault);
      const res = await client.api(`/activities?provider=${P}&limit=3`);
      expect(res.status, JSON.stringify(fault)).toBe(502);
      expect((await errorOf(res)).code).toBe(code);
    }
    await client.control(P, 'faults', undefined, 'DELETE');
    await client.resetResilience();
    expect((await client.api(`/activities?provider=${P}&limit=3`)).status).toBe(200);
  });

  describe('subscriptions', () => {
    let receiver: Server;
    let target: string;
    const received: Array<{ status: number; events: unknown }> = [];

    beforeAll(async () => {
      const settings = client.server.container.providerConfig(P).settings;
      const secret = client.server.container.providerConfig(P).clientSecret!;
      receiver = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const url = new URL(req.url ?? '/', 'http://receiver');
          if (req.method === 'GET') {
            res.writeHead(subscriberVerificationStatus(url.searchParams.get('verify'), settings[SUBSCRIBER_VERIFICATION_SETTING])).end();
            return;
          }
          const events = verifyAndParse(Buffer.concat(chunks), req.headers['x-fitbit-signature'] as string | undefined, secret);
          const status = events ? 204 : 404;
          received.push({ status, events });
          res.writeHead(status).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/fitbit`;
    });
    afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

    it('verifies the subscriber with the configured code (204) and refuses another (404)', async () => {
      expect(client.server.container.providerConfig(P).settings[SUBSCRIBER_VERIFICATION_SETTING]).toBe(SIM_VERIFICATION_CODE);
      const good = await (await client.control(P, 'webhooks', { target, event: { verify: SIM_VERIFICATION_CODE } })).json();
      expect(good.status).toBe(204);
      const bad = await (await client.control(P, 'webhooks', { target, event: { verify: 'wrong-code' } })).json();
      expect(bad.status).toBe(404);
    });

    it('delivers notifications signed the way our verifier checks them', async () => {
      const ownerId = (await connection())!.providerUserId!;
      const answer = await (await client.control(P, 'webhooks', { target, event: [{ collectionType: 'activities', ownerId }, { collectionType: 'sleep', ownerId, date: '2026-01-02' }] })).json();
      expect(answer.status).toBe(204);
      expect(received.at(-1)).toEqual({
        status: 204,
        events: [
          { kind: 'data_changed', providerUserId: ownerId, collection: 'activities', date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), subscriptionId: '1' },
          { kind: 'data_changed', providerUserId: ownerId, collection: 'sleep', date: '2026-01-02', subscriptionId: '1' },
        ],
      });
    });
  });

  it('disconnects with revoke: the old access token is rejected by Fitbit afterwards', async () => {
    const current = (await connection())!;
    await clearRequests();
    const res = await client.api(`/connections/${P}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ provider: P, connected: false });
    expect((await requests()).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /oauth2/revoke']);
    expect(await connection()).toBeUndefined();
    expect((await simGet('/1/user/-/profile.json', current.accessToken)).status).toBe(401);
    expect((await token({ grant_type: 'refresh_token', refresh_token: current.refreshToken! })).status).toBe(400);
    const after = await client.api(`/athlete?provider=${P}`);
    expect(after.status).toBeGreaterThanOrEqual(400);
  });

  it('maps what a user with unticked optional scopes shares, and nulls the rest', async () => {
    const res = await connectAs('user-2', { scopes: ['activity', 'heartrate', 'profile'] });
    expect(res.status).toBe(200);
    const appToken = await client.server.issueToken('user-2', TENANT);
    const get = async (path: string) => (await fetch(`${client.server.url}${path}`, { headers: { authorization: `Bearer ${appToken}` } })).json();
    const recovery = (await get(`/recovery?provider=${P}`)).recovery as Array<{ spo2_percentage: number | null; hrv_rmssd_ms: number | null }>;
    expect(recovery.length).toBeGreaterThan(0);
    expect(recovery.every((r) => r.spo2_percentage === null)).toBe(true);
    expect(recovery.filter((r) => r.hrv_rmssd_ms !== null).length).toBeGreaterThanOrEqual(recovery.length - 1);
    const health = (await get(`/health-metrics?provider=${P}`)).health_metrics as Array<{ weight_kg: number | null; steps: number | null }>;
    expect(health.every((h) => h.weight_kg === null && h.steps !== null)).toBe(true);
    const sleep = await fetch(`${client.server.url}/sleep?provider=${P}`, { headers: { authorization: `Bearer ${appToken}` } });
    expect(sleep.status).toBe(409);
    expect((await errorOf(sleep)).message).toContain("'sleep'");
  });

  it('treats userRevokedAccess as deauthorization: the user\'s tokens stop working at Fitbit', async () => {
    const stored = (await connection('user-2'))!;
    expect((await simGet('/1/user/-/profile.json', stored.accessToken)).status).toBe(200);
    const port = new URL(client.server.url).port;
    const answer = await client.control(P, 'webhooks', {
      target: `http://127.0.0.1:${port}/no-such-webhook-route`,
      event: { collectionType: 'userRevokedAccess', ownerId: stored.providerUserId },
    });
    expect(answer.status).toBe(200);
    expect((await simGet('/1/user/-/profile.json', stored.accessToken)).status).toBe(401);
  });
});
