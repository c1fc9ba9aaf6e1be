/** COROS end to end over HTTP: the local server, its COROS client and the COROS simulator. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRefreshHandle } from '../../../shared/providers/coros/tokens';
import { COROS_WEBHOOK_ACK, parseCorosWebhook, verifyCorosWebhook } from '../../../shared/providers/coros/webhook';
import { expectScheduled, startClient, type Client } from '../../support/provider-flow';

const KEY = { tenantId: 'tenant-1', userId: 'user-1', provider: 'coros' };
const SIM_CREDS = { clientId: 'sim-coros-client', clientSecret: 'sim-coros-secret' };
const THIRTY_DAYS = 2_592_000;
const DAY_MS = 86_400_000;

interface Activity {
  id: string;
  start_date: string;
  end_date: string;
  sport_type: string;
  duration_seconds: number;
  moving_time_seconds: number | null;
  utc_offset_seconds: number | null;
  [key: string]: unknown;
}

describe('COROS against its simulator', () => {
  let client: Client;
  let all: Activity[];
  const sim = () => `${client.server.url}/sim/coros`;
  const nowSecs = () => Math.floor(Date.now() / 1000);
  const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;
  const stored = () => client.server.container.connections.get(KEY);
  const log = async () => (await (await client.control('coros', 'requests', undefined, 'GET')).json()) as { method: string; path: string }[];
  const clearLog = () => client.control('coros', 'requests', undefined, 'DELETE');
  const listCalls = async () => (await log()).filter((r) => r.path.startsWith('/v2/coros/sport/list'));
  const simForm = async (path: string, params: Record<string, string>) =>
    (await (
      await fetch(`${sim()}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params) })
    ).json()) as Record<string, unknown>;
  const simList = async (token: string, openId: string) => {
    const today = new Date().toISOString().slice(0, 10).replaceAll('-', '');
    const url = new URL(`${sim()}/v2/coros/sport/list`);
    url.search = new URLSearchParams({ token, openId, startDate: today, endDate: today }).toString();
    return (await (await fetch(url)).json()) as { result: string };
  };
  const activities = async (query: string) => {
    const res = await client.api(`/activities?provider=coros&${query}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { activities: Activity[] }).activities;
  };
  /** Date windows the client needs for `wanted` activities (28 days each, newest first). */
  const windowsFor = (wanted: number) => {
    const today = Math.floor(Date.now() / DAY_MS);
    const counts = [0, 0, 0, 0];
    for (const a of all) counts[Math.min(3, Math.floor((today - Math.floor(Date.parse(a.start_date) / DAY_MS)) / 28))]! += 1;
    let sum = 0;
    for (let i = 0; i < counts.length; i++) if ((sum += counts[i]!) >= wanted) return i + 1;
    return counts.length;
  };

  beforeAll(async () => {
    client = await startClient();
    // The simulated limit (60 a minute) is exercised on its own below.
    await client.control('coros', 'rate-limits', { minute: 100_000 });
  });
  afterAll(() => client.server.close());

  it('connects: authorize without scopes or PKCE, callback stores the tokens and the openId', async () => {
    const providers = (await (await client.api('/providers')).json()) as { providers: { name: string; configured: boolean }[] };
    expect(providers.providers.find((p) => p.name === 'coros')).toMatchObject({ configured: true });

    const { connect, callbackUrl } = await client.authorize('coros');
    const authorize = new URL(connect.authorization_url);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${sim()}/oauth2/authorize`);
    expect(authorize.searchParams.get('client_id')).toBe('sim-coros-client');
    expect(authorize.searchParams.get('response_type')).toBe('code');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${client.server.url}/callback/coros`);
    expect(authorize.searchParams.get('state')).toBeTruthy();
    // COROS users grant what the partner agreement covers: no scope to untick, and no PKCE.
    expect(authorize.searchParams.has('scope')).toBe(false);
    expect(authorize.searchParams.has('code_challenge')).toBe(false);

    const res = await fetch(callbackUrl, { redirect: 'manual' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { provider: string; connected: boolean; scopes: string[]; expires_at: string };
    expect(body).toMatchObject({ provider: 'coros', connected: true, scopes: [] });
    expect(Math.abs(Date.parse(body.expires_at) / 1000 - (nowSecs() + THIRTY_DAYS))).toBeLessThan(10);

    const connection = await stored();
    expect(connection?.providerUserId).toMatch(/^[0-9a-f]{32}$/);
    expect(decodeRefreshHandle(connection!.refreshToken!).accessToken).toBe(connection!.accessToken);
  });

  it('lists every workout of the last 90 days newest first, one request per 28-day window', async () => {
    await clearLog();
    all = await activities('limit=200');
    expect(all.length).toBeGreaterThan(40);
    const starts = all.map((a) => Date.parse(a.start_date));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    expect(starts.at(-1)!).toBeGreaterThan(Date.now() - 91 * DAY_MS);
    expect(new Set(all.map((a) => a.id)).size).toBe(all.length);
    for (const a of all) expect(a.id).toMatch(/^\d{18}$/);
    expect(new Set(all.map((a) => a.sport_type)).size).toBeGreaterThanOrEqual(4);
    expect(all[0]).toMatchObject({ provider: 'coros', max_speed: null, elevation_gain_meters: null, start_latitude: null });
    // The simulator's workouts carry end times, a moving `duration` and their time zone.
    for (const a of all) {
      expect(Date.parse(a.end_date) - Date.parse(a.start_date)).toBe(a.duration_seconds * 1000);
      expect(a.moving_time_seconds).toBeLessThanOrEqual(a.duration_seconds);
      expect(a.utc_offset_seconds! % 900).toBe(0);
      expect(a.sport_type_detail).toMatch(/\(\d+:\d+\)$/);
    }

    const calls = await listCalls();
    expect(calls).toHaveLength(4);
    for (const call of calls) {
      const q = new URL(call.path, 'http://x').searchParams;
      const span =
        (Date.parse(`${q.get('endDate')!.replace(/(\d{4})(\d\d)(\d\d)/, '$1-$2-$3')}`) -
          Date.parse(q.get('startDate')!.replace(/(\d{4})(\d\d)(\d\d)/, '$1-$2-$3'))) /
          DAY_MS +
        1;
      expect(span).toBeLessThanOrEqual(30);
      expect(q.get('openId')).toBe((await stored())!.providerUserId);
    }
  });

  it('pages with limit and offset across provider windows, fetching no more than needed', async () => {
    await clearLog();
    expect(await activities('limit=5')).toEqual(all.slice(0, 5));
    expect(await listCalls()).toHaveLength(1);

    await clearLog();
    expect(await activities('limit=7&offset=30')).toEqual(all.slice(30, 37));
    expect(await listCalls()).toHaveLength(windowsFor(37));
    expect(windowsFor(37)).toBeGreaterThan(1);

    expect(await activities(`limit=200&offset=${all.length - 2}`)).toEqual(all.slice(-2));
  });

  it('filters strictly before and after', async () => {
    const before = all[10]!.start_date;
    const after = all[40]!.start_date;
    expect(await activities(`limit=200&before=${before}&after=${after}`)).toEqual(all.slice(11, 40));
    const epoch = Math.floor(Date.parse(all[3]!.start_date) / 1000);
    expect(await activities(`limit=3&before=${epoch}`)).toEqual(all.slice(4, 7));
  });

  it('finds one activity by id and answers 404 for an unknown one', async () => {
    for (const a of [all[0]!, all.at(-1)!]) {
      const res = await client.api(`/activities/coros/${a.id}`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { activity: Activity }).activity).toEqual(a);
    }
    for (const id of ['123456789012345678', 'not-a-label']) {
      const res = await client.api(`/activities/coros/${id}`);
      expect(res.status).toBe(404);
      expect((await errorOf(res)).code).toBe('not_found');
    }
  });

  it('serves the athlete, stats and personal records; sleep, recovery and health are unsupported', async () => {
    const openId = (await stored())!.providerUserId;
    const athlete = (await (await client.api('/athlete?provider=coros')).json()) as { athlete: Record<string, unknown> };
    expect(athlete.athlete).toMatchObject({ id: openId, provider: 'coros' });
    expect(athlete.athlete['username']).toEqual(expect.any(String));

    const stats = (await (await client.api('/stats?provider=coros')).json()) as { stats: { all_time: { count: number } } };
    expect(stats.stats.all_time.count).toBe(all.length);
    const records = (await (await client.api('/personal-records?provider=coros')).json()) as { personal_records: { provider: string }[] };
    expect(records.personal_records.length).toBeGreaterThan(0);
    expect(records.personal_records.every((r) => r.provider === 'coros')).toBe(true);

    for (const path of ['/sleep', '/recovery', '/health-metrics']) {
      const res = await client.api(`${path}?provider=coros`);
      expect(res.status).toBe(400);
      expect((await errorOf(res)).code).toBe('unsupported_feature');
    }
  });

  it('refreshes a connection about to expire: COROS extends the same tokens, nothing rotates', async () => {
    const before = (await stored())!;
    await client.server.container.connections.put({ ...before, expiresAt: nowSecs() + 60 });
    await clearLog();
    expect(await activities('limit=3')).toEqual(all.slice(0, 3));
    expect((await log()).map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual(['POST /oauth2/refresh-token', 'GET /v2/coros/sport/list']);

    const after = (await stored())!;
    expect(after.accessToken).toBe(before.accessToken);
    expect(after.refreshToken).toBe(before.refreshToken);
    expect(Math.abs(after.expiresAt! - (nowSecs() + THIRTY_DAYS))).toBeLessThan(10);

    // No rotation at COROS: the refresh token keeps working; a wrong secret or token does not.
    const { refreshToken } = decodeRefreshHandle(after.refreshToken!);
    const grant = { client_id: SIM_CREDS.clientId, client_secret: SIM_CREDS.clientSecret, grant_type: 'refresh_token' };
    expect(await simForm('/oauth2/refresh-token', { ...grant, refresh_token: refreshToken })).toEqual({ result: '0000', message: 'OK' });
    expect(await simForm('/oauth2/refresh-token', { ...grant, client_secret: 'nope', refresh_token: refreshToken })).toMatchObject({ result: '5001' });
    expect(await simForm('/oauth2/refresh-token', { ...grant, refresh_token: 'rt_unknown' })).toMatchObject({ result: '5002' });
  });

  it('answers an expired token with result 5006, then refreshes and retries once', async () => {
    const connection = (await stored())!;
    await client.control('coros', 'expire-tokens');
    expect(await simList(connection.accessToken, connection.providerUserId!)).toMatchObject({ result: '5006' });
    await clearLog();
    expect(await activities('limit=3')).toEqual(all.slice(0, 3));
    expect((await log()).map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual([
      'GET /v2/coros/sport/list',
      'POST /oauth2/refresh-token',
      'GET /v2/coros/sport/list',
    ]);
    expect(await simList(connection.accessToken, connection.providerUserId!)).toMatchObject({ result: '0000' });
    expect(await simList(connection.accessToken, 'someone-else')).toMatchObject({ result: '5010' });
  });

  it('maps the simulated rate limit to 429 rate_limited with the time to the next minute', async () => {
    await client.control('coros', 'rate-limits', { minute: 0 });
    const expected = [60 - (nowSecs() % 60)];
    const res = await client.api('/activities?provider=coros&limit=3');
    expected.push(60 - (nowSecs() % 60));
    await client.control('coros', 'rate-limits', { minute: 100_000 });
    const resJob = await expectScheduled(res);
    const retryAfter = resJob.retry_after;
    expect(expected.some((e) => Math.abs(retryAfter - e) <= 1)).toBe(true);
    await client.resetResilience();
  });

  it.each([
    [{ kind: 'malformed' }, 502, 'provider_invalid_data'],
    [{ kind: 'wrong_shape' }, 502, 'provider_invalid_data'],
    [{ kind: 'status', status: 503 }, 502, 'provider_error'],
    [{ kind: 'status', status: 500 }, 502, 'provider_error'],
  ])('answers a provider fault %j with %i %s', async (fault, status, code) => {
    // More faults than the 1 + 3 attempts a transient failure gets.
    await client.control('coros', 'faults', { ...fault, count: 5 });
    const res = await client.api('/activities?provider=coros&limit=3');
    await client.control('coros', 'faults', undefined, 'DELETE');
    await client.resetResilience();
    expect(res.status).toBe(status);
    expect((await errorOf(res)).code).toBe(code);
  });

  it('receives pushed workouts authenticated by the client/secret headers', async () => {
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    const receiver: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(COROS_WEBHOOK_ACK));
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/coros`;
      const openId = (await stored())!.providerUserId!;
      const sent = await client.control('coros', 'webhooks', { target, event: { openId, count: 2 } });
      expect(await sent.json()).toEqual({ status: 200 });
      expect(received).toHaveLength(1);
      expect(verifyCorosWebhook(received[0]!.headers, SIM_CREDS)).toBe('valid');
      expect(verifyCorosWebhook({ ...received[0]!.headers, secret: 'forged' }, SIM_CREDS)).toBe('invalid');
      const parsed = parseCorosWebhook(received[0]!.body);
      if (!parsed.ok) throw new Error(parsed.reason);
      expect(parsed.events.map((e) => [e.providerUserId, e.activity])).toEqual([
        [openId, all[0]],
        [openId, all[1]],
      ]);
    } finally {
      receiver.close();
    }
  });

  it('disconnects with deauthorization: the old tokens stop working at COROS', async () => {
    const connection = (await stored())!;
    await clearLog();
    const res = await client.api('/connections/coros', { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ provider: 'coros', connected: false });
    expect(await stored()).toBeUndefined();
    expect((await log()).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /oauth2/deauthorize']);

    expect(await simList(connection.accessToken, connection.providerUserId!)).toMatchObject({ result: '5006' });
    const { refreshToken } = decodeRefreshHandle(connection.refreshToken!);
    expect(
      await simForm('/oauth2/refresh-token', {
        client_id: SIM_CREDS.clientId,
        client_secret: SIM_CREDS.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
      }),
    ).toMatchObject({ result: '5002' });
    const after = await client.api('/activities?provider=coros');
    expect(after.status).toBe(409);
    expect((await errorOf(after)).code).toBe('not_connected');
  });

  it('answers 400 access_denied when the user cancels, storing nothing', async () => {
    await client.control('coros', 'consent', { approve: false });
    const { callbackUrl } = await client.authorize('coros');
    expect(new URL(callbackUrl).searchParams.get('error')).toBe('access_denied');
    const res = await fetch(callbackUrl);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('access_denied');
    expect(await stored()).toBeUndefined();
  });

  it('refuses a used code: at the token endpoint, and through a replayed callback', async () => {
    const { connect, callbackUrl } = await client.authorize('coros');
    const redirectUri = new URL(connect.authorization_url).searchParams.get('redirect_uri')!;
    const code = new URL(callbackUrl).searchParams.get('code')!;
    expect((await fetch(callbackUrl)).status).toBe(200);

    const exchange = { client_id: SIM_CREDS.clientId, client_secret: SIM_CREDS.clientSecret, grant_type: 'authorization_code', redirect_uri: redirectUri };
    expect(await simForm('/oauth2/accesstoken', { ...exchange, code })).toMatchObject({ result: '5002' });

    // The same callback again fails on its consumed state; the used code under a fresh state
    // reaches COROS, which refuses it.
    const replay = await fetch(callbackUrl);
    expect(replay.status).toBe(400);
    expect((await errorOf(replay)).code).toBe('invalid_state');
    const fresh = await client.authorize('coros');
    const forged = new URL(fresh.callbackUrl);
    forged.searchParams.set('code', code);
    const res = await fetch(forged);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('code_exchange_failed');

    // A wrong redirect URI or client secret is refused too.
    const other = new URL((await client.authorize('coros')).callbackUrl).searchParams.get('code')!;
    expect(await simForm('/oauth2/accesstoken', { ...exchange, code: other, redirect_uri: 'http://127.0.0.1/elsewhere' })).toMatchObject({ result: '5002' });
    expect(await simForm('/oauth2/accesstoken', { ...exchange, client_secret: 'nope', code: other })).toMatchObject({ result: '5001' });
  });
});

describe('a Strava state at the COROS callback', () => {
  let client: Client;
  beforeAll(async () => {
    client = await startClient({}, 'state-user', 'tenant-s');
  });
  afterAll(() => client.server.close());

  it('answers invalid_state without consuming it, so the Strava callback afterwards still connects', async () => {
    const { callbackUrl } = await client.authorize('strava');
    const wrong = new URL(callbackUrl);
    wrong.pathname = wrong.pathname.replace('/callback/strava', '/callback/coros');
    const refused = await fetch(wrong, { redirect: 'manual' });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('invalid_state');
    const real = await fetch(callbackUrl, { redirect: 'manual' });
    expect(real.status).toBe(200);
    expect(await real.json()).toMatchObject({ provider: 'strava', connected: true });
    expect((await (await client.api('/connections')).json()).providers.strava.connected).toBe(true);
  });
});
