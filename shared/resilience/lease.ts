/**
 * A lease on a StateStore item: one holder at a time, and it ends by itself if the holder dies.
 * Every lease on coordination records uses it (the gate's probes, token refreshes). The cache's
 * fill lease lives on the cache entry itself (CacheStore.acquireLease), so one read sees both
 * the value and whether someone is fetching it.
 */
import * as z from '../zod';
import type { StateStore } from '../store/ports';
import { recordCodec } from '../store/records';

export const LEASE = recordCodec({
  holder: z.string(),
  /** Epoch ms the lease ends. */
  leaseUntilMs: z.number(),
});

const holder = LEASE.field('holder');
const leaseUntilMs = LEASE.field('leaseUntilMs');

export async function acquireLease(store: StateStore, pk: string, sk: string, lease: { holder: string; untilMs: number; nowMs: number }): Promise<boolean> {
  const taken = await store.update(pk, sk, LEASE.encode({ holder: lease.holder, leaseUntilMs: lease.untilMs }), {
    ifAny: [
      { field: holder, op: 'missing' },
      { field: leaseUntilMs, op: 'lt', value: lease.nowMs },
      { field: holder, op: 'eq', value: lease.holder },
    ],
    expiresAtSecs: Math.ceil(lease.untilMs / 1000) + 60,
  });
  return taken !== undefined;
}

export async function releaseLease(store: StateStore, pk: string, sk: string, leaseHolder: string): Promise<void> {
  await store.delete(pk, sk, { ifAny: [{ field: holder, op: 'eq', value: leaseHolder }] });
}
