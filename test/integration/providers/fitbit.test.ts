/**
 * Fitbit on the Google Health API, end to end over HTTP: the local server, its `fitbit`
 * client and the Google Health simulator (OAuth with Google, identity, data types, paging,
 * quota, errors, signed webhooks, connections left over from the retired Fitbit Web API).
 */
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
import { type FitbitSimulator, SIM_CLIENT_ID, SIM_CLIENT_SECRET, SIM_SCOPES, SIM_WEBHOOK_AUTHORIZATION } from '../../../local/simulators/fitbit';
import { expectScheduled, startClient, type Client } from '../../support/provider-flow';

const P = 'fitbit';
const TENANT = 'tenant-1';
const USER = 'user-1';
const DEFAULT_SCOPES = [SIM_SCOPES.activity, SIM_SCOPES.metrics, SIM_SCOPES.sleep, SIM_SCOPES.profile];
const DATA = '/v4/users/me/dataTypes';

type Raw = Record<string, any>;

describe('Fitbit (Google Health API) over HTTP against its simulator', () => {
  let client: Client;
  let sim: string;
  const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;
  const connection = (userId = USER) => client.server.container.connections.get({ tenantId: TENANT, userId, provider: P });
  const token = (form: Record<string, string>) =>
    fetch(`${sim}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  const simGet = (path: string, accessToken: string) => fetch(`${sim}${path}`, { headers: { authorization: `Bearer ${accessToken}` } });
  const requests = async () => (await (await client.control(P, 'requests', undefined, 'GET')).json()) as Array<{ method: string; path: string }>;
  const clearRequests = () => client.control(P, 'requests', undefined, 'DELETE');
  const paths = async () => (await requests()).map((r) => `${r.method} ${decodeURIComponent(r.path.split('?')[0]!)}`);
  const json = async (path: string) => {
    const res = await client.api(path);
    expect(res.status, `${path}: ${res.status}`).toBe(200);
    return res.json();
  };
  /** Every raw data point of a type, as the simulator serves it to the stored token. */
  async function rawPoints(type: string, accessToken: string, filter = ''): Promise<Raw[]> {
    const out: Raw[] = [];
    let pageToken = '';
    do {
      const q = new URLSearchParams({ filter, ...(pageToken && { pageToken }) });
      const body = await (await simGet(`${DATA}/${type}/dataPoints?${q}`, accessToken)).json();
      out.push(...body.dataPoints);
      pageToken = body.nextPageToken ?? '';
    } while (pageToken);
    return out;
  }

  /** The connect dance for another user of the same tenant; answers that user's API caller. */
  async function connectAs(userId: string, consent?: object) {
    const appToken = await client.server.issueToken(userId, TENANT);
    if (consent) await client.control(P, 'consent', consent);
    const connect = await (await fetch(`${client.server.url}/connect/${P}`, { headers: { authorization: `Bearer ${appToken}` } })).json();
    const consentAnswer = await fetch(connect.authorization_url, { redirect: 'manual' });
    const callback = await fetch(consentAnswer.headers.get('location')!, { redirect: 'manual' });
    const api = (path: string) => fetch(`${client.server.url}${path}`, { headers: { authorization: `Bearer ${appToken}`, 'cache-control': 'no-store' } });
    return { callback, api };
  }

  /** Added to the real clock of the app and the simulators (the keyset is fetched again at most once a minute). */
  let clockOffsetMs = 0;

  beforeAll(async () => {
    client = await startClient({ container: { deps: { now: () => Date.now() + clockOffsetMs } } }, USER, TENANT);
    sim = `${client.server.url}/sim/${P}`;
  });
  afterAll(() => client.server.close());

  it('is listed as "Fitbit (Google Health)", configured, with every capability', async () => {
    const body = await json('/providers');
    expect(body.providers.find((p: { name: string }) => p.name === P)).toMatchObject({
      display_name: 'Fitbit (Google Health)',
      configured: true,
      requires_oauth: true,
      capabilities: ['oauth', 'activities', 'sleep_tracking', 'recovery_metrics', 'health_metrics'],
    });
  });

  it("asks Google for offline access with consent, PKCE S256 and the Google Health scopes; Google's redirect carries no scopes", async () => {
    const { connect, callbackUrl } = await client.authorize(P);
    const authorize = new URL(connect.authorization_url);
    expect(authorize.pathname).toBe('/sim/fitbit/o/oauth2/v2/auth');
    expect(authorize.searchParams.get('scope')).toBe(DEFAULT_SCOPES.join(' '));
    expect(authorize.searchParams.get('access_type')).toBe('offline');
    expect(authorize.searchParams.get('prompt')).toBe('consent');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('client_id')).toBe(SIM_CLIENT_ID);
    const back = new URL(callbackUrl);
    expect(back.searchParams.get('state')).toBe(connect.state);
    expect(back.searchParams.get('code')).toBeTruthy();
    expect(back.searchParams.get('scope')).toBeNull();
  });

  it("shows Google's consent page with a checkbox per scope to a browser", async () => {
    const { authorization_url } = await json(`/connect/${P}`);
    const page = await (await fetch(authorization_url, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain('Sign in with Google');
    for (const scope of DEFAULT_SCOPES) expect(page).toContain(`name="granted" value="${scope}" checked`);
  });

  it('answers 400 access_denied when the user cancels, and 400 insufficient_scope without activity; nothing stored', async () => {
    await client.control(P, 'consent', { approve: false });
    const denied = await client.connect(P);
    expect(denied.status).toBe(400);
    expect((await errorOf(denied)).code).toBe('access_denied');
    await client.control(P, 'consent', { scopes: [SIM_SCOPES.sleep, SIM_SCOPES.profile, SIM_SCOPES.metrics] });
    const res = await client.connect(P);
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('insufficient_scope');
    expect(error.message).toContain('activity_and_fitness');
    expect(await connection()).toBeUndefined();
  });

  it('refuses wrong client credentials in the body and a wrong PKCE verifier at the token endpoint', async () => {
    const { callbackUrl, connect } = await client.authorize(P);
    const code = new URL(callbackUrl).searchParams.get('code')!;
    const redirect = new URL(connect.authorization_url).searchParams.get('redirect_uri')!;
    const exchange = { grant_type: 'authorization_code', code, redirect_uri: redirect, client_id: SIM_CLIENT_ID };
    const badClient = await token({ ...exchange, client_secret: 'nope', code_verifier: 'x'.repeat(43) });
    expect(badClient.status).toBe(401);
    expect((await badClient.json()).error).toBe('invalid_client');
    const wrong = await token({ ...exchange, client_secret: SIM_CLIENT_SECRET, code_verifier: 'x'.repeat(43) });
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error).toBe('invalid_grant');
    // The code died with the failed attempt: our callback cannot use it either.
    const callback = await fetch(callbackUrl);
    expect(callback.status).toBe(400);
    expect((await errorOf(callback)).code).toBe('code_exchange_failed');
  });

  it('connects: granted scopes from the token response, a refresh token, and the healthUserId from users/me/identity', async () => {
    await clearRequests();
    const { callbackUrl } = await client.authorize(P);
    const res = await fetch(callbackUrl);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ provider: P, connected: true });
    expect([...body.scopes].sort()).toEqual([...DEFAULT_SCOPES].sort());
    const expiresIn = Date.parse(body.expires_at) - Date.now();
    expect(expiresIn).toBeGreaterThan(3_500_000);
    expect(expiresIn).toBeLessThanOrEqual(3_599_000);
    expect(await paths()).toEqual(['GET /o/oauth2/v2/auth', 'POST /token', 'GET /v4/users/me/identity']);
    const stored = (await connection())!;
    expect(stored.refreshToken).toBeTruthy();
    const identity = await (await simGet('/v4/users/me/identity', stored.accessToken)).json();
    expect(identity.healthUserId).toMatch(/^[a-z0-9]{20}$/);
    expect(stored).toMatchObject({ status: 'connected', providerUserId: identity.healthUserId });
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

  it('converts units: millimetres, "1800s" durations and int64 strings, checked against the raw data points', async () => {
    const stored = (await connection())!;
    const raw = (await rawPoints('exercise', stored.accessToken)).slice(0, 30);
    const mapped = (await json(`/activities?provider=${P}&limit=30`)).activities as Array<Record<string, any>>;
    expect(mapped.map((a) => a.id)).toEqual(raw.map((p) => p.name.split('/').pop()));
    let withDistance = 0;
    for (const [i, point] of raw.entries()) {
      const e = point.exercise;
      const m = e.metricsSummary;
      const a = mapped[i]!;
      expect(e.activeDuration).toMatch(/^\d+s$/);
      expect(a.moving_time_seconds).toBe(Number(e.activeDuration.slice(0, -1)));
      expect(a.duration_seconds).toBe((Date.parse(e.interval.endTime) - Date.parse(e.interval.startTime)) / 1000);
      expect(a.duration_seconds).toBeGreaterThanOrEqual(a.moving_time_seconds);
      expect(a.start_date).toBe(e.interval.startTime);
      expect(a.end_date).toBe(e.interval.endTime);
      expect(a.utc_offset_seconds).toBe(Number(e.interval.startUtcOffset.slice(0, -1)));
      expect(a.sport_type_detail).toBe(e.exerciseType);
      expect(a.device_name).toBe(point.dataSource.device.displayName);
      expect(a.calories).toBeNull();
      expect(a.active_calories).toBe(m.caloriesKcal === undefined ? null : Math.round(m.caloriesKcal));
      expect(a.name).toBe(e.displayName);
      if (m.distanceMillimeters !== undefined) {
        withDistance += 1;
        expect(a.distance_meters).toBeCloseTo(m.distanceMillimeters / 1000, 1);
        expect(a.average_speed).toBeCloseTo(m.averageSpeedMillimetersPerSecond / 1000, 2);
      } else expect(a.distance_meters).toBeNull();
      if (m.steps !== undefined) {
        expect(typeof m.steps).toBe('string');
        expect(a.steps).toBe(Number(m.steps));
      }
      if (m.averageHeartRateBeatsPerMinute !== undefined) expect(a.average_heart_rate).toBe(Number(m.averageHeartRateBeatsPerMinute));
      if (m.elevationGainMillimeters !== undefined) expect(a.elevation_gain_meters).toBeCloseTo(m.elevationGainMillimeters / 1000, 1);
      const sport = {
        RUNNING: 'run',
        WALKING: 'walk',
        BIKING: 'ride',
        SWIMMING: 'swim',
        HIKING: 'hike',
        YOGA: 'yoga',
        PILATES: 'pilates',
        WORKOUT: 'workout',
        HIIT: 'hiit',
        WEIGHTLIFTING: 'strength_training',
      }[e.exerciseType as string];
      expect(a.sport_type).toBe(sport ?? 'other');
    }
    expect(withDistance).toBeGreaterThan(5);
  });

  it('pages with pageToken across pages of 25 and across empty pages that still carry a token', async () => {
    const plain = (await json(`/activities?provider=${P}&limit=60`)).activities as Array<{ id: string }>;
    await clearRequests();
    await client.control(P, 'empty-pages', { count: 3 });
    const paged = (await json(`/activities?provider=${P}&limit=60`)).activities as Array<{ id: string }>;
    expect(paged.map((a) => a.id)).toEqual(plain.map((a) => a.id));
    expect(new Set(paged.map((a) => a.id)).size).toBe(60);
    const lists = (await requests()).filter((r) => r.path.startsWith(`${DATA}/exercise/dataPoints?`));
    // 3 empty pages, then 25 + 25 + 10 of 25-point pages.
    expect(lists).toHaveLength(6);
    expect(lists.every((r) => new URLSearchParams(r.path.split('?')[1]).get('pageSize') === '25')).toBe(true);
    expect(lists.slice(1).every((r) => new URLSearchParams(r.path.split('?')[1]).get('pageToken'))).toBe(true);
    const filter = new URLSearchParams(lists[0]!.path.split('?')[1]).get('filter');
    expect(filter).toBe('');
    const bounded = (await requests()).length;
    await json(`/activities?provider=${P}&limit=5&before=2026-01-01T00:00:00Z`);
    const last = (await requests()).slice(bounded).find((r) => r.path.includes('/exercise/dataPoints?'))!;
    expect(new URLSearchParams(last.path.split('?')[1]).get('filter')).toBe('exercise.interval.civil_start_time < "2026-01-01T14:00:00"');
  });

  it('serves one activity by id through the get endpoint, and 404 not_found for unknown ids', async () => {
    const [listed] = (await json(`/activities?provider=${P}&limit=1&offset=7`)).activities;
    await clearRequests();
    expect((await json(`/activities/${P}/${listed.id}`)).activity).toEqual(listed);
    expect(await paths()).toEqual([`GET ${DATA}/exercise/dataPoints/${listed.id}`]);
    for (const id of ['123', 'not/an id', 'x'.repeat(80)]) {
      const res = await client.api(`/activities/${P}/${encodeURIComponent(id)}`);
      expect(res.status, id).toBe(404);
      expect((await errorOf(res)).code).toBe('not_found');
    }
  });

  it("serves an activity's laps from the exercise's splitSummaries (a resource-table row), checked against the raw point", async () => {
    const stored = (await connection())!;
    const raw = (await rawPoints('exercise', stored.accessToken)).find((p) => (p.exercise.metricsSummary.distanceMillimeters ?? 0) > 2_500_000)!;
    const id = raw.name.split('/').pop();
    await clearRequests();
    const answer = await json(`/activities/${P}/${id}/laps`);
    expect(await paths()).toEqual([`GET ${DATA}/exercise/dataPoints/${id}`]);
    expect(answer.provider).toBe(P);
    const splits = raw.exercise.splitSummaries as Array<Record<string, any>>;
    expect(splits.length).toBeGreaterThanOrEqual(3);
    expect(answer.laps).toHaveLength(splits.length);
    for (const [i, lap] of (answer.laps as Array<Record<string, any>>).entries()) {
      const split = splits[i]!;
      expect(lap.lap_index).toBe(i);
      expect(lap.start_date).toBe(split.startTime);
      expect(lap.end_date).toBe(split.endTime);
      expect(lap.elapsed_time_seconds).toBe((Date.parse(split.endTime) - Date.parse(split.startTime)) / 1000);
      expect(lap.moving_time_seconds).toBe(Number(split.activeDuration.slice(0, -1)));
      expect(lap.distance_meters).toBeCloseTo(split.metricsSummary.distanceMillimeters / 1000, 1);
      expect(lap.lap_type).toBe(split.splitType);
    }
    expect(answer.laps[0].lap_type).toBe('DISTANCE');
    expect(answer.laps[0].distance_meters).toBe(1000);
    expect(answer.laps.at(-1).end_date).toBe(raw.exercise.interval.endTime);
    const total = (answer.laps as Array<{ distance_meters: number }>).reduce((sum, l) => sum + l.distance_meters, 0);
    expect(total).toBeCloseTo(raw.exercise.metricsSummary.distanceMillimeters / 1000, 0);
    const unknown = await client.api(`/activities/${P}/123/laps`);
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe('not_found');
  });

  it('serves the athlete (healthUserId, from users/me/profile), stats and personal records', async () => {
    await clearRequests();
    const { athlete } = await json(`/athlete?provider=${P}`);
    expect(AthleteSchema.parse(athlete)).toEqual(athlete);
    expect(athlete.id).toBe((await connection())!.providerUserId);
    expect(await paths()).toEqual(['GET /v4/users/me/profile']);
    await clearRequests();
    const { stats } = await json(`/stats?provider=${P}`);
    StatsSchema.parse(stats);
    expect(stats.all_time.count).toBeGreaterThan(100);
    // One walk of the exercise list, 25 per page: never a restart per page.
    const walked = (await requests()).filter((r) => r.path.includes('/exercise/dataPoints?'));
    expect(walked.length).toBe(Math.ceil(stats.all_time.count / 25));
    const records = (await json(`/personal-records?provider=${P}`)).personal_records;
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) PersonalRecordSchema.parse(r);
  });

  it('serves sleep (stages and totals from the summary), recovery and health metrics, converted from the raw points', async () => {
    const stored = (await connection())!;
    const start = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const range = `start=${start}`;
    const sleep = (await json(`/sleep?provider=${P}&${range}`)).sleep_sessions;
    expect(sleep.length).toBeGreaterThanOrEqual(29);
    for (const s of sleep) SleepSessionSchema.parse(s);
    const rawSleep = (await rawPoints('sleep', stored.accessToken)).find((p) => p.name.endsWith(`/${sleep.at(-1).id}`))!;
    const deep = rawSleep.sleep.summary.stagesSummary.find((x: Raw) => x.type === 'DEEP');
    expect(typeof deep.minutes).toBe('string');
    expect(sleep.at(-1).stage_totals.deep_seconds).toBe(Number(deep.minutes) * 60);
    expect(sleep.at(-1).stages).toHaveLength(rawSleep.sleep.stages.length);
    expect(sleep.at(-1).time_in_bed_seconds).toBe((Date.parse(rawSleep.sleep.interval.endTime) - Date.parse(rawSleep.sleep.interval.startTime)) / 1000);
    expect(sleep.at(-1).time_asleep_seconds).toBe(Number(rawSleep.sleep.summary.minutesAsleep) * 60);

    const recovery = (await json(`/recovery?provider=${P}&${range}`)).recovery;
    expect(recovery.length).toBeGreaterThanOrEqual(29);
    for (const r of recovery) RecoveryMetricsSchema.parse(r);
    const rawRhr = (await rawPoints('daily-resting-heart-rate', stored.accessToken)).at(0)!.dailyRestingHeartRate;
    const day = `${rawRhr.date.year}-${String(rawRhr.date.month).padStart(2, '0')}-${String(rawRhr.date.day).padStart(2, '0')}`;
    expect(typeof rawRhr.beatsPerMinute).toBe('string');
    expect(recovery.find((r: { date: string }) => r.date === day).resting_heart_rate).toBe(Number(rawRhr.beatsPerMinute));
    expect(recovery[0]).toMatchObject({ recovery_score: null, strain: null, skin_temp_celsius: null });
    expect(recovery[0].hrv_rmssd_ms).toBeGreaterThan(10);
    expect(recovery[0].spo2_percentage).toBeGreaterThan(90);

    await clearRequests();
    const health = (await json(`/health-metrics?provider=${P}&${range}`)).health_metrics;
    expect(health.length).toBeGreaterThanOrEqual(30);
    for (const h of health) HealthMetricsSchema.parse(h);
    const rawWeight = (await rawPoints('weight', stored.accessToken)).at(0)!.weight;
    const weighed = health.find((h: { weight_kg: number | null }) => h.weight_kg === Math.round(rawWeight.weightGrams / 10) / 100);
    expect(weighed).toBeDefined();
    expect(health.every((h: { steps: number | null; calories: number | null }) => h.steps !== null && h.calories !== null)).toBe(true);
    // 31 days: one steps roll-up (90-day limit), three calorie roll-ups (14-day limit).
    const rollups = (await paths()).filter((p) => p.endsWith(':dailyRollUp'));
    expect(rollups.filter((p) => p.includes('/steps/'))).toHaveLength(1);
    expect(rollups.filter((p) => p.includes('/total-calories/'))).toHaveLength(3);
  });

  it('refreshes an expiring token without rotation: twice in a row, the stored refresh token is kept', async () => {
    const before = (await connection())!;
    for (let round = 0; round < 2; round++) {
      const current = (await connection())!;
      await client.server.container.connections.put({ ...current, expiresAt: Math.floor(Date.now() / 1000) + 60 });
      await clearRequests();
      await json(`/athlete?provider=${P}`);
      expect(await paths()).toEqual(['POST /token', 'GET /v4/users/me/profile']);
      const after = (await connection())!;
      expect(after.accessToken).not.toBe(current.accessToken);
      expect(after.refreshToken).toBe(before.refreshToken);
      expect(after.providerUserId).toBe(before.providerUserId);
      expect([...after.scopes].sort()).toEqual([...DEFAULT_SCOPES].sort());
      expect(after.expiresAt! - Date.now() / 1000).toBeGreaterThan(3_500);
    }
  });

  it("answers Google's 401 on an expired token by refreshing once and retrying", async () => {
    await client.control(P, 'expire-tokens');
    await clearRequests();
    await json(`/athlete?provider=${P}`);
    expect(await paths()).toEqual(['GET /v4/users/me/profile', 'POST /token', 'GET /v4/users/me/profile']);
  });

  it('maps 429 to rate_limited: Retry-After when Google sends one, else the next minute; the quota is per user', async () => {
    await client.control(P, 'rate-limits', { minute: 2 });
    try {
      const other = await connectAs('quota-user');
      expect(other.callback.status).toBe(200);
      await client.control(P, 'rate-limits', { minute: 2 }); // counts start again after the connect
      expect((await client.api(`/athlete?provider=${P}`)).status).toBe(200);
      expect((await client.api(`/athlete?provider=${P}`)).status).toBe(200);
      const res = await client.api(`/athlete?provider=${P}`);
      const expected = 60 - (Math.floor(Date.now() / 1000) % 60);
      // Limited: the read is queued (202) until the minute turns.
      expect(Math.abs((await expectScheduled(res)).retry_after - expected)).toBeLessThanOrEqual(2);
      // Another user of the same app still has quota (Google's quota is per user).
      expect((await other.api(`/athlete?provider=${P}`)).status).toBe(200);
      await client.resetResilience();
      await client.control(P, 'quota-answer', { retry_after: 17 });
      // (Another read: the same one would join the job already waiting.) It is this user's second
      // pending job, so it waits Google's 17 s plus one turn (jobs take turns by user: shared/app/jobs.ts).
      const told = await client.api(`/activities?provider=${P}&limit=1`);
      expect((await expectScheduled(told)).retry_after).toBe(17 + 1);
      const raw = await simGet('/v4/users/me/profile', (await connection())!.accessToken);
      expect(raw.status).toBe(429);
      expect((await raw.json()).error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
    } finally {
      await client.control(P, 'quota-answer', {});
      await client.control(P, 'rate-limits', { minute: 300 });
      await client.resetResilience();
    }
  });

  it('maps malformed JSON and the wrong shape to 502 provider_invalid_data, and a 5xx to 502 provider_error', async () => {
    const [one] = (await json(`/activities?provider=${P}&limit=1`)).activities;
    // Google leaves empty arrays out (`{}` is an empty page), so the wrong shape is tried on one data point.
    for (const [fault, code] of [
      [{ kind: 'malformed' }, 'provider_invalid_data'],
      [{ kind: 'wrong_shape' }, 'provider_invalid_data'],
      // More 5xx than the 1 + 3 attempts a transient failure gets.
      [{ kind: 'status', status: 503, count: 4 }, 'provider_error'],
    ] as const) {
      await client.control(P, 'faults', fault);
      const res = await client.api(`/activities/${P}/${one.id}`);
      expect(res.status, JSON.stringify(fault)).toBe(502);
      expect((await errorOf(res)).code).toBe(code);
    }
    await client.control(P, 'faults', undefined, 'DELETE');
    await client.resetResilience();
    expect((await client.api(`/activities?provider=${P}&limit=3`)).status).toBe(200);
  });

  it('a user who unticked sleep and profile still gets activities; only /sleep and /athlete answer 403 insufficient_scope', async () => {
    const { callback, api } = await connectAs('user-2', { scopes: [SIM_SCOPES.activity, SIM_SCOPES.metrics] });
    expect(callback.status).toBe(200);
    expect((await callback.json()).scopes.sort()).toEqual([SIM_SCOPES.activity, SIM_SCOPES.metrics].sort());
    expect((await api(`/activities?provider=${P}&limit=3`)).status).toBe(200);
    expect((await api(`/recovery?provider=${P}`)).status).toBe(200);
    expect((await api(`/health-metrics?provider=${P}`)).status).toBe(200);
    for (const [path, scope] of [
      ['/sleep', SIM_SCOPES.sleep],
      ['/athlete', SIM_SCOPES.profile],
    ] as const) {
      const res = await api(`${path}?provider=${P}`);
      expect(res.status, path).toBe(403);
      const error = await errorOf(res);
      expect(error.code).toBe('insufficient_scope');
      expect(error.message).toContain(scope);
    }
    // No refresh was attempted for a 403, and the connection is intact.
    expect(await connection('user-2')).toMatchObject({ status: 'connected' });
  });

  it('a refresh token Google refuses (invalid_grant) ends the connection: 409 reauthorization_required, shown revoked', async () => {
    const { callback, api } = await connectAs('user-3');
    expect(callback.status).toBe(200);
    const stored = (await connection('user-3'))!;
    expect(
      (await fetch(`${sim}/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${stored.refreshToken}` }))
        .status,
    ).toBe(200);
    const res = await api(`/activities?provider=${P}`);
    expect(res.status).toBe(409);
    expect((await errorOf(res)).code).toBe('reauthorization_required');
    expect(await connection('user-3')).toMatchObject({ status: 'revoked' });
    const listed = await (await api('/connections')).json();
    expect(listed.providers[P]).toMatchObject({ connected: false, status: 'revoked' });
  });

  it('a connection stored from the retired Fitbit Web API ends on first use, saying Fitbit moved to Google accounts', async () => {
    const appToken = await client.server.issueToken('legacy-user', TENANT);
    await client.server.container.connections.put({
      tenantId: TENANT,
      userId: 'legacy-user',
      provider: P,
      accessToken: 'eyJhbGciOiJIUzI1NiJ9.legacy-fitbit-access-token',
      refreshToken: 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00',
      expiresAt: Math.floor(Date.now() / 1000) + 20_000,
      scopes: ['activity', 'heartrate', 'profile', 'sleep', 'weight'],
      providerUserId: '7ABCDE',
      status: 'connected',
      connectedAt: '2025-06-01T00:00:00.000Z',
      updatedAt: '2025-06-01T00:00:00.000Z',
    });
    await clearRequests();
    const res = await fetch(`${client.server.url}/activities?provider=${P}`, { headers: { authorization: `Bearer ${appToken}` } });
    expect(res.status).toBe(409);
    const error = await errorOf(res);
    expect(error.code).toBe('reauthorization_required');
    expect(error.message).toContain('Fitbit moved to Google accounts');
    expect(await requests()).toEqual([]);
    const after = await client.server.container.connections.get({ tenantId: TENANT, userId: 'legacy-user', provider: P });
    expect(after).toMatchObject({ status: 'revoked', accessToken: '' });
    expect(after!.refreshToken).toBeUndefined();
    // Connecting again with Google replaces it.
    const again = await connectAs('legacy-user');
    expect(again.callback.status).toBe(200);
    expect((await again.api(`/activities?provider=${P}&limit=1`)).status).toBe(200);
  });

  describe('webhooks', () => {
    const hook = () => `${client.server.url}/webhooks/${P}`;
    const simulator = () => client.server.simulators.get(P) as FitbitSimulator;
    const deliver = async (event: object) => ((await (await client.control(P, 'webhooks', { target: hook(), event })).json()) as { status: number }).status;
    const xCache = async (path: string) =>
      (await client.api(`${path}${path.includes('?') ? '&' : '?'}cache=use`, { headers: { 'cache-control': 'max-age=0' } })).headers.get('x-cache');
    const owner = async () => (await connection())!.providerUserId!;

    it("answers Google's verification: 201 with the configured Authorization, 401 without it or with another", async () => {
      expect(client.server.container.providerConfig(P).settings['WEBHOOK_AUTHORIZATION']).toBe(SIM_WEBHOOK_AUTHORIZATION);
      expect(await deliver({ verification: true })).toBe(201);
      expect(await deliver({ verification: true, authorization: null })).toBe(401);
      expect(await deliver({ verification: true, authorization: 'Bearer guess' })).toBe(401);
    });

    it('a signed exercise UPSERT (array) drops cached activities but not sleep; the keyset is fetched once and cached', async () => {
      const before = simulator().keysetFetches;
      await xCache(`/activities?provider=${P}`);
      await xCache(`/sleep?provider=${P}`);
      expect(await xCache(`/activities?provider=${P}`)).toBe('HIT');
      expect(await xCache(`/sleep?provider=${P}`)).toBe('HIT');
      expect(await deliver({ notifications: [{ healthUserId: await owner(), dataType: 'exercise' }] })).toBe(204);
      expect(await xCache(`/activities?provider=${P}`)).toBe('MISS');
      expect(await xCache(`/sleep?provider=${P}`)).toBe('HIT');
      expect(await deliver({ notifications: [{ healthUserId: await owner(), dataType: 'exercise', operation: 'DELETE' }] })).toBe(204);
      expect(await xCache(`/activities?provider=${P}`)).toBe('MISS');
      expect(simulator().keysetFetches).toBe(before + 1);
    });

    it("publishes its keys as a Tink JSON keyset, Google's reported format (the signed deliveries above verify against it)", async () => {
      const keyset = await (await client.control(P, 'webhook-keyset', undefined, 'GET')).json();
      expect(keyset).toMatchObject({
        primaryKeyId: expect.any(Number),
        key: [
          {
            keyData: { typeUrl: 'type.googleapis.com/google.crypto.tink.EcdsaPublicKey', value: expect.any(String), keyMaterialType: 'ASYMMETRIC_PUBLIC' },
            status: 'ENABLED',
            keyId: keyset.primaryKeyId,
            outputPrefixType: 'TINK',
          },
        ],
      });
      expect(keyset.keys).toBeUndefined();
    });

    it('accepts a single notification object: a sleep UPSERT drops cached sleep', async () => {
      await xCache(`/sleep?provider=${P}`);
      expect(await xCache(`/sleep?provider=${P}`)).toBe('HIT');
      expect(await deliver({ notifications: { healthUserId: await owner(), dataType: 'sleep' } })).toBe(204);
      expect(await xCache(`/sleep?provider=${P}`)).toBe('MISS');
    });

    it('refuses forged and missing signatures and a wrong Authorization, changing nothing', async () => {
      await xCache(`/activities?provider=${P}`);
      const event = { notifications: [{ healthUserId: await owner(), dataType: 'exercise' }] };
      expect(await deliver({ ...event, signature: 'forged' })).toBe(401);
      expect(await deliver({ ...event, signature: 'missing' })).toBe(401);
      expect(await deliver({ ...event, authorization: 'Bearer guess' })).toBe(401);
      expect(await deliver({ ...event, authorization: null })).toBe(401);
      const raw = await fetch(hook(), {
        method: 'POST',
        headers: { authorization: SIM_WEBHOOK_AUTHORIZATION, 'x-healthapi-signature': 'not base64!' },
        body: JSON.stringify([]),
      });
      expect(raw.status).toBe(401);
      expect(await xCache(`/activities?provider=${P}`)).toBe('HIT');
    });

    it('after a key rotation fetches the keyset again for the unknown key id, and refuses the retired key', async () => {
      await xCache(`/activities?provider=${P}`);
      const before = simulator().keysetFetches;
      await client.control(P, 'rotate-webhook-key');
      const event = { notifications: [{ healthUserId: await owner(), dataType: 'exercise' }] };
      // Within a minute of the last fetch, an unknown key id is refused without fetching, however many deliveries name it.
      for (let i = 0; i < 5; i++) expect(await deliver(event)).toBe(401);
      expect(simulator().keysetFetches).toBe(before);
      clockOffsetMs += 60_000;
      expect(await deliver(event)).toBe(204);
      expect(simulator().keysetFetches).toBe(before + 1);
      for (let i = 0; i < 5; i++) expect(await deliver({ ...event, signature: 'retired' })).toBe(401);
      expect(simulator().keysetFetches).toBe(before + 1);
      expect(await xCache(`/activities?provider=${P}`)).toBe('MISS');
      await xCache(`/activities?provider=${P}`);
      expect(await deliver({ ...event, signature: 'retired' })).toBe(401);
      expect(await xCache(`/activities?provider=${P}`)).toBe('HIT');
    });

    it('acknowledges unknown owners and data types it does not read, changing nothing', async () => {
      await xCache(`/activities?provider=${P}`);
      expect(await deliver({ notifications: [{ healthUserId: 'nobody0000', dataType: 'exercise' }] })).toBe(204);
      expect(await deliver({ notifications: [{ healthUserId: await owner(), dataType: 'floors' }] })).toBe(204);
      expect(await xCache(`/activities?provider=${P}`)).toBe('HIT');
    });
  });

  it('disconnects with revoke: the access token is rejected by Google afterwards', async () => {
    const current = (await connection())!;
    await clearRequests();
    const res = await client.api(`/connections/${P}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ provider: P, connected: false });
    expect(await paths()).toEqual(['POST /revoke']);
    expect(await connection()).toBeUndefined();
    expect((await simGet('/v4/users/me/profile', current.accessToken)).status).toBe(401);
    expect(
      (await token({ grant_type: 'refresh_token', refresh_token: current.refreshToken!, client_id: SIM_CLIENT_ID, client_secret: SIM_CLIENT_SECRET })).status,
    ).toBe(400);
  });
});
