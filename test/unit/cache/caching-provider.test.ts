/**
 * The caching decorator over a recording provider and the memory store: every policy, every
 * resource, keys, stale answers, single-flight, and the fill lease between two "containers".
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { CachingFitnessProvider, type CacheDeps, type CacheMetric } from '../../../shared/cache/caching-provider';
import { deferredSession } from '../../../shared/cache/deferred-session';
import { cacheKey, cachePartition } from '../../../shared/cache/keys';
import { CacheRequest, policyFrom, withCacheRequest, type CachePolicy } from '../../../shared/cache/policy';
import { cacheSettings, DEFAULT_TTL_SECS } from '../../../shared/cache/settings';
import { ProviderError, type Activity } from '../../../shared/models';
import type { FitnessProvider, ProviderSession } from '../../../shared/providers/spi';
import { MemoryCacheStore } from '../../../shared/store/memory/cache';

const T0 = Date.UTC(2026, 11, 6, 12);
const RANGE = { start: new Date(T0 - 7 * 86_400_000), end: new Date(T0) };

function activity(id: string, daysAgo: number, distance = 5_000): Activity {
  return {
    id,
    provider: 'fake',
    name: `Run ${id}`,
    sport_type: 'run',
    start_date: new Date(T0 - daysAgo * 86_400_000).toISOString(),
    duration_seconds: 1_800,
    distance_meters: distance,
  } as Activity;
}

/** A provider that counts calls and can be told to fail. */
class RecordingProvider {
  calls: string[] = [];
  failWith: Error | undefined;
  version = 1;
  readonly descriptor = { name: 'fake' } as FitnessProvider['descriptor'];
  readonly config = {} as FitnessProvider['config'];
  readonly derivedFromActivities = ['stats', 'personal_records'] as const;

  async #call<T>(name: string, value: T): Promise<T> {
    this.calls.push(name);
    await Promise.resolve();
    if (this.failWith) throw this.failWith;
    return value;
  }
  authorizationUrl = async () => 'https://example.com';
  exchangeCode = async () => ({ accessToken: 'a', scopes: [] });
  refreshToken = async () => ({ accessToken: 'a', scopes: [] });
  revokeToken = async (session: ProviderSession) => void this.calls.push(`revoke:${session.accessToken}`);
  healthCheck = async () => undefined;
  getAthlete = (s: ProviderSession) => this.#call('athlete', { id: s.userId, v: this.version });
  getActivities = (_s: ProviderSession, q: { limit: number; offset: number }) =>
    this.#call(`activities:${q.limit}:${q.offset}`, [activity(`v${this.version}`, 1)]);
  getActivity = (_s: ProviderSession, id: string) => this.#call(`activity:${id}`, activity(id, 1));
  getStats = () => this.#call('stats', { native: true });
  getPersonalRecords = () => this.#call('records', []);
  recentActivities = () => this.#call('recent', [activity('a', 1, 10_000), activity('b', 40, 21_100)]);
  getSleepSessions = () => this.#call('sleep', [{ v: this.version }]);
  getRecoveryMetrics = () => this.#call('recovery', [{ v: this.version }]);
  getHealthMetrics = () => this.#call('health', [{ v: this.version }]);
}

let now = T0;
let store: MemoryCacheStore;
let inner: RecordingProvider;
let metrics: CacheMetric[];

function decorate(overrides: Partial<CacheDeps> = {}, wrapped: RecordingProvider = inner): FitnessProvider {
  return new CachingFitnessProvider(wrapped as unknown as FitnessProvider, {
    store,
    settings: cacheSettings({}),
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    observer: { count: (metric) => metrics.push(metric), warn: () => undefined },
    ...overrides,
  });
}

const session: ProviderSession = { tenantId: 't1', userId: 'u1', accessToken: 'token-1' };

async function asRequest<T>(policy: CachePolicy, run: () => Promise<T>): Promise<{ value: T; headers: Record<string, string> }> {
  const request = new CacheRequest(policy);
  const value = await withCacheRequest(request, run);
  return { value, headers: request.headers() };
}

