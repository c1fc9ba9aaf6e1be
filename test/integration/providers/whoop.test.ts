/** WHOOP end to end over HTTP: the local server, its handlers and the WHOOP simulator. */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWhoopWebhook } from '../../../shared/providers/whoop/webhook';
import { expectScheduled, startClient, type Client } from '../../support/provider-flow';

const CLIENT_ID = 'sim-whoop-client';
const CLIENT_SECRET = 'sim-whoop-secret';
const SCOPES = ['offline', 'read:profile', 'read:body_measurement', 'read:workout', 'read:sleep', 'read:recovery', 'read:cycles'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const secondsToNextMinute = () => 60 - (Math.floor(Date.now() / 1000) % 60);
/** Distance between two waits within the minute, robust to the minute turning in between. */
const offBy = (a: number, b: number) => Math.min(Math.abs(a - b), 60 - Math.abs(a - b));

interface Activity {
  id: string;
  start_date: string;
  calories: number | null;
  duration_seconds: number;
  strain: number | null;
  heart_rate_zones: { zone: number; duration_seconds: number }[] | null;
  [key: string]: unknown;
}

describe('WHOOP through its simulator', () => {
  let client: Client;
  let all: Activity[] = [];
  const sim = (path: string) => `${client.server.url}/sim/whoop${path}`;
  const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;
  const stored = () => client.server.container.connections.get({ tenantId: 'tenant-1', userId: 'user-1', provider: 'whoop' });
  const requests = async () => (await (await client.control('whoop', 'requests', undefined, 'GET')).json()) as { method: string; path: string }[];
  const clearRequests = () => client.control('whoop', 'requests', undefined, 'DELETE');
  const workoutCalls = async () =>
    (await requests()).filter((r) => r.path.startsWith('/developer/v2/activity/workout?')).map((r) => new URL(r.path, 'http://x').searchParams);
  const simToken = (form: Record<string, string>) =>
    fetch(sim('/oauth/oauth2/token'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, ...form }),
    });
  beforeAll(async () => {
    client = await startClient();
  });
  afterAll(() => client.server.close());

  it('is listed as configured with every capability', async () => {
    const body = await (await client.api('/providers')).json();
    expect(body.providers.find((p: { name: string }) => p.name === 'whoop')).toMatchObject({
      configured: true,
      connected: false,
      requires_oauth: true,
      capabilities: ['oauth', 'activities', 'sleep_tracking', 'recovery_metrics', 'health_metrics'],
    });
  });

  it('answers 400 access_denied when the user cancels, storing nothing', async () => {
    await client.control('whoop', 'consent', { approve: false });
    const res = await client.connect('whoop');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('access_denied');
    expect(await stored()).toBeUndefined();
  });

  it('answers 400 insufficient_scope without offline, storing nothing', async () => {
    await client.control('whoop', 'consent', { scopes: SCOPES.filter((s) => s !== 'offline') });
    const res = await client.connect('whoop');
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('insufficient_scope');
    expect(error.message).toContain('offline');
    expect(await stored()).toBeUndefined();
  });

  let usedCallback = '';
  it('connects: authorize with offline scope, PKCE and state, then the callback stores tokens and the WHOOP user id', async () => {
    const { connect, callbackUrl } = await client.authorize('whoop');
    const authorize = new URL(connect.authorization_url);
    expect(authorize.origin + authorize.pathname).toBe(sim('/oauth/oauth2/auth'));
    expect(authorize.searchParams.get('scope')).toBe(SCOPES.join(' '));
    expect(authorize.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('state')!.length).toBeGreaterThanOrEqual(8);
    const back = new URL(callbackUrl);
    expect(back.pathname).toBe('/callback/whoop');
    expect(back.searchParams.get('code')).toBeTruthy();
    usedCallback = callbackUrl;

    const res = await fetch(callbackUrl);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ provider: 'whoop', connected: true });
    expect([...body.scopes].sort()).toEqual([...SCOPES].sort());

    const connection = await stored();
    expect(connection).toMatchObject({ status: 'connected', providerUserId: expect.stringMatching(/^\d+$/) });
    expect(connection!.refreshToken).toBeTruthy();
    expect(connection!.expiresAt! - Date.now() / 1000).toBeGreaterThan(3500);
  });

  it('refuses a replayed callback, and a used code under a fresh state (the simulator refuses it)', async () => {
    const replay = await fetch(usedCallback);
    expect(replay.status).toBe(400);
    expect((await errorOf(replay)).code).toBe('invalid_state');

    const fresh = await (await client.api('/connect/whoop')).json();
    const oldCode = new URL(usedCallback).searchParams.get('code')!;
    const reused = await fetch(`${client.server.url}/callback/whoop?code=${encodeURIComponent(oldCode)}&state=${encodeURIComponent(fresh.state)}`);
    expect(reused.status).toBe(400);
    expect((await errorOf(reused)).code).toBe('code_exchange_failed');
    expect(await stored()).toMatchObject({ status: 'connected' });
  });

  it('serves activities newest first, mapped from WHOOP workouts', async () => {
    const res = await client.api('/activities?provider=whoop&limit=200');
    expect(res.status).toBe(200);
    const body = await res.json();
    all = body.activities;
    expect(body.provider).toBe('whoop');
    expect(all.length).toBeGreaterThan(40);
    for (const a of all) {
      expect(a.id).toMatch(UUID);
      expect(a.provider).toBe('whoop');
    }
    const starts = all.map((a) => Date.parse(a.start_date));
    expect(starts).toEqual([...starts].sort((x, y) => y - x));
  });

  it('translates limit/offset into nextToken pages of at most 25, no more than needed', async () => {
    await clearRequests();
    const page = await (await client.api('/activities?provider=whoop&limit=30&offset=10')).json();
    expect(page.activities).toEqual(all.slice(10, 40));
    const calls = await workoutCalls();
    expect(calls.map((q) => q.get('limit'))).toEqual(['25', '15']);
    expect(calls[0]!.get('nextToken')).toBeNull();
    expect(calls[1]!.get('nextToken')).toBeTruthy();

    await clearRequests();
    const small = await (await client.api('/activities?provider=whoop&limit=5')).json();
    expect(small.activities).toEqual(all.slice(0, 5));
    expect((await workoutCalls()).map((q) => q.get('limit'))).toEqual(['5']);
  });

  it('applies before and after strictly on the start time', async () => {
    const before = all[5]!.start_date;
    const after = all[20]!.start_date;
    const res = await client.api(`/activities?provider=whoop&limit=50&before=${before}&after=${after}`);
    const body = await res.json();
    const expected = all.filter((a) => a.start_date < before && a.start_date > after);
    expect(expected.length).toBeGreaterThan(10);
    expect(body.activities).toEqual(expected);
  });

  it('serves one activity, converting kilojoules to kcal, and 404 for an unknown id', async () => {
    const scored = all.find((a) => a.calories !== null)!;
    const one = await (await client.api(`/activities/whoop/${scored.id}`)).json();
    expect(one.activity).toEqual(scored);

    const raw = await (
      await fetch(sim(`/developer/v2/activity/workout/${scored.id}`), { headers: { authorization: `Bearer ${(await stored())!.accessToken}` } })
    ).json();
    expect(raw.score.kilojoule / 4.184).toBeCloseTo(scored.calories!, 0);
    expect(raw.id).toBe(scored.id);
    // Strain on WHOOP's scale, and time in its six zones (ms -> s) covering the workout.
    expect(scored.strain).toBe(raw.score.strain);
    expect(scored.heart_rate_zones!.map((z) => z.zone)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(scored.heart_rate_zones!.reduce((sum, z) => sum + z.duration_seconds, 0)).toBeCloseTo(scored.duration_seconds, -1);
    expect(scored.sport_type_detail).toBe(raw.sport_name);

    const missing = await client.api('/activities/whoop/11111111-1111-4111-8111-111111111111');
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).code).toBe('not_found');
  });

  it('serves the athlete from the basic profile and body measurement', async () => {
    const body = await (await client.api('/athlete?provider=whoop')).json();
    expect(body.athlete).toMatchObject({
      id: (await stored())!.providerUserId,
      provider: 'whoop',
      firstname: expect.any(String),
      weight_kg: expect.any(Number),
    });
  });

  it('derives stats and personal records from the workouts', async () => {
    const stats = await (await client.api('/stats?provider=whoop')).json();
    expect(stats.stats.all_time.count).toBe(all.length);
    const records = await (await client.api('/personal-records?provider=whoop')).json();
    expect(records.personal_records.length).toBeGreaterThan(0);
  });

  it('serves sleep with stage totals in seconds', async () => {
    const body = await (await client.api('/sleep?provider=whoop')).json();
    // The default range is the last 7 days, today included: tonight's sleep may not be over yet.
    expect(body.sleep_sessions.length).toBeGreaterThanOrEqual(6);
    for (const s of body.sleep_sessions) {
      const t = s.stage_totals;
      expect(t.awake_seconds + t.light_seconds + t.deep_seconds + t.rem_seconds).toBe(s.time_in_bed_seconds);
      expect(s.time_in_bed_seconds).toBe((Date.parse(s.end_date) - Date.parse(s.start_date)) / 1000);
      expect(s.time_asleep_seconds).toBe(t.light_seconds + t.deep_seconds + t.rem_seconds);
      expect(s.efficiency_percentage).toBeGreaterThan(50);
      expect(s).toMatchObject({ is_nap: false, wake_count: expect.any(Number) });
    }
  });

  it('serves recovery joined with day strain, one entry per day', async () => {
    const body = await (await client.api('/recovery?provider=whoop')).json();
    const days = body.recovery as { date: string; recovery_score: number | null; strain: number | null }[];
    expect(days.length).toBeGreaterThanOrEqual(7);
    expect(new Set(days.map((d) => d.date)).size).toBe(days.length);
    expect(days.map((d) => d.date)).toEqual([...days.map((d) => d.date)].sort());
    for (const d of days.slice(0, -1)) {
      expect(d.recovery_score).toBeGreaterThan(0);
      expect(d.strain).toBeGreaterThan(0);
    }
  });

  it('serves health metrics: daily energy in kcal, weight and BMI today', async () => {
    const body = await (await client.api('/health-metrics?provider=whoop')).json();
    const days = body.health_metrics as { calories: number | null; weight_kg: number | null; bmi: number | null }[];
    expect(days.length).toBeGreaterThanOrEqual(7);
    for (const d of days.slice(0, -1)) expect(d.calories).toBeGreaterThan(1000);
    expect(days.at(-1)).toMatchObject({ weight_kg: expect.any(Number), bmi: expect.any(Number) });
  });

  it('refreshes a token that expires within five minutes first, rotating the refresh token', async () => {
    const before = (await stored())!;
    await client.server.container.connections.put({ ...before, expiresAt: Math.floor(Date.now() / 1000) + 60 });
    const res = await client.api('/athlete?provider=whoop');
    expect(res.status).toBe(200);
    const after = (await stored())!;
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).toBeTruthy();
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.providerUserId).toBe(before.providerUserId);

    const old = await simToken({ grant_type: 'refresh_token', refresh_token: before.refreshToken!, scope: 'offline' });
    expect(old.status).toBe(400);
    expect((await old.json()).error).toBe('invalid_grant');
  });

  it('refreshes and retries once when WHOOP answers 401 for an expired token', async () => {
    const before = (await stored())!;
    await client.control('whoop', 'expire-tokens');
    await clearRequests();
    const res = await client.api('/activities?provider=whoop&limit=3');
    expect(res.status).toBe(200);
    expect((await res.json()).activities).toEqual(all.slice(0, 3));
    const paths = (await requests()).map((r) => `${r.method} ${r.path.split('?')[0]}`);
    expect(paths).toEqual(['GET /developer/v2/activity/workout', 'POST /oauth/oauth2/token', 'GET /developer/v2/activity/workout']);
    expect((await stored())!.accessToken).not.toBe(before.accessToken);
  });

  it('maps a 429 to rate_limited with Retry-After from X-RateLimit-Reset', async () => {
    // An injected 429: the minute window is reported.
    await client.control('whoop', 'faults', { kind: 'rate_limit' });
    const injected = await client.api('/activities?provider=whoop&limit=1');
    const injectedJob = await expectScheduled(injected);
    expect(offBy(injectedJob.retry_after, secondsToNextMinute())).toBeLessThanOrEqual(1);
    await client.resetResilience();

    // The real window: two requests a minute, the third is refused until the minute turns.
    if (Date.now() % 60_000 > 55_000) await new Promise((resolve) => setTimeout(resolve, 60_500 - (Date.now() % 60_000)));
    await client.control('whoop', 'rate-limits', { minute: 2 });
    const ok = await client.api('/activities?provider=whoop&limit=1');
    expect(ok.status).toBe(200);
    expect((await client.api('/activities?provider=whoop&limit=1')).status).toBe(200);
    await client.control('whoop', 'requests', undefined, 'DELETE');
    // The usage headers said the window is spent: the gate queues the third read without calling WHOOP.
    const limited = await client.api('/activities?provider=whoop&limit=1');
    const wait = (await expectScheduled(limited)).retry_after;
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(offBy(wait, secondsToNextMinute())).toBeLessThanOrEqual(1);
    expect(await (await client.control('whoop', 'requests', undefined, 'GET')).json()).toEqual([]);
    await client.control('whoop', 'rate-limits', { minute: 100, day: 10_000 });
    await client.resetResilience();
  });

  it('reports the usage headers WHOOP sends', async () => {
    const res = await fetch(sim('/developer/v2/user/profile/basic'), { headers: { authorization: `Bearer ${(await stored())!.accessToken}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-limit')).toBe('100, 100;window=60, 10000;window=86400');
    expect(Number(res.headers.get('x-ratelimit-remaining'))).toBeLessThan(100);
    expect(Number(res.headers.get('x-ratelimit-reset'))).toBeLessThanOrEqual(60);
  });

  it('answers 502 provider_invalid_data for malformed or wrongly shaped JSON', async () => {
    for (const kind of ['malformed', 'wrong_shape']) {
      await client.control('whoop', 'faults', { kind });
      const res = await client.api('/activities?provider=whoop&limit=1');
      expect(res.status).toBe(502);
      expect((await errorOf(res)).code).toBe('provider_invalid_data');
    }
  });

  it('answers 502 provider_error when WHOOP fails with a 5xx', async () => {
    await client.control('whoop', 'faults', { kind: 'status', status: 503, count: 50 });
    const res = await client.api('/recovery?provider=whoop');
    expect(res.status).toBe(502);
    expect((await errorOf(res)).code).toBe('provider_error');
    await client.control('whoop', 'faults', undefined, 'DELETE');
    await client.resetResilience();
  });

  it('sends webhooks signed the way WHOOP signs them', async () => {
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/whoop`;
      const userId = Number((await stored())!.providerUserId);
      const res = await client.control('whoop', 'webhooks', { target, event: { user_id: userId, id: all[0]!.id, type: 'workout.updated' } });
      expect(await res.json()).toEqual({ status: 204 });
      const [delivery] = received;
      const verified = verifyWhoopWebhook({ headers: delivery!.headers, rawBody: delivery!.body, clientSecret: CLIENT_SECRET, nowMs: Date.now() });
      expect(verified).toEqual({
        ok: true,
        event: { providerUserId: String(userId), resource: 'workout', action: 'updated', objectId: all[0]!.id, traceId: expect.any(String) },
      });
      expect(verifyWhoopWebhook({ headers: delivery!.headers, rawBody: delivery!.body, clientSecret: 'wrong', nowMs: Date.now() }).ok).toBe(false);
    } finally {
      receiver.close();
    }
  });

  it('disconnects with revoke: the old tokens stop working at WHOOP', async () => {
    const connection = (await stored())!;
    const res = await client.api('/connections/whoop', { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await stored()).toBeUndefined();
    expect((await requests()).some((r) => r.method === 'DELETE' && r.path === '/developer/v2/user/access')).toBe(true);
    const profile = await fetch(sim('/developer/v2/user/profile/basic'), { headers: { authorization: `Bearer ${connection.accessToken}` } });
    expect(profile.status).toBe(401);
    const refresh = await simToken({ grant_type: 'refresh_token', refresh_token: connection.refreshToken!, scope: 'offline' });
    expect(refresh.status).toBe(400);
    expect((await client.api('/activities?provider=whoop')).status).toBe(409);
  });
});

describe('the WHOOP simulator OAuth server', () => {
  let client: Client;
  const sim = (path: string) => `${client.server.url}/sim/whoop${path}`;
  const token = (form: Record<string, string>) =>
    fetch(sim('/oauth/oauth2/token'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: 'http://127.0.0.1:9/cb', ...form }),
    });
  const authorize = async (scope: string, extra: Record<string, string> = {}) => {
    const url = new URL(sim('/oauth/oauth2/auth'));
    for (const [k, v] of Object.entries({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: 'http://127.0.0.1:9/cb',
      scope,
      state: 'state-0123456789',
      ...extra,
    })) {
      url.searchParams.set(k, v);
    }
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location')!).searchParams;
  };
  const challenge = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

  beforeAll(async () => {
    client = await startClient({}, 'user-2', 'tenant-2');
  });
  afterAll(() => client.server.close());

  it('refuses a wrong PKCE verifier, and the code is then spent', async () => {
    const verifier = 'v'.repeat(43);
    const back = await authorize('offline read:workout', { code_challenge: challenge(verifier), code_challenge_method: 'S256' });
    const wrong = await token({ grant_type: 'authorization_code', code: back.get('code')!, code_verifier: 'w'.repeat(43) });
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error).toBe('invalid_grant');
    const again = await token({ grant_type: 'authorization_code', code: back.get('code')!, code_verifier: verifier });
    expect(again.status).toBe(400);
  });

  it('issues tokens once per code, with a refresh token only for offline', async () => {
    const verifier = 'x'.repeat(43);
    const back = await authorize('offline read:workout', { code_challenge: challenge(verifier), code_challenge_method: 'S256' });
    expect(back.get('state')).toBe('state-0123456789');
    const ok = await token({ grant_type: 'authorization_code', code: back.get('code')!, code_verifier: verifier });
    expect(ok.status).toBe(200);
    const tokens = await ok.json();
    expect(tokens).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      expires_in: 3600,
      scope: 'offline read:workout',
      token_type: 'bearer',
    });
    const reused = await token({ grant_type: 'authorization_code', code: back.get('code')!, code_verifier: verifier });
    expect(reused.status).toBe(400);

    const online = await authorize('read:workout');
    const onlineTokens = await (await token({ grant_type: 'authorization_code', code: online.get('code')! })).json();
    expect(onlineTokens.access_token).toBeTruthy();
    expect(onlineTokens.refresh_token).toBeUndefined();

    // Refreshing without scope=offline gives an access token but no new refresh token.
    const refreshed = await (await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).json();
    expect(refreshed.access_token).toBeTruthy();
    expect(refreshed.refresh_token).toBeUndefined();
  });

  it('refuses weak states, unknown scopes and wrong client secrets', async () => {
    expect((await authorize('read:workout', { state: 'short' })).get('error')).toBe('invalid_state');
    expect((await authorize('read:everything')).get('error')).toBe('invalid_scope');
    const badClient = await token({ grant_type: 'authorization_code', code: 'x', client_secret: 'nope' });
    expect(badClient.status).toBe(401);
    expect((await badClient.json()).error).toBe('invalid_client');
  });
});
