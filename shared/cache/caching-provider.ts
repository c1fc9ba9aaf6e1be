/**
 * CachingFitnessProvider: cache-aside around any FitnessProvider, the outermost layer the
 * composition root hands out. Per key, one provider call everywhere: concurrent misses in a
 * container share one call (single-flight), and across containers a fill lease in the cache
 * table lets one fetch while the others poll for its value (and take over if it dies). When a
 * fill fails with a transient error, an expired entry still within its grace period is served
 * as STALE (never under `bypass`).
 */
import { randomUUID } from 'node:crypto';
import { ProviderError, type Activity } from '../models';
import { personalRecordsFromActivities, statsFromActivities } from '../providers/derive';
import { ForwardingFitnessProvider, type ReadCall } from '../providers/forwarding';
import type { KeyParts, ResourceRow } from '../resources';
import type { DerivedResource, FitnessProvider, ProviderSession } from '../providers/spi';
import type { CacheEntry, CacheRead, CacheStore } from '../store/ports';
import { offersEarlyAdmission, openSession } from './deferred-session';
import { cacheKey, cachePartition, RECENT_ACTIVITIES, type CacheKeyResource, type CacheResource } from './keys';
import { currentCacheRequest, type CacheOutcome, type CachePolicy, type CacheRequest } from './policy';
import type { CacheSettings } from './settings';
import { SingleFlight } from '../single-flight';

export type CacheMetric = 'CacheHit' | 'CacheMiss' | 'CacheStale' | 'CacheBypass' | 'CacheRefresh' | 'CacheFillWait' | 'CacheTooLarge';

/** Where the decorator reports (Powertools metrics and logger in the service, a recorder in tests). */
export interface CacheObserver {
  count(metric: CacheMetric, provider: string, resource: CacheKeyResource): void;
  warn(message: string, attributes: Record<string, unknown>): void;
}

export interface CacheDeps {
  store: CacheStore;
  settings: CacheSettings;
  /** Epoch milliseconds (the app's injected clock). */
  now: () => number;
  /** Waiting between polls of another container's fill; injected so tests need not wait. */
  sleep: (ms: number) => Promise<void>;
  observer: CacheObserver;
  /** How long a fill lease lasts; past it, waiters take over. */
  leaseMs?: number;
}

const DEFAULT_LEASE_MS = 8_000;
const FIRST_POLL_MS = 20;
const MAX_POLL_MS = 200;

interface Served {
  value: unknown;
  outcome: CacheOutcome;
  ageSecs: number;
}

const METRIC: Record<CacheOutcome, CacheMetric> = {
  HIT: 'CacheHit',
  MISS: 'CacheMiss',
  STALE: 'CacheStale',
  BYPASS: 'CacheBypass',
  REFRESH: 'CacheRefresh',
};

/** Failures that may pass (rate limited, unavailable, timeout, circuit open): a stale entry may answer instead. */
function isTransient(error: unknown): boolean {
  return error instanceof ProviderError && (error.isRetryable() || error.kind === 'circuit_open');
}

/** Cache reads started ahead of their use, per request (see prefetchActivities). */
const prefetched = new WeakMap<CacheRequest, Map<string, Promise<CacheRead>>>();

/**
 * Starts reading the cached answer `provider.<read>(session, ...args)` would read, so that it
 * runs alongside other work of the request (provider=all: the connections query; a stored
 * resource: the records store's coverage); the read is then taken instead of made again. No-op
 * outside a request, under bypass, or for a provider without the cache.
 */
export function prefetchRead(provider: FitnessProvider, identity: { tenantId: string; userId: string }, resource: ResourceRow, args: readonly unknown[]): void {
  if (provider instanceof CachingFitnessProvider) provider.prefetch(identity, resource.cache.resource, resource.keyParts(args));
}

type Derive = (provider: string, activities: Activity[], nowMs: number) => unknown;

/** Stats and records a provider leaves to `shared/providers/derive`, computed here over the cached recent activities. */
const DERIVE: Record<DerivedResource, Derive> = {
  stats: (provider, activities, nowMs) => statsFromActivities(provider, activities, nowMs),
  personal_records: (provider, activities) => personalRecordsFromActivities(provider, activities),
};
const derivable = (name: string): name is DerivedResource => Object.hasOwn(DERIVE, name);

export class CachingFitnessProvider extends ForwardingFitnessProvider implements FitnessProvider {
  readonly #flights = new SingleFlight<Served>();
  readonly #holderPrefix = randomUUID();
  #fills = 0;

  constructor(
    inner: FitnessProvider,
    private readonly deps: CacheDeps,
  ) {
    super(inner);
  }

  // ---- not cached (the rest is forwarded as it is) -------------------------------------------

  override async revokeToken(session: ProviderSession): Promise<void> {
    return this.inner.revokeToken(await openSession(session));
  }

  protected override async forwardPull(session: ProviderSession, url: string) {
    return this.inner.pullNotification!(await openSession(session), url);
  }