beforeEach(() => {
  now = T0;
  store = new MemoryCacheStore();
  inner = new RecordingProvider();
  metrics = [];
});

describe('CachingFitnessProvider', () => {
  const resources: [string, (p: FitnessProvider) => Promise<unknown>, keyof typeof DEFAULT_TTL_SECS][] = [
    ['athlete', (p) => p.getAthlete(session), 'athlete_profile'],
    ['activities:30:0', (p) => p.getActivities(session, { limit: 30, offset: 0 }), 'activity_list'],
    ['activity:abc', (p) => p.getActivity(session, 'abc'), 'activity'],
    ['sleep', (p) => p.getSleepSessions(session, RANGE), 'sleep'],
    ['recovery', (p) => p.getRecoveryMetrics(session, RANGE), 'recovery'],
    ['health', (p) => p.getHealthMetrics(session, RANGE), 'health_metrics'],
  ];

  for (const [call, read, resource] of resources) {
    it(`caches ${resource} for its TTL (${DEFAULT_TTL_SECS[resource]} s), then fetches anew`, async () => {
      const provider = decorate();
      const first = await asRequest('use', () => read(provider));
      expect(first.headers).toEqual({ 'x-cache': 'MISS' });
      now += 10_000;
      const second = await asRequest('use', () => read(provider));
      expect(second.headers).toEqual({ 'x-cache': 'HIT', age: '10' });
      expect(second.value).toEqual(first.value);
      expect(inner.calls).toEqual([call]);
      now = T0 + DEFAULT_TTL_SECS[resource] * 1000;
      expect((await asRequest('use', () => read(provider))).headers['x-cache']).toBe('MISS');
      expect(inner.calls).toEqual([call, call]);
    });
  }

  it('derives stats and personal records from one cached copy of the recent activities', async () => {
    const provider = decorate();
    const stats = await provider.getStats(session);
    const records = await provider.getPersonalRecords(session);
    expect(inner.calls).toEqual(['recent']);
    expect(stats).toMatchObject({ provider: 'fake', all_time: { count: 2, distance_meters: 31_100 } });
    expect(records.length).toBeGreaterThan(0);
    await provider.getStats(session);
    expect(inner.calls).toEqual(['recent']);
  });

  it('asks the provider for what it does not derive (a native stats endpoint)', async () => {
    const native = Object.assign(new RecordingProvider(), { derivedFromActivities: ['personal_records'] as const });
    const provider = decorate({}, native);
    expect(await provider.getStats(session)).toEqual({ native: true });
    await provider.getPersonalRecords(session);
    expect(native.calls).toEqual(['stats', 'recent']);
  });

  it('bypass neither reads nor writes the cache', async () => {
    const provider = decorate();
    await provider.getAthlete(session);
    inner.version = 2;
    const bypassed = await asRequest('bypass', () => provider.getAthlete(session));
    expect(bypassed.headers).toEqual({ 'x-cache': 'BYPASS' });
    expect(bypassed.value).toEqual({ id: 'u1', v: 2 });
    const partition = cachePartition('t1', 'u1', 'fake');
    expect((await store.get(partition, 'athlete_profile', now)).entry?.value).toEqual({ id: 'u1', v: 1 });
    await asRequest('bypass', () => provider.getActivity(session, 'x'));
    expect((await store.get(partition, cacheKey('activity', ['x']), now)).entry).toBeUndefined();
  });

  it('refresh fetches anew and replaces the entry', async () => {
    const provider = decorate();
    await provider.getAthlete(session);
    inner.version = 2;
    const refreshed = await asRequest('refresh', () => provider.getAthlete(session));
    expect(refreshed.headers).toEqual({ 'x-cache': 'REFRESH' });
    expect(refreshed.value).toEqual({ id: 'u1', v: 2 });
    expect((await asRequest('use', () => provider.getAthlete(session))).value).toEqual({ id: 'u1', v: 2 });
    expect(inner.calls).toEqual(['athlete', 'athlete']);
  });

  it('serves an expired entry as STALE when the provider fails for a while, within the grace period only', async () => {
    const provider = decorate({ settings: { ...cacheSettings({}), staleSecs: 3_600 } });
    await provider.getSleepSessions(session, RANGE);
    now += DEFAULT_TTL_SECS.sleep * 1000 + 5_000;
    inner.failWith = new ProviderError({ kind: 'rate_limited', provider: 'fake', message: 'slow down', retryAfterSecs: 60 });
    const stale = await asRequest('use', () => provider.getSleepSessions(session, RANGE));
    expect(stale.headers).toEqual({ 'x-cache': 'STALE', age: String(DEFAULT_TTL_SECS.sleep + 5) });
    expect(stale.value).toEqual([{ v: 1 }]);
    expect(metrics).toContain('CacheStale');

    for (const kind of ['timeout', 'network', 'circuit_open'] as const) {
      inner.failWith = new ProviderError({ kind, provider: 'fake', message: kind });
      expect((await asRequest('use', () => provider.getSleepSessions(session, RANGE))).headers['x-cache']).toBe('STALE');
    }
    // Never under bypass, never for a failure a wait would not cure, never past the grace period.
    await expect(asRequest('bypass', () => provider.getSleepSessions(session, RANGE))).rejects.toThrow('circuit_open');
    inner.failWith = new ProviderError({ kind: 'auth_failed', provider: 'fake', message: 'no' });
    await expect(provider.getSleepSessions(session, RANGE)).rejects.toThrow('no');
    inner.failWith = new ProviderError({ kind: 'timeout', provider: 'fake', message: 'late' });
    now += 3_600_000;
    await expect(provider.getSleepSessions(session, RANGE)).rejects.toThrow('late');
  });

  it('fails a miss with the provider error when nothing stale exists', async () => {
    inner.failWith = new ProviderError({ kind: 'rate_limited', provider: 'fake', message: 'slow down' });
    await expect(decorate().getAthlete(session)).rejects.toThrow('slow down');
    // The failed fill gave its lease back: the next request fetches at once.
    inner.failWith = undefined;
    expect(await decorate().getAthlete(session)).toEqual({ id: 'u1', v: 1 });
  });

  it('keys isolate tenant, user, provider, query and string ids', async () => {
    const provider = decorate();
    await provider.getAthlete({ ...session, tenantId: 't2' });
    await provider.getAthlete({ ...session, userId: 'u2' });
    await provider.getAthlete({ ...session, tenantId: 't1:user:u2' });
    await provider.getActivities(session, { limit: 30, offset: 0 });
    await provider.getActivities(session, { limit: 30, offset: 30 });
    await provider.getActivities(session, { limit: 30, offset: 0, before: new Date(T0) });
    await provider.getActivity(session, 'a1b2c3d4-0000-4000-8000-000000000001');
    await provider.getActivity(session, 'a1b2c3d4-0000-4000-8000-000000000002');
    await provider.getActivity(session, 'x:y');
    await provider.getSleepSessions(session, { start: RANGE.start, end: new Date(T0 + 1) });
    await provider.getSleepSessions(session, RANGE);
    expect(inner.calls).toHaveLength(11);
    expect(cachePartition('t1:user:u2', 'x', 'p')).not.toBe(cachePartition('t1', 'u2:x', 'p'));
  });

  it('derives stats from cached activities without opening the session', async () => {
    let opened = 0;
    const lazy = () =>
      deferredSession({ tenantId: 't1', userId: 'u1' }, async () => {
        opened++;
        return session;
      });
    const provider = decorate();
    await provider.getPersonalRecords(lazy());
    expect(opened).toBe(1);
    await provider.getStats(lazy());
    expect(opened).toBe(1);
    expect(inner.calls).toEqual(['recent']);
  });

  it('answers a hit without opening a deferred session; a miss opens it once', async () => {
    let opened = 0;
    const lazy = () =>
      deferredSession({ tenantId: 't1', userId: 'u1' }, async () => {
        opened++;
        return session;
      });
    const provider = decorate();
    await provider.getAthlete(lazy());
    expect(opened).toBe(1);
    await provider.getAthlete(lazy());
    expect(opened).toBe(1);
    await provider.revokeToken(lazy());
    expect(inner.calls).toContain('revoke:token-1');
  });

  it('shares one provider call between 100 concurrent identical misses', async () => {
    const provider = decorate();
    const answers = await Promise.all(Array.from({ length: 100 }, () => asRequest('use', () => provider.getActivities(session, { limit: 30, offset: 0 }))));
    expect(inner.calls).toEqual(['activities:30:0']);
    expect(new Set(answers.map((a) => JSON.stringify(a.value))).size).toBe(1);
  });

  it('across containers, one holds the fill lease and the others wait for its value', async () => {
    const [a, b, c] = [decorate(), decorate(), decorate()];
    const answers = await Promise.all([a, b, c, a, b, c].map((p) => asRequest('use', () => p.getAthlete(session))));
    expect(inner.calls).toEqual(['athlete']);
    expect(answers.map((x) => x.headers['x-cache']).sort()).toEqual(['HIT', 'HIT', 'HIT', 'HIT', 'MISS', 'MISS']);
    expect(metrics).toContain('CacheFillWait');
  });

  it('takes over when the lease holder died', async () => {
    const partition = cachePartition('t1', 'u1', 'fake');
    await store.acquireLease(partition, 'athlete_profile', { holder: 'dead-container', untilMs: T0 + 3_000, nowMs: T0 });
    const value = await decorate({ leaseMs: 3_000 }).getAthlete(session);
    expect(value).toEqual({ id: 'u1', v: 1 });
    expect(inner.calls).toEqual(['athlete']);
    expect(now).toBeGreaterThanOrEqual(T0 + 3_000);
    expect(now).toBeLessThan(T0 + 4_000);
  });

  it('answers a value too large to cache uncached, counting it', async () => {
    const full = Object.assign(new MemoryCacheStore(), { set: async () => 'too_large' as const });
    const provider = decorate({ store: full });
    expect(await provider.getActivities(session, { limit: 200, offset: 0 })).toHaveLength(1);
    expect(metrics).toContain('CacheTooLarge');
    await provider.getActivities(session, { limit: 200, offset: 0 });
    expect(inner.calls).toHaveLength(2);
  });

  it('keeps answering when the cache store fails', async () => {
    const broken = Object.assign(new MemoryCacheStore(), { get: () => Promise.reject(new Error('DynamoDB down')) });
    expect(await decorate({ store: broken }).getAthlete(session)).toEqual({ id: 'u1', v: 1 });
  });
});

