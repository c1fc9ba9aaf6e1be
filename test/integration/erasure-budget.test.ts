/**
 * Erasure does bounded work per invocation: a user with many cached answers is erased page by
 * page until the invocation's time runs short; the answer is then 202 with what was deleted so
 * far, and a queued continuation (the retry worker) finishes and publishes `user.erased` with
 * the totals. One injected clock; each page of deletions takes 600 ms on it.
 */
import { describe, expect, it } from 'vitest';
import { buildContainer } from '../../shared/app/container';
import { eraseUser } from '../../shared/app/erasure';
import { drainMemoryQueue } from '../../shared/app/retry-worker';
import { cachePartition } from '../../shared/cache/keys';
import { newRequestContext, runRequest } from '../../shared/context/request';
import { MemoryEventLog } from '../../shared/events/memory';
import { MemoryJobQueue } from '../../shared/queue/memory';
import { MemoryCacheStore } from '../../shared/store/memory/cache';
import { MemoryConnectionStore } from '../../shared/store/memory/connections';
import { MemoryOAuthStateStore } from '../../shared/store/memory/oauth-state';
import { MemoryRecordStore } from '../../shared/store/memory/records';
import { MemoryTenantAppStore } from '../../shared/store/memory/tenant-apps';
import { MemoryStateStore } from '../../shared/store/memory/state';
import { generateDevKey, TokenCipher } from '../../shared/store/token-cipher';
import { FakeClock } from '../support/fake-clock';

const PAGE_MS = 600;

/** A cache whose every deletion request takes PAGE_MS of the injected clock. */
class SlowCache extends MemoryCacheStore {
  constructor(private readonly clock: FakeClock) {
    super();
  }
  override async invalidate(partition: string, keyPrefixes?: string | readonly string[], limit?: number): Promise<number> {
    this.clock.ms += PAGE_MS;
    return super.invalidate(partition, keyPrefixes, limit);
  }
}

describe('erasure within the invocation', () => {
  it('answers 202 when time runs short, and a queued continuation finishes with the totals', async () => {
    const clock = new FakeClock(Date.UTC(2026, 11, 7, 12));
    const queue = new MemoryJobQueue({ now: clock.now });
    const events = new MemoryEventLog();
    const cache = new SlowCache(clock);
    const stores = {
      connections: new MemoryConnectionStore(new TokenCipher([generateDevKey()])),
      states: new MemoryOAuthStateStore(),
      cache,
      coordination: new MemoryStateStore(),
      jobs: new MemoryStateStore(),
      tenantApps: new MemoryTenantAppStore(new TokenCipher([generateDevKey()])),
      records: new MemoryRecordStore(),
    };
    const container = await buildContainer({ env: {}, deps: { now: clock.now }, stores, queue, events, sleep: clock.sleep });
    const write = { ttlSecs: 3600, staleSecs: 0, nowMs: clock.ms };
    const alice = { tenantId: 't', userId: 'alice' };
    for (let i = 0; i < 500; i++) await cache.set(cachePartition('t', 'alice', 'synthetic'), `activity:${i}`, { i }, write);
    await cache.set(cachePartition('t', 'bob', 'synthetic'), 'athlete_profile', { bob: true }, write);

    // 4 s of invocation: 2 s kept back, 0.5 s of margin, so three 600 ms pages fit.
    const first = await runRequest(newRequestContext({ remainingMs: 4_000, now: clock.now }), () => eraseUser(container, alice));
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ status: 'in_progress', deleted: { cache_entries: 300 }, revoked: {}, retry_after: 1 });
    expect(events.published).toEqual([]);

    clock.ms += 1_000;
    expect(await drainMemoryQueue(container, queue)).toEqual(['erased']);
    expect(events.published).toEqual([{ tenantId: 't', type: 'user.erased', data: { user_id: 'alice', deleted: { cache_entries: 500 }, revoked: {} } }]);
    expect((await cache.get(cachePartition('t', 'alice', 'synthetic'), 'activity:499', clock.ms)).entry).toBeUndefined();
    expect((await cache.get(cachePartition('t', 'bob', 'synthetic'), 'athlete_profile', clock.ms)).entry?.value).toEqual({ bob: true });

    // Done: asking again (time for one empty page per provider) deletes nothing and publishes nothing.
    const again = await runRequest(newRequestContext({ remainingMs: 20_000, now: clock.now }), () => eraseUser(container, alice));
    expect(again).toEqual({ status: 200, body: { status: 'erased', deleted: {}, revoked: {} } });
    expect(events.published).toHaveLength(1);
  });
});
