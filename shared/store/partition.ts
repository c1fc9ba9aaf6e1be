import type { StateStore } from './ports';

/** Deletes every item of one partition of a state store (an erasure's part); how many it listed. */
export async function deletePartition(store: StateStore, pk: string): Promise<number> {
  const keys = [...(await store.list(pk, 0)).keys()];
  for (const sk of keys) await store.delete(pk, sk);
  return keys.length;
}