describe('cache policy and settings', () => {
  it('reads the policy from ?cache= first, then Cache-Control', () => {
    expect(policyFrom(undefined, undefined)).toBe('use');
    expect(policyFrom('bypass', 'no-cache')).toBe('bypass');
    expect(policyFrom('refresh', undefined)).toBe('refresh');
    expect(policyFrom('sometimes', undefined)).toBeUndefined();
    expect(policyFrom(undefined, 'max-age=0, no-cache')).toBe('refresh');
    expect(policyFrom(undefined, 'No-Store')).toBe('bypass');
  });

  it('takes TTLs and the grace period from PIERRE_CACHE_* and refuses nonsense', () => {
    const settings = cacheSettings({ PIERRE_CACHE_TTL_ACTIVITY_LIST_SECS: '60', PIERRE_CACHE_STALE_SECS: '0' });
    expect(settings.ttlSecs.activity_list).toBe(60);
    expect(settings.ttlSecs.athlete_profile).toBe(86_400);
    expect(settings.staleSecs).toBe(0);
    expect(() => cacheSettings({ PIERRE_CACHE_TTL_STATS_SECS: '-5' })).toThrow(/PIERRE_CACHE_TTL_STATS_SECS/);
    expect(() => cacheSettings({ PIERRE_CACHE_STALE_SECS: '1h' })).toThrow(/PIERRE_CACHE_STALE_SECS/);
  });
});
