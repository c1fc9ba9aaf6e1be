/**
 * Strava end to end over HTTP: the local server (memory adapters) with the Strava simulator
 * mounted at /sim/strava, driven the way a user's browser and an application would.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StravaSimulator } from '../../../local/simulators/strava';
import { answerSubscriptionChallenge, parseStravaWebhook, type StravaEventParse } from '../../../shared/providers/strava/webhook';
import { expectScheduled, startClient, type Client } from '../../support/provider-flow';

const TENANT = 'tenant-1';
const key = (userId: string) => ({ tenantId: TENANT, userId, provider: 'strava' });
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

interface Listed {
  id: string;
  start_date: string;
  [field: string]: unknown;
}

/** Seconds until `resetSecs` from now, as the test sees it. */
const secsUntil = (resetSecs: number) => resetSecs - Date.now() / 1000;
/** |a - b| modulo a window, so a boundary crossed mid-test does not fail the check. */
const offBy = (a: number, b: number, period: number) => {
  const d = Math.abs(a - b) % period;
  return Math.min(d, period - d);
};

describe('Strava over HTTP against its simulator', () => {
  let client: Client;
  let sim: StravaSimulator;
  let simUrl: string;
  let all: Listed[];

  /** The API as another user of the same tenant. */
  const as = async (userId: string) => {
    const token = await client.server.issueToken(userId, TENANT);
    return (path: string, init: RequestInit = {}) =>
      fetch(`${client.server.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
  };
  /** connect -> authorize (scripted consent) -> the callback URL the simulator redirects to. */
  const authorizeAs = async (userId: string) => {
    const api = await as(userId);
    const connect = await (await api('/connect/strava')).json();
    const consent = await fetch(connect.authorization_url, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    return { api, callbackUrl: new URL(consent.headers.get('location')!) };
  };
  const tokenEndpoint = (params: Record<string, string>) =>
    fetch(`${simUrl}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params) });
  const simRequests = async () =>
    ((await (await client.control('strava', 'requests', undefined, 'GET')).json()) as { method: string; path: string }[]).map((r) => `${r.method} ${r.path}`);
  const clearRequests = () => client.control('strava', 'requests', undefined, 'DELETE');
  const stored = () => client.server.container.connections.get(key('user-1'));

  beforeAll(async () => {
    client = await startClient({}, 'user-1', TENANT);
    sim = client.server.simulators.get('strava') as StravaSimulator;
    simUrl = `${client.server.url}/sim/strava`;
  });
  afterAll(() => client.server.close());

  it('sends the user to Strava with comma-separated scopes, approval_prompt=force and no PKCE', async () => {
    const { connect, callbackUrl } = await client.authorize('strava');
    const authorize = new URL(connect.authorization_url);
    expect(authorize.href.startsWith(`${simUrl}/oauth/authorize?`)).toBe(true);
    expect(authorize.searchParams.get('scope')).toBe('read,activity:read_all,profile:read_all');
    expect(authorize.searchParams.get('approval_prompt')).toBe('force');
    expect(authorize.searchParams.get('client_id')).toBe('sim-strava-client');
    expect(authorize.searchParams.has('code_challenge')).toBe(false);
    // Strava puts the granted scopes on the redirect back.
    const back = new URL(callbackUrl);
    expect(back.pathname).toBe('/callback/strava');
    expect(back.searchParams.get('scope')).toBe('read,activity:read_all,profile:read_all');
    expect(back.searchParams.get('code')).toBeTruthy();
  });

  it('connects: the callback stores the tokens, the granted scopes and the athlete id', async () => {
    const res = await client.connect('strava');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ provider: 'strava', connected: true, scopes: ['read', 'activity:read_all', 'profile:read_all'] });
    // Strava access tokens live six hours.
    expect(Math.abs(Date.parse(body.expires_at) - Date.now() - 21_600_000)).toBeLessThan(60_000);
    const connection = await stored();
    expect(connection).toMatchObject({ status: 'connected', scopes: ['read', 'activity:read_all', 'profile:read_all'] });
    expect(connection!.providerUserId).toMatch(/^\d+$/);
    expect((await (await client.api('/connections')).json()).providers.strava).toMatchObject({ connected: true, status: 'connected' });
  });

  it('lists activities newest first, one Strava page per request when one page can cover it', async () => {
    await clearRequests();
    const first = await client.api('/activities?provider=strava&limit=200');
    expect(first.status).toBe(200);
    const page1 = (await first.json()).activities as Listed[];
    const page2 = (await (await client.api('/activities?provider=strava&limit=200&offset=200')).json()).activities as Listed[];
    all = [...page1, ...page2];
    expect(page1).toHaveLength(200);
    expect(page2).toHaveLength(200);
    const starts = all.map((a) => Date.parse(a.start_date));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    expect(new Set(all.map((a) => a.id)).size).toBe(400);
    expect(page1[0]).toMatchObject({ provider: 'strava', id: expect.stringMatching(/^\d+$/) });
    expect(await simRequests()).toEqual(['GET /api/v3/athlete/activities?page=1&per_page=200', 'GET /api/v3/athlete/activities?page=2&per_page=200']);
  });

  it('translates limit and offset into Strava pages, across two pages only when it must', async () => {
    await clearRequests();
    const small = (await (await client.api('/activities?provider=strava&limit=50&offset=180')).json()).activities;
    expect(small).toEqual(all.slice(180, 230));
    expect(await simRequests()).toHaveLength(1);

    await clearRequests();
    const spanning = (await (await client.api('/activities?provider=strava&limit=200&offset=100')).json()).activities;
    expect(spanning).toEqual(all.slice(100, 300));
    expect(await simRequests()).toHaveLength(2);
  });

  it('applies before and after strictly, with offset and limit counted inside the window', async () => {
    const before = all[10]!.start_date;
    const after = all[40]!.start_date;
    await clearRequests();
    const between = (await (await client.api(`/activities?provider=strava&limit=100&before=${before}&after=${after}`)).json()).activities;
    expect(between).toEqual(all.slice(11, 40));
    const requests = await simRequests();
    expect(requests).toHaveLength(1);
    expect(requests[0]).toContain(`before=${Date.parse(before) / 1000}`);
    expect(requests[0]).not.toContain('after=');

    const skipped = (await (await client.api(`/activities?provider=strava&limit=5&offset=2&before=${before}`)).json()).activities;
    expect(skipped).toEqual(all.slice(13, 18));
    const newest = (await (await client.api(`/activities?provider=strava&limit=200&after=${after}`)).json()).activities;
    expect(newest).toEqual(all.slice(0, 40));
  });

  it('serves one activity with the detail Strava adds, and 404 for unknown ids', async () => {
    const listed = all.find((a) => a['sport_type'] === 'run') ?? all[0]!;
    const res = await client.api(`/activities/strava/${listed.id}`);
    expect(res.status).toBe(200);
    const { activity } = await res.json();
    // The detailed representation carries calories and the device, which summaries lack.
    expect({ ...activity, calories: null, device_name: null }).toEqual({ ...listed, calories: null, device_name: null });
    expect(activity.calories).toBeGreaterThan(0);
    expect(activity.device_name).toEqual(expect.any(String));
    // Elapsed and moving time, local time and zone, as Strava's JSON has them.
    expect(activity.moving_time_seconds).toBeLessThanOrEqual(activity.duration_seconds);
    expect(Date.parse(activity.end_date) - Date.parse(activity.start_date)).toBe(activity.duration_seconds * 1000);
    expect(Date.parse(`${activity.start_date_local}Z`) - Date.parse(activity.start_date)).toBe(activity.utc_offset_seconds * 1000);
    expect(activity.timezone).toMatch(/^[A-Z][A-Za-z_]+\/[A-Za-z_]+$/);
    expect(activity.sport_type_detail).toEqual(expect.any(String));

    for (const id of ['12345', 'not-a-number']) {
      const missing = await client.api(`/activities/strava/${id}`);
      expect(missing.status).toBe(404);
      expect((await errorOf(missing)).code).toBe('not_found');
    }
  });

  it('serves the athlete and Strava-computed stats for the connected athlete', async () => {
    const connection = await stored();
    const athlete = (await (await client.api('/athlete?provider=strava')).json()).athlete;
    expect(athlete).toMatchObject({ id: connection!.providerUserId, provider: 'strava', firstname: expect.any(String) });
    expect(['male', 'female']).toContain(athlete.sex);

    await clearRequests();
    const { stats } = await (await client.api('/stats?provider=strava')).json();
    expect(await simRequests()).toEqual([`GET /api/v3/athletes/${connection!.providerUserId}/stats`]);
    const history = sim.athletes.history(Number(connection!.providerUserId)).filter((a) => !a.private);
    const counted = history.filter((a) => ['run', 'trail_run', 'ride', 'virtual_ride', 'mountain_bike_ride', 'swim'].includes(a.activity.sport_type));
    expect(stats.all_time.count).toBe(counted.length);
    const bySport = Object.values(stats.by_sport as Record<string, { count: number }>).reduce((n, t) => n + t.count, 0);
    expect(bySport).toBe(stats.all_time.count);
    expect(stats.recent_4_weeks.count).toBeLessThanOrEqual(stats.year_to_date.count);
  });

  it('derives personal records from full pages of activities', async () => {
    await clearRequests();
    const res = await client.api('/personal-records?provider=strava');
    expect(res.status).toBe(200);
    const records = (await res.json()).personal_records as { provider: string; metric: string }[];
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r) => r.provider === 'strava')).toBe(true);
    expect((await simRequests()).every((r) => r.includes('per_page=200'))).toBe(true);
  });

  it.each(['/sleep', '/recovery', '/health-metrics'])('answers %s with 400 unsupported_feature', async (path) => {
    const res = await client.api(`${path}?provider=strava`);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('unsupported_feature');
  });

  it('refreshes a token about to expire before the call, rotating the refresh token', async () => {
    const before = (await stored())!;
    await client.server.container.connections.put({ ...before, expiresAt: Math.floor(Date.now() / 1000) + 60 });
    await clearRequests();
    expect((await client.api('/athlete?provider=strava')).status).toBe(200);
    expect(await simRequests()).toEqual(['POST /oauth/token', 'GET /api/v3/athlete']);
    const after = (await stored())!;
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.providerUserId).toBe(before.providerUserId);
    expect(after.scopes).toEqual(before.scopes);
    // The old refresh token is dead at Strava now.
    const replay = await tokenEndpoint({
      client_id: 'sim-strava-client',
      client_secret: 'sim-strava-secret',
      grant_type: 'refresh_token',
      refresh_token: before.refreshToken!,
    });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toEqual({ message: 'Bad Request', errors: [{ resource: 'RefreshToken', field: 'refresh_token', code: 'invalid' }] });
  });

  it('answers a 401 on an expired token with one refresh and a retry', async () => {
    const before = (await stored())!;
    await client.control('strava', 'expire-tokens');
    await clearRequests();
    const res = await client.api('/activities?provider=strava&limit=3');
    expect(res.status).toBe(200);
    expect((await res.json()).activities).toEqual(all.slice(0, 3));
    expect(await simRequests()).toEqual([
      'GET /api/v3/athlete/activities?page=1&per_page=3',
      'POST /oauth/token',
      'GET /api/v3/athlete/activities?page=1&per_page=3',
    ]);
    expect((await stored())!.accessToken).not.toBe(before.accessToken);
  });

  it('maps Strava 429 to rate_limited with Retry-After until the next quarter hour', async () => {
    await client.control('strava', 'rate-limits', { read_15min: 0 });
    try {
      // Strava itself sends no Retry-After, only its usage headers.
      const direct = await fetch(`${simUrl}/api/v3/athlete`, { headers: { authorization: `Bearer ${(await stored())!.accessToken}` } });
      expect(direct.status).toBe(429);
      expect(direct.headers.get('retry-after')).toBeNull();
      expect(direct.headers.get('x-readratelimit-limit')).toBe('0,1000');
      expect(direct.headers.get('x-ratelimit-limit')).toBe('200,2000');
      expect(await direct.json()).toEqual({ message: 'Rate Limit Exceeded', errors: [{ resource: 'Application', field: 'rate limit', code: 'exceeded' }] });

      // Limited and nothing cached: the read is queued (202) until the window turns.
      const res = await client.api('/athlete?provider=strava');
      const retryAfter = (await expectScheduled(res)).retry_after;
      const expected = secsUntil((Math.floor(Date.now() / 1000 / 900) + 1) * 900);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(900);
      expect(offBy(retryAfter, expected, 900)).toBeLessThanOrEqual(2);
    } finally {
      await client.control('strava', 'rate-limits', { read_15min: 100 });
      await client.resetResilience();
    }
  });

  it('waits until midnight UTC when a daily Strava limit is used up', async () => {
    await client.control('strava', 'rate-limits', { read_daily: 0 });
    try {
      const res = await client.api('/activities?provider=strava&limit=1');
      const retryAfter = (await expectScheduled(res)).retry_after;
      const expected = secsUntil((Math.floor(Date.now() / 1000 / 86_400) + 1) * 86_400);
      // (In the last quarter hour of the UTC day both waits end at midnight.)
      expect(retryAfter).toBeGreaterThan(0);
      expect(offBy(retryAfter, expected, 86_400)).toBeLessThanOrEqual(2);
    } finally {
      await client.control('strava', 'rate-limits', { read_daily: 1_000 });
      await client.resetResilience();
    }
    expect((await client.api('/athlete?provider=strava')).status).toBe(200);
  });

  it.each([
    ['malformed JSON', { kind: 'malformed' }, 502, 'provider_invalid_data'],
    ['JSON of the wrong shape', { kind: 'wrong_shape' }, 502, 'provider_invalid_data'],
    ['a 503', { kind: 'status', status: 503 }, 502, 'provider_error'],
    ['a 500', { kind: 'status', status: 500 }, 502, 'provider_error'],
  ])('answers %s from Strava (fault %j) with %i %s, after the retries for a 5xx', async (_label, fault, status, code) => {
    // More faults than the 1 + 3 attempts a transient failure gets.
    await client.control('strava', 'faults', { ...fault, count: 5 });
    await clearRequests();
    const res = await client.api('/athlete?provider=strava');
    expect(res.status).toBe(status);
    expect((await errorOf(res)).code).toBe(code);
    const attempts = (await simRequests()).filter((r) => r === 'GET /api/v3/athlete').length;
    expect(attempts).toBe(fault.kind === 'status' ? 4 : 1);
    await client.control('strava', 'faults', undefined, 'DELETE');
    await client.resetResilience();
    expect((await client.api('/athlete?provider=strava')).status).toBe(200);
  });

  describe('webhooks', () => {
    let receiver: Server;
    let receiverUrl: string;
    const received: StravaEventParse[] = [];
    const settings = () => client.server.container.providerConfig('strava').settings;

    beforeAll(async () => {
      // What the webhook function of a later issue will do, with this folder's pure functions.
      receiver = createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        if (req.method === 'GET') {
          const answer = answerSubscriptionChallenge(Object.fromEntries(url.searchParams), settings());
          res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.status === 200 ? JSON.stringify(answer.body) : '{}');
          return;
        }
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const result = parseStravaWebhook(Buffer.concat(chunks).toString('utf8'), settings());
          received.push(result);
          res.writeHead(result.ok ? 200 : 400).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/strava`;
    });
    afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

    it('creates the push subscription after the callback echoes hub.challenge', async () => {
      const subscribe = (verifyToken: string) =>
        fetch(`${simUrl}/api/v3/push_subscriptions`, {
          method: 'POST',
          body: new URLSearchParams({
            client_id: 'sim-strava-client',
            client_secret: 'sim-strava-secret',
            callback_url: receiverUrl,
            verify_token: verifyToken,
          }),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
      const refused = await subscribe('not-the-token');
      expect(refused.status).toBe(400);
      const created = await subscribe(settings()['WEBHOOK_VERIFY_TOKEN']!);
      expect(created.status).toBe(201);
      expect(await created.json()).toEqual({ id: Number(settings()['WEBHOOK_SUBSCRIPTION_ID']) });
    });

    it('delivers unsigned events that the subscription id check accepts, and refuses another subscription', async () => {
      const athleteId = Number((await stored())!.providerUserId);
      const event = { object_type: 'activity', object_id: Number(all[0]!.id), aspect_type: 'create', owner_id: athleteId };
      const sent = await (await client.control('strava', 'webhooks', { target: receiverUrl, event })).json();
      expect(sent).toEqual({ status: 200 });
      const last = received.at(-1)!;
      expect(last.ok && last.notice).toMatchObject({
        providerUserId: String(athleteId),
        objectType: 'activity',
        objectId: all[0]!.id,
        aspect: 'create',
        deauthorized: false,
      });

      const forged = await (await client.control('strava', 'webhooks', { target: receiverUrl, event: { ...event, subscription_id: 1 } })).json();
      expect(forged).toEqual({ status: 400 });
      expect(received.at(-1)).toEqual({ ok: false, reason: 'wrong_subscription' });
    });

    it('disconnecting deauthorizes at Strava: the old token dies and the subscription hears of it', async () => {
      const connection = (await stored())!;
      const res = await client.api('/connections/strava', { method: 'DELETE' });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ provider: 'strava', connected: false, status: 'disconnected' });
      expect(await stored()).toBeUndefined();
      const old = await fetch(`${simUrl}/api/v3/athlete`, { headers: { authorization: `Bearer ${connection.accessToken}` } });
      expect(old.status).toBe(401);
      expect(await old.json()).toEqual({ message: 'Authorization Error', errors: [{ resource: 'Athlete', field: 'access_token', code: 'invalid' }] });
      const refresh = await tokenEndpoint({
        client_id: 'sim-strava-client',
        client_secret: 'sim-strava-secret',
        grant_type: 'refresh_token',
        refresh_token: connection.refreshToken!,
      });
      expect(refresh.status).toBe(400);

      const deadline = Date.now() + 3_000;
      const deauthorized = () => received.some((r) => r.ok && r.notice.deauthorized && r.notice.providerUserId === connection.providerUserId);
      while (!deauthorized() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(deauthorized()).toBe(true);
      expect((await (await client.api('/connections')).json()).providers.strava).toEqual({ connected: false, status: 'disconnected' });
    });
  });

  it('answers 400 access_denied when the athlete cancels, and stores nothing', async () => {
    await client.control('strava', 'consent', { approve: false });
    const { api, callbackUrl } = await authorizeAs('user-denies');
    expect(callbackUrl.searchParams.get('error')).toBe('access_denied');
    expect(callbackUrl.searchParams.has('code')).toBe(false);
    const res = await fetch(callbackUrl, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('access_denied');
    expect((await (await api('/connections')).json()).providers.strava).toEqual({ connected: false, status: 'disconnected' });
  });

  it('answers 400 insufficient_scope when activity:read_all is unticked, and stores nothing', async () => {
    await client.control('strava', 'consent', { approve: true, scopes: ['read', 'profile:read_all'] });
    const { api, callbackUrl } = await authorizeAs('user-unticks');
    expect(callbackUrl.searchParams.get('scope')).toBe('read,profile:read_all');
    const res = await fetch(callbackUrl, { redirect: 'manual' });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('insufficient_scope');
    expect(error.message).toContain('activity:read_all');
    expect(await client.server.container.connections.get(key('user-unticks'))).toBeUndefined();
    expect((await (await api('/connections')).json()).providers.strava).toEqual({ connected: false, status: 'disconnected' });
  });

  it('refuses a reused code: at Strava, and through a replayed or re-stated callback', async () => {
    const { api, callbackUrl } = await authorizeAs('user-replays');
    const code = callbackUrl.searchParams.get('code')!;
    expect((await fetch(callbackUrl)).status).toBe(200);
    // The same callback again: its state is spent.
    const replay = await fetch(callbackUrl);
    expect(replay.status).toBe(400);
    expect((await errorOf(replay)).code).toBe('invalid_state');
    // The code again at Strava's token endpoint.
    const again = await tokenEndpoint({ client_id: 'sim-strava-client', client_secret: 'sim-strava-secret', grant_type: 'authorization_code', code });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ message: 'Bad Request', errors: [{ resource: 'AuthorizationCode', field: 'code', code: 'invalid' }] });
    // The used code with a fresh state: Strava refuses the exchange.
    const fresh = await (await api('/connect/strava')).json();
    const restated = new URL(callbackUrl);
    restated.searchParams.set('state', fresh.state);
    const res = await fetch(restated);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('code_exchange_failed');
    expect(JSON.stringify(await client.server.container.connections.get(key('user-replays')))).not.toContain(code);
  });

  it('checks the client credentials at the token endpoint (Strava has no PKCE to check)', async () => {
    const { callbackUrl } = await authorizeAs('user-wrong-secret');
    const code = callbackUrl.searchParams.get('code')!;
    const wrong = await tokenEndpoint({ client_id: 'sim-strava-client', client_secret: 'guess', grant_type: 'authorization_code', code });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).message).toBe('Authorization Error');
  });
});
