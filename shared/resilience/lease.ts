/** A lease on a StateStore item: one holder at a time, and it ends by itself if the holder dies. */
import type { StateStore } from '../store/ports';

export async function acquireLease(
  store: StateStore,
  pk: string,
  sk: string,
  lease: { holder: string; untilMs: number; nowMs: number },
): Promise<boolean> {
  const taken = await store.update(
    pk,
    sk,
    { holder: lease.holder, leaseUntilMs: lease.untilMs },
    {
      ifAny: [
        { field: 'holder', op: 'missing' },
        { field: 'leaseUntilMs', op: 'lt', value: lease.nowMs },
        { field: 'holder', op: 'eq', value: lease.holder },
      ],
      expiresAtSecs: Math.ceil(lease.untilMs / 1000) + 60,
    },
  );
  return taken !== undefined;
}

export async function releaseLease(store: StateStore, pk: string, sk: string, holder: string): Promise<void> {
  await store.delete(pk, sk, { ifAny: [{ field: 'holder', op: 'eq', value: holder }] });
}