  // ---- cached -------------------------------------------------------------------------------

  /** Nothing to cache in a request (`requestHistory`); the user's (deferred) session is opened for it. */
  protected override async interceptRequest<T>(session: ProviderSession, request: (session: ProviderSession) => Promise<T>): Promise<T> {
    return request(await openSession(session));
  }

  protected intercept(call: ReadCall): Promise<unknown> {
    const { resource, session } = call;
    const name = resource.name;
    if (derivable(name) && this.#derives(name)) {
      return this.#derived(session, name, async () => DERIVE[name](this.descriptor.name, await this.#recentActivities(session), this.deps.now()));
    }
    return this.#cached(session, resource.cache.resource, resource.keyParts(call.args), (s) => call.on(this.inner, s));
  }

  prefetch(identity: { tenantId: string; userId: string }, resource: CacheKeyResource, parts: KeyParts): void {
    const request = currentCacheRequest();
    if (!request || request.policy === 'bypass') return;
    const partition = cachePartition(identity.tenantId, identity.userId, this.descriptor.name);
    const read = this.deps.store.get(partition, cacheKey(resource, parts), this.deps.now());
    read.catch(() => undefined); // its taker sees the failure
    let reads = prefetched.get(request);
    if (!reads) prefetched.set(request, (reads = new Map()));
    reads.set(`${partition}\n${cacheKey(resource, parts)}`, read);
  }

  // ---- derived resources --------------------------------------------------------------------

