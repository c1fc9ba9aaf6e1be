/**
 * The resource table and what is derived from it: the webhook invalidation of each change
 * group (as it was written by hand before the table), the cache TTL variables, and the
 * decorators offering every read of the table, with a provider lacking an optional read
 * answering unsupported_feature through them.
 */
import { describe, expect, it } from 'vitest';
import { CachingFitnessProvider } from '../../shared/cache/caching-provider';
import { stalePrefixes } from '../../shared/cache/keys';
import { cacheSettings } from '../../shared/cache/settings';
import { ProviderError } from '../../shared/models';
import { lazyProvider } from '../../shared/providers/lazy';
import type { FitnessProvider } from '../../shared/providers/spi';
import { ResilientFitnessProvider } from '../../shared/resilience/resilient-provider';
import { RESOURCES } from '../../shared/resources';
import { MemoryCacheStore } from '../../shared/store/memory/cache';

describe('the resource table', () => {
  it('invalidates per webhook change group what the hand-written list did, plus the laps with activities', () => {
    expect(stalePrefixes(['athlete'])).toEqual(['athlete_profile']);
    expect(new Set(stalePrefixes(['activities']))).toEqual(
      new Set(['activity_list:', 'activity:', 'stats', 'personal_records', 'activity_laps:', 'recent_activities']),
    );
    expect(stalePrefixes(['sleep'])).toEqual(['sleep:']);
    expect(stalePrefixes(['recovery'])).toEqual(['recovery:']);
    expect(stalePrefixes(['health_metrics'])).toEqual(['health_metrics:']);
    expect(stalePrefixes([])).toEqual([]);
  });

  it('gives every row a TTL variable of its own', () => {
    const settings = cacheSettings({ PIERRE_CACHE_TTL_ACTIVITY_LAPS_SECS: '120' });
    expect(settings.ttlSecs.activity_laps).toBe(120);
    expect(settings.ttlSecs.athlete_profile).toBe(86_400);
    expect(Object.keys(settings.ttlSecs).sort()).toEqual(RESOURCES.map((r) => r.cache.resource).sort());
  });

  it('has one route, one tool and one cache resource per row', () => {
    for (const key of ['name', 'method'] as const) expect(new Set(RESOURCES.map((r) => r[key])).size).toBe(RESOURCES.length);
    expect(new Set(RESOURCES.map((r) => r.route.path)).size).toBe(RESOURCES.length);
    expect(new Set(RESOURCES.map((r) => r.tool.name)).size).toBe(RESOURCES.length);
    expect(new Set(RESOURCES.map((r) => r.cache.resource)).size).toBe(RESOURCES.length);
  });

  it('lets every decorator offer every read, and a provider without an optional read answer unsupported_feature', async () => {
    const inner = {
      descriptor: { name: 'bare' },
      config: {},
      getAthlete: async () => ({ id: 'a' }),
    } as unknown as FitnessProvider;
    const lazy = lazyProvider({
      descriptor: { name: 'bare', displayName: 'Bare', capabilities: 2, connection: 'none', apiBaseUrl: 'https://bare.invalid' },
      load: async () => ({
        default: function Bare() {
          return inner;
        } as unknown as new () => FitnessProvider,
      }),
    }).create({ name: 'bare', settings: {} } as unknown as FitnessProvider['config'], { fetch, now: () => 0 });
    const resilient = new ResilientFitnessProvider(lazy, {
      gate: { admit: async () => undefined, release: async () => undefined, finish: async () => undefined, limited: async () => undefined } as never,
      circuit: { check: async () => undefined, recordSuccess: async () => undefined, recordFailure: async () => undefined } as never,
      settings: { retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 }, circuit: {} } as never,
      sleep: async () => undefined,
    });
    const cached = new CachingFitnessProvider(resilient, {
      store: new MemoryCacheStore(),
      settings: cacheSettings({}),
      now: () => 0,
      sleep: async () => undefined,
      observer: { count: () => undefined, warn: () => undefined },
    });
    const session = { tenantId: 't', userId: 'u', accessToken: 'x' };
    for (const provider of [lazy, resilient, cached]) {
      for (const r of RESOURCES) expect(typeof provider[r.method], `${provider.constructor.name}.${r.method}`).toBe('function');
      expect(await provider.getAthlete(session)).toEqual({ id: 'a' });
      const error = await provider.getActivityLaps?.(session, '1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ kind: 'unsupported_feature', message: "Provider 'bare' does not support laps" });
    }
  });
});
