import { toCacheJson } from '../encoding';
import { mapSnapshot, restoreMap, type Snapshottable } from '../snapshot';
import type { CacheLease, CacheRead, CacheStore, CacheWrite, CacheWriteOutcome } from '../ports';

interface Item {
  /** JSON text, so values come back as copies shaped exactly as from DynamoDB. */
  json?: string;
  storedAtMs?: number;
  expiresAtMs?: number;
  keepUntilMs: number;
  lease?: CacheLease;
}

const prefixList = (prefixes: string | readonly string[] | undefined): readonly string[] | undefined => (typeof prefixes === 'string' ? [prefixes] : prefixes);

/** In-process CacheStore with the DynamoDB adapter's semantics (expiry checked on read). */
export class MemoryCacheStore implements CacheStore, Snapshottable {
  readonly #partitions = new Map<string, Map<string, Item>>();

  #items(partition: string): Map<string, Item> {
    let items = this.#partitions.get(partition);
    if (!items) this.#partitions.set(partition, (items = new Map()));
    return items;
  }

  async get(partition: string, key: string, nowMs: number): Promise<CacheRead> {
    const items = this.#partitions.get(partition);
    const item = items?.get(key);
    if (!item) return {};
    const lease = item.lease && item.lease.untilMs > nowMs ? { ...item.lease } : undefined;
    if (item.keepUntilMs <= nowMs) {
      if (!lease) items!.delete(key);
      return { lease };
    }
    if (item.json === undefined) return { lease };
    return { entry: { value: JSON.parse(item.json), storedAtMs: item.storedAtMs!, expiresAtMs: item.expiresAtMs! }, lease };
  }

  async set(partition: string, key: string, value: unknown, write: CacheWrite): Promise<CacheWriteOutcome> {
    const json = toCacheJson(value);
    const items = this.#items(partition);
    if (write.leaseHolder !== undefined && items.get(key)?.lease?.holder !== write.leaseHolder) return 'lease_lost';
    const expiresAtMs = write.nowMs + write.ttlSecs * 1000;
    items.set(key, { json, storedAtMs: write.nowMs, expiresAtMs, keepUntilMs: expiresAtMs + write.staleSecs * 1000 });
    return 'stored';
  }

  async acquireLease(partition: string, key: string, lease: CacheLease & { nowMs: number; force?: boolean }): Promise<boolean> {
    const items = this.#items(partition);
    const item = items.get(key);
    if (!lease.force && item?.lease && item.lease.untilMs > lease.nowMs) return false;
    // A fresh value means another fill finished since the caller's read.
    if (!lease.force && item?.json !== undefined && item.expiresAtMs! > lease.nowMs && item.keepUntilMs > lease.nowMs) return false;
    const next = { holder: lease.holder, untilMs: lease.untilMs };
    if (item) item.lease = next;
    else items.set(key, { keepUntilMs: lease.untilMs, lease: next });
    return true;
  }

  async releaseLease(partition: string, key: string, holder: string): Promise<void> {
    const item = this.#partitions.get(partition)?.get(key);
    if (item?.lease?.holder === holder) delete item.lease;
  }

  async markStale(partition: string, keyPrefixes: string | readonly string[] | undefined, nowMs: number): Promise<number> {
    const prefixes = prefixList(keyPrefixes);
    let count = 0;
    for (const [key, item] of this.#partitions.get(partition) ?? []) {
      if (item.json === undefined || item.expiresAtMs! <= nowMs || item.keepUntilMs <= nowMs) continue;
      if (prefixes && !prefixes.some((p) => key.startsWith(p))) continue;
      item.expiresAtMs = nowMs;
      count++;
    }
    return count;
  }

  async invalidate(partition: string, keyPrefixes?: string | readonly string[], limit = Number.POSITIVE_INFINITY): Promise<number> {
    const items = this.#partitions.get(partition);
    if (!items) return 0;
    const prefixes = prefixList(keyPrefixes);
    let count = 0;
    for (const key of [...items.keys()]) {
      if (count >= limit) break;
      if (!prefixes || prefixes.some((p) => key.startsWith(p))) {
        items.delete(key);
        count++;
      }
    }
    if (items.size === 0) this.#partitions.delete(partition);
    return count;
  }

  snapshot(): unknown {
    return mapSnapshot(new Map([...this.#partitions].map(([partition, items]) => [partition, mapSnapshot(items)])));
  }

  restore(data: unknown): void {
    const partitions = new Map<string, unknown>();
    restoreMap(partitions, data);
    this.#partitions.clear();
    for (const [partition, items] of partitions) {
      const map = new Map<string, Item>();
      restoreMap(map, items);
      this.#partitions.set(partition, map);
    }
  }
}