  #derives(resource: DerivedResource): boolean {
    return this.inner.recentActivities !== undefined && (this.inner.derivedFromActivities ?? []).includes(resource);
  }

  /** A resource computed here: its fill opens no session (the activities it reads do, on their own miss). */
  #derived<T>(session: ProviderSession, resource: DerivedResource, compute: () => Promise<T>): Promise<T> {
    return this.#cached(session, resource, [], compute, resource, false);
  }

  /** The activities stats and records come from, fetched once for both and cached. */
  #recentActivities(session: ProviderSession): Promise<Activity[]> {
    return this.#cached(session, RECENT_ACTIVITIES, [], (s) => this.inner.recentActivities!(s), 'stats');
  }

  // ---- the cache-aside engine ---------------------------------------------------------------

  async #cached<T>(
    session: ProviderSession,
    resource: CacheKeyResource,
    parts: KeyParts,
    fetch: (session: ProviderSession) => Promise<T>,
    ttlOf: CacheResource = resource as CacheResource,
    opensSession = true,
  ): Promise<T> {
    const request = currentCacheRequest();
    const policy: CachePolicy = request?.policy ?? 'use';
    const provider = this.descriptor.name;
    let served: Served;
    const call = async () => {
      if (!opensSession) return fetch(session);
      const opened = await openSession(session).catch(async (error: unknown) => {
        await this.#abandon(session);
        throw error;
      });
      return fetch(opened);
    };
    const prepare = opensSession ? () => this.#prepare(session) : undefined;
    if (policy === 'bypass') {
      prepare?.();
      served = { value: await call(), outcome: 'BYPASS', ageSecs: 0 };
    } else {
      const partition = cachePartition(session.tenantId, session.userId, provider);
      const key = cacheKey(resource, parts);
      const fill: Fill = { partition, key, policy, ttlSecs: this.deps.settings.ttlSecs[ttlOf], fetch: call, prepare, abandon: () => this.#abandon(session) };
      served = await this.#flights.run(`${policy}\n${partition}\n${key}`, () => this.#serve(fill));
    }
    request?.record(served.outcome, served.ageSecs);
    this.deps.observer.count(METRIC[served.outcome], provider, resource);
    return served.value as T;
  }

  /**
   * Starts what the provider call of a fill needs, so that it runs alongside the fill lease
   * instead of after it: the connection read (the deferred session opens once) and the
   * rate-limit gate's admission. A fill that makes no call after all gives the admission back.
   */
  #prepare(session: ProviderSession): void {
    openSession(session).catch(() => undefined); // the call awaits the same opening and sees its failure
    if (offersEarlyAdmission(this.inner)) this.inner.prepare(session);
  }

  async #abandon(session: ProviderSession): Promise<void> {
    if (offersEarlyAdmission(this.inner)) await this.inner.abandon(session).catch(() => undefined);
  }

  /** A read of this key started ahead in the running request, taken once. */
  #takePrefetched(fill: Fill): Promise<CacheRead> | undefined {
    const request = currentCacheRequest();
    const reads = request ? prefetched.get(request) : undefined;
    const id = `${fill.partition}\n${fill.key}`;
    const read = reads?.get(id);
    reads?.delete(id);
    return read;
  }

  async #serve(fill: Fill): Promise<Served> {
    const now = this.deps.now();
    let read: CacheRead;
    try {
      read = await (this.#takePrefetched(fill) ?? this.deps.store.get(fill.partition, fill.key, now));
    } catch (error) {
      this.#warn('cache read failed; answering uncached', fill, error);
      return { value: await fill.fetch(), outcome: 'MISS', ageSecs: 0 };
    }
    if (fill.policy === 'use' && read.entry && read.entry.expiresAtMs > now) return this.#fromEntry(read.entry, 'HIT');
    return this.#fill(fill, read.entry);
  }

  #fromEntry(entry: CacheEntry, outcome: CacheOutcome): Served {
    return { value: entry.value, outcome, ageSecs: Math.max(0, Math.floor((this.deps.now() - entry.storedAtMs) / 1000)) };
  }

  async #fill(fill: Fill, stale: CacheEntry | undefined): Promise<Served> {
    const leaseMs = this.deps.leaseMs ?? DEFAULT_LEASE_MS;
    // Past this, a waiter stops waiting for others and fetches for itself.
    const giveUpAt = this.deps.now() + 2 * leaseMs;
    fill.prepare?.();
    for (;;) {
      const holder = `${this.#holderPrefix}:${++this.#fills}`;
      const now = this.deps.now();
      const acquired = await this.deps.store
        .acquireLease(fill.partition, fill.key, { holder, untilMs: now + leaseMs, nowMs: now, force: fill.policy === 'refresh' })
        .catch((error: unknown) => {
          this.#warn('cache lease failed; answering uncached', fill, error);
          return undefined;
        });
      if (acquired === undefined) return { value: await fill.fetch(), outcome: 'MISS', ageSecs: 0 };
      if (acquired) return this.#fetchAndStore(fill, holder, stale);

      this.deps.observer.count('CacheFillWait', this.descriptor.name, resourceOf(fill.key));
      const waited = await this.#awaitFill(fill, giveUpAt);
      if (waited.fresh) {
        await fill.abandon();
        return this.#fromEntry(waited.fresh, 'HIT');
      }
      stale = waited.stale ?? stale;
      if (this.deps.now() >= giveUpAt) return { value: await fill.fetch(), outcome: 'MISS', ageSecs: 0 };
    }
  }

  /** Polls until another holder's value arrives or its lease is gone (then the caller retries). */
  async #awaitFill(fill: Fill, giveUpAt: number): Promise<{ fresh?: CacheEntry; stale?: CacheEntry }> {
    let pause = FIRST_POLL_MS;
    for (;;) {
      await this.deps.sleep(pause);
      pause = Math.min(MAX_POLL_MS, pause * 2);
      const now = this.deps.now();
      const read = await this.deps.store.get(fill.partition, fill.key, now).catch(() => ({ entry: undefined, lease: undefined }));
      const fresh = read.entry && read.entry.expiresAtMs > now ? read.entry : undefined;
      // A value stored after the wait began answers even a refresh (it is as new as ours would be).
      if (fresh) return { fresh };
      if (!read.lease || now >= giveUpAt) return { stale: read.entry };
    }
  }

  async #fetchAndStore(fill: Fill, holder: string, stale: CacheEntry | undefined): Promise<Served> {
    let value: unknown;
    try {
      value = await fill.fetch();
    } catch (error) {
      await this.deps.store.releaseLease(fill.partition, fill.key, holder).catch(() => undefined);
      if (stale && isTransient(error)) return this.#fromEntry(stale, 'STALE');
      throw error;
    }
    const nowMs = this.deps.now();
    try {
      const stored = await this.deps.store.set(fill.partition, fill.key, value, {
        ttlSecs: fill.ttlSecs,
        staleSecs: this.deps.settings.staleSecs,
        nowMs,
        leaseHolder: holder,
      });
      if (stored === 'too_large') {
        this.deps.observer.count('CacheTooLarge', this.descriptor.name, resourceOf(fill.key));
        this.#warn('value too large to cache; answered uncached', fill);
        await this.deps.store.releaseLease(fill.partition, fill.key, holder).catch(() => undefined);
      }
    } catch (error) {
      this.#warn('cache write failed; answered uncached', fill, error);
    }
    return { value, outcome: fill.policy === 'refresh' ? 'REFRESH' : 'MISS', ageSecs: 0 };
  }

  #warn(message: string, fill: Fill, error?: unknown): void {
    this.deps.observer.warn(message, {
      provider: this.descriptor.name,
      resource: resourceOf(fill.key),
      ...(error !== undefined && { reason: error instanceof Error ? error.name : typeof error }),
    });
  }
}

interface Fill {
  partition: string;
  key: string;
  policy: CachePolicy;
  ttlSecs: number;
  fetch: () => Promise<unknown>;
  /** Starts the call's connection read and admission early (absent for values computed here). */
  prepare: (() => void) | undefined;
  /** Gives the early admission back when the fill ends without calling. */
  abandon: () => Promise<void>;
}

const resourceOf = (key: string) => key.split(':', 1)[0] as CacheKeyResource;
