/**
 * What the service keeps of a user's data from one provider, dropped in one place whenever the
 * access it was read with ends: a disconnect, a verified deauthorization at the provider (as
 * Strava's agreement requires), a refused refresh, a retired API. A new store of provider data
 * (normalized records, history state) adds its line here.
 */
import { cachePartition } from '../cache/keys';
import type { ConnectionKey } from '../store/ports';
import type { Container } from './container';
import { forgetHistory } from './history';

/** Deletes what is stored from `key.provider` for the user; counts by kind. */
export async function dropProviderData(container: Container, key: ConnectionKey): Promise<Record<string, number>> {
  const [, cache_entries, records] = await Promise.all([
    // What was stored went with the access: a new connection reads its history again.
    forgetHistory(container, key),
    container.cache.invalidate(cachePartition(key.tenantId, key.userId, key.provider)),
    // Stored records are the user's data read with that access; a reconnection starts anew (docs/records.md).
    container.records.deleteAll({ tenantId: key.tenantId, userId: key.userId, provider: key.provider }),
  ]);
  return { cache_entries, records };
}
