/**
 * Garmin end to end over HTTP: the local server, its Garmin simulator, and the real client in
 * between (OAuth 2.0 + PKCE, 24-hour upload windows, deregistration, minute rate limit).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGarminWebhook } from '../../../shared/providers/garmin/webhook';
import { expectScheduled, startClient, type Client } from '../../support/provider-flow';

const TENANT = 'tenant-garmin';
const USER = 'garmin-user';
const KEY = { tenantId: TENANT, userId: USER, provider: 'garmin' };
const HORIZON_DAYS = 21;

interface ApiActivity {
  id: string;
  start_date: string;
  sport_type: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;
/** Seconds until the next clock minute, as the simulator counts its window. */
const toNextMinute = () => 60 - (Math.floor(Date.now() / 1000) % 60);
/** Keeps a rate-limit check away from the minute boundary, where the window would reset mid-test. */
async function awayFromMinuteEdge(): Promise<void> {
  if (toNextMinute() <= 4) await sleep(toNextMinute() * 1000 + 300);
}

describe('Garmin through its simulator', () => {
  let client: Client;
  let sim: string;
  const stored = () => client.server.container.connections.get(KEY);
  const requests = async () => (await (await client.control('garmin', 'requests', undefined, 'GET')).json()) as { method: string; path: string }[];
  const clearRequests = () => client.control('garmin', 'requests', undefined, 'DELETE');
  const tokenCall = (params: Record<string, string>) =>
    fetch(`${sim}/di-oauth2-service/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'sim-garmin-client', client_secret: 'sim-garmin-secret', ...params }),
    });
  /** Authorizes at the simulator directly (our own PKCE pair), returning the one-time code. */
  async function directCode(verifier: string): Promise<{ code: string; redirectUri: string }> {
    const redirectUri = 'http://127.0.0.1:9/callback/garmin';
    const url = new URL(`${sim}/oauth2Confirm`);
    url.search = new URLSearchParams({
      client_id: 'sim-garmin-client',
      response_type: 'code',
      redirect_uri: redirectUri,
      state: 'direct',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const code = new URL(res.headers.get('location')!).searchParams.get('code');
    expect(code).toBeTruthy();
    return { code: code!, redirectUri };
  }

  beforeAll(async () => {
    client = await startClient({ env: { PIERRE_GARMIN_PULL_HORIZON_DAYS: String(HORIZON_DAYS) } }, USER, TENANT);
    sim = `${client.server.url}/sim/garmin`;
    // The real evaluation limit (100 per minute) is exercised in its own test below.
    await client.control('garmin', 'rate-limits', { minute: 100_000 });
  });
  afterAll(() => client.server.close());

  it('connects: PKCE without scope, Garmin user id and granted permissions recorded', async () => {
    const { connect, callbackUrl } = await client.authorize('garmin');
    const authorize = new URL(connect.authorization_url);
    expect(authorize.pathname).toBe('/sim/garmin/oauth2Confirm');
    expect(authorize.searchParams.has('scope')).toBe(false);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    const callback = new URL(callbackUrl);
    expect(callback.pathname).toBe('/callback/garmin');
    expect(callback.searchParams.get('state')).toBe(connect.state);

    const done = await fetch(callbackUrl);
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ provider: 'garmin', connected: true, scopes: ['ACTIVITY_EXPORT', 'HEALTH_EXPORT'] });
    const connection = await stored();
    expect(connection?.providerUserId).toMatch(/^[0-9a-f]{32}$/);
    const athlete = await (await client.api('/athlete?provider=garmin')).json();
    expect(athlete.athlete).toMatchObject({ id: connection!.providerUserId, provider: 'garmin' });
  });

  let all: ApiActivity[] = [];

  it('serves /activities newest first with limit, offset, before and after across upload windows', async () => {
    const res = await client.api('/activities?provider=garmin&limit=200');
    expect(res.status).toBe(200);
    all = (await res.json()).activities;
    expect(all.length).toBeGreaterThan(10);
    expect(new Set(all.map((a) => a.id)).size).toBe(all.length);
    for (let i = 1; i < all.length; i++) expect(Date.parse(all[i - 1]!.start_date)).toBeGreaterThanOrEqual(Date.parse(all[i]!.start_date));
    const oldest = Date.parse(all.at(-1)!.start_date);
    expect(Date.now() - oldest).toBeLessThan((HORIZON_DAYS + 1) * 86_400_000);

    const ids = async (query: string) =>
      ((await (await client.api(`/activities?provider=garmin&${query}`)).json()).activities as ApiActivity[]).map((a) => a.id);
    const slice = (from: number, to: number) => all.slice(from, to).map((a) => a.id);
    expect(await ids('limit=5')).toEqual(slice(0, 5));
    expect(await ids('limit=4&offset=3')).toEqual(slice(3, 7));
    expect(await ids(`limit=3&before=${encodeURIComponent(all[5]!.start_date)}`)).toEqual(slice(6, 9));
    const between = await ids(`limit=50&before=${encodeURIComponent(all[2]!.start_date)}&after=${encodeURIComponent(all[9]!.start_date)}`);
    expect(between).toEqual(slice(3, 9));
  });

  it('asks Garmin only for the windows a page needs, none longer than 24 hours', async () => {
    await clearRequests();
    expect((await client.api('/activities?provider=garmin&limit=1')).status).toBe(200);
    const pulls = (await requests()).filter((r) => r.path.startsWith('/wellness-api/rest/activities'));
    expect(pulls.length).toBeGreaterThanOrEqual(1);
    expect(pulls.length).toBeLessThanOrEqual(3);
    for (const pull of pulls) {
      const query = new URL(pull.path, 'http://x').searchParams;
      expect(Number(query.get('uploadEndTimeInSeconds')) - Number(query.get('uploadStartTimeInSeconds'))).toBeLessThanOrEqual(86_400);
    }
    // The simulator refuses longer ranges the way Garmin does.
    const token = (await stored())!.accessToken;
    const tooLong = await fetch(`${sim}/wellness-api/rest/activities?uploadStartTimeInSeconds=1000&uploadEndTimeInSeconds=87401`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(tooLong.status).toBe(400);
    expect((await tooLong.json()).errorMessage).toMatch(/86400 seconds/);
  });

  it('serves one activity by scanning windows, and 404 for an unknown id', async () => {
    const one = await client.api(`/activities/garmin/${all[3]!.id}`);
    expect(one.status).toBe(200);
    expect((await one.json()).activity).toEqual(all[3]);
    const missing = await client.api('/activities/garmin/123');
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).code).toBe('not_found');
  });

  it('derives /stats and /personal-records from the activities within the horizon', async () => {
    const stats = await client.api('/stats?provider=garmin');
    expect(stats.status).toBe(200);
    const body = (await stats.json()).stats;
    expect(Math.abs(body.all_time.count - all.length)).toBeLessThanOrEqual(1);
    expect(body.all_time.distance_meters).toBeGreaterThan(0);
    const records = await client.api('/personal-records?provider=garmin');
    expect(records.status).toBe(200);
    expect((await records.json()).personal_records.length).toBeGreaterThan(0);
  });

  it('serves /sleep, /recovery and /health-metrics from sleeps, dailies, HRV and body compositions', async () => {
    const sleepRes = await client.api('/sleep?provider=garmin');
    expect(sleepRes.status).toBe(200);
    const nights = (await sleepRes.json()).sleep_sessions;
    expect(nights.length).toBeGreaterThanOrEqual(6);
    for (const night of nights) {
      expect(night.stages.length).toBeGreaterThan(3);
      expect(night.sleep_score).toBeGreaterThan(0);
      expect(night.stage_totals.deep_seconds).toBeGreaterThan(0);
      expect(night.time_asleep_seconds).toBeLessThan(night.time_in_bed_seconds);
      expect(night.spo2_percentage).toBeGreaterThan(90);
      expect(night.respiratory_rate).toBeGreaterThan(10);
    }
    const recovery = (await (await client.api('/recovery?provider=garmin')).json()).recovery;
    expect(recovery.length).toBeGreaterThanOrEqual(6);
    expect(recovery.filter((r: { hrv_rmssd_ms: number | null }) => r.hrv_rmssd_ms !== null).length).toBeGreaterThanOrEqual(6);
    expect(recovery.filter((r: { resting_heart_rate: number | null }) => r.resting_heart_rate !== null).length).toBeGreaterThanOrEqual(5);
    expect(
      recovery.filter((r: { stress_level: number | null }) => r.stress_level !== null && r.stress_level >= 0 && r.stress_level <= 100).length,
    ).toBeGreaterThanOrEqual(5);
    const health = (await (await client.api('/health-metrics?provider=garmin')).json()).health_metrics;
    expect(health.length).toBeGreaterThanOrEqual(6);
    expect(health.some((h: { weight_kg: number | null }) => h.weight_kg !== null && h.weight_kg > 30 && h.weight_kg < 150)).toBe(true);
    expect(health.filter((h: { steps: number | null; calories: number | null }) => h.steps !== null && h.calories !== null).length).toBeGreaterThanOrEqual(5);
    type Day = {
      calories: number | null;
      active_calories: number | null;
      bmr_calories: number | null;
      muscle_mass_kg: number | null;
      bone_mass_kg: number | null;
      weight_kg: number | null;
    };
    for (const h of health as Day[]) {
      if (h.active_calories !== null && h.bmr_calories !== null) expect(h.calories).toBe(h.active_calories + h.bmr_calories);
      if (h.muscle_mass_kg !== null) expect(h.muscle_mass_kg + h.bone_mass_kg!).toBeLessThan(h.weight_kg!);
    }
    expect((health as Day[]).some((h) => h.muscle_mass_kg !== null)).toBe(true);
  });

  it('refreshes a token about to expire first, rotating the refresh token', async () => {
    const before = (await stored())!;
    await client.server.container.connections.put({ ...before, expiresAt: Math.floor(Date.now() / 1000) + 60 });
    expect((await client.api('/athlete?provider=garmin')).status).toBe(200);
    const after = (await stored())!;
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.providerUserId).toBe(before.providerUserId);
    expect(after.scopes).toEqual(['ACTIVITY_EXPORT', 'HEALTH_EXPORT']);
    const replay = await tokenCall({ grant_type: 'refresh_token', refresh_token: before.refreshToken! });
    expect(replay.status).toBe(400);
    expect((await replay.json()).error).toBe('invalid_grant');
  });

  it('refreshes once and retries when Garmin answers 401 to an expired token', async () => {
    const before = (await stored())!;
    await client.control('garmin', 'expire-tokens');
    await clearRequests();
    expect((await client.api('/athlete?provider=garmin')).status).toBe(200);
    expect((await requests()).map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /wellness-api/rest/user/id',
      'POST /di-oauth2-service/oauth/token',
      'GET /wellness-api/rest/user/id',
    ]);
    expect((await stored())!.refreshToken).not.toBe(before.refreshToken);
  });

  it('maps a 429 to rate_limited with the minute window in Retry-After', async () => {
    await awayFromMinuteEdge();
    await client.control('garmin', 'faults', { kind: 'rate_limit' });
    const faulted = await client.api('/athlete?provider=garmin');
    const faultedJob = await expectScheduled(faulted);
    expect(Math.abs(faultedJob.retry_after - toNextMinute())).toBeLessThanOrEqual(1);
    await client.resetResilience();

    await awayFromMinuteEdge();
    await client.control('garmin', 'rate-limits', { minute: 2 });
    try {
      expect((await client.api('/athlete?provider=garmin')).status).toBe(200);
      expect((await client.api('/athlete?provider=garmin')).status).toBe(200);
      const limited = await client.api('/athlete?provider=garmin');
      expect(Math.abs((await expectScheduled(limited)).retry_after - toNextMinute())).toBeLessThanOrEqual(1);
    } finally {
      await client.control('garmin', 'rate-limits', { minute: 100_000 });
      await client.resetResilience();
    }
  });

  it('answers 502 provider_invalid_data for malformed or mis-shaped JSON and 502 provider_error for a 5xx', async () => {
    try {
      await client.control('garmin', 'faults', { kind: 'malformed' });
      const malformed = await client.api('/activities?provider=garmin&limit=1');
      expect(malformed.status).toBe(502);
      expect((await errorOf(malformed)).code).toBe('provider_invalid_data');

      await client.control('garmin', 'faults', { kind: 'wrong_shape' });
      const shape = await client.api('/sleep?provider=garmin');
      expect(shape.status).toBe(502);
      expect((await errorOf(shape)).code).toBe('provider_invalid_data');

      await client.control('garmin', 'faults', { kind: 'status', status: 503, count: 5 });
      const down = await client.api('/activities?provider=garmin&limit=1');
      expect(down.status).toBe(502);
      expect((await errorOf(down)).code).toBe('provider_error');
    } finally {
      await client.control('garmin', 'faults', undefined, 'DELETE');
      await client.resetResilience();
    }
  });

  it('sends unsigned ping and push notifications that the webhook parser understands', async () => {
    const received: string[] = [];
    const receiver: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/garmin`;
      const connection = (await stored())!;
      const apiBaseUrl = client.server.container.providerConfig('garmin').apiBaseUrl;
      const send = async (event: unknown) => {
        const res = await client.control('garmin', 'webhooks', { target, event });
        expect(await res.json()).toEqual({ status: 200 });
        return parseGarminWebhook(received.at(-1)!, { apiBaseUrl });
      };

      const ping = await send({ type: 'ping', user_id: connection.providerUserId, summary_type: 'activities' });
      if (!ping.ok) throw new Error(ping.reason);
      expect(ping.userIds).toEqual([connection.providerUserId]);
      const event = ping.events[0]!;
      expect(event.kind).toBe('ping');
      const pulled = await fetch((event as { callbackUrl: string }).callbackUrl, { headers: { authorization: `Bearer ${connection.accessToken}` } });
      expect(pulled.status).toBe(200);
      expect(Array.isArray(await pulled.json())).toBe(true);

      const push = await send({ type: 'push', user_id: connection.providerUserId, summary_type: 'dailies' });
      expect(push).toMatchObject({ ok: true, deregistration: false });

      const forged = await send({ activities: [{ userId: connection.providerUserId, callbackURL: 'http://127.0.0.1:9/steal' }] });
      expect(forged.ok).toBe(false);
    } finally {
      receiver.close();
    }
  });

  it('disconnects by deleting the Garmin registration: the old access token stops working', async () => {
    const connection = (await stored())!;
    await clearRequests();
    const res = await client.api('/connections/garmin', { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ provider: 'garmin', connected: false });
    expect((await requests()).map((r) => `${r.method} ${r.path}`)).toContain('DELETE /wellness-api/rest/user/registration');
    const old = await fetch(`${sim}/wellness-api/rest/user/id`, { headers: { authorization: `Bearer ${connection.accessToken}` } });
    expect(old.status).toBe(401);
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: connection.refreshToken! })).status).toBe(400);
    expect(await stored()).toBeUndefined();
  });

  it('answers 400 access_denied when the user cancels', async () => {
    await client.control('garmin', 'consent', { approve: false });
    const res = await client.connect('garmin');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('access_denied');
    expect(await stored()).toBeUndefined();
  });

  it('answers 400 insufficient_scope and stores nothing when the user switches activities off', async () => {
    await client.control('garmin', 'consent', { approve: true, scopes: ['HEALTH_EXPORT'] });
    const res = await client.connect('garmin');
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('insufficient_scope');
    expect(error.message).toContain('ACTIVITY_EXPORT');
    expect(await stored()).toBeUndefined();
  });

  it('refuses a reused code: at the simulator, and through a replayed callback', async () => {
    const { code, redirectUri } = await directCode('v'.repeat(43));
    const first = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: 'v'.repeat(43) });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ token_type: 'bearer', expires_in: expect.any(Number), refresh_token: expect.any(String) });
    const second = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: 'v'.repeat(43) });
    expect(second.status).toBe(400);
    expect((await second.json()).error).toBe('invalid_grant');

    const { callbackUrl } = await client.authorize('garmin');
    expect((await fetch(callbackUrl)).status).toBe(200);
    expect((await fetch(callbackUrl)).status).toBe(400);
    // The same code under a fresh state: the service exchanges it again and Garmin refuses.
    const { connect } = await client.authorize('garmin');
    const replay = new URL(callbackUrl);
    replay.searchParams.set('state', connect.state);
    const replayed = await fetch(replay);
    expect(replayed.status).toBe(400);
    expect((await errorOf(replayed)).code).toBe('code_exchange_failed');
  });

  it('refuses a wrong PKCE verifier and an authorize request without a challenge', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const { code, redirectUri } = await directCode(verifier);
    const wrong = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: randomBytes(32).toString('base64url') });
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error).toBe('invalid_grant');
    const noChallenge = await fetch(`${sim}/oauth2Confirm?client_id=sim-garmin-client&response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb`, {
      redirect: 'manual',
    });
    expect(noChallenge.status).toBe(400);
    const badSecret = await fetch(`${sim}/di-oauth2-service/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'sim-garmin-client', client_secret: 'nope', grant_type: 'refresh_token', refresh_token: 'x' }),
    });
    expect(badSecret.status).toBe(401);
  });
});
