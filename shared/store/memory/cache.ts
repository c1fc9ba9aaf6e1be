import { toCacheJson } from '../encoding';
import type { CacheStore } from '../ports';

interface Entry {
  /** JSON text, so values come back as copies shaped exactly as from DynamoDB. */
  json: string;
  expiresAtMs: number;
}

/** In-process CacheStore; `get` checks expiry, expired entries are dropped when read. */
export class MemoryCacheStore implements CacheStore {
  readonly #partitions = new Map<string, Map<string, Entry>>();

  async get(partition: string, key: string, nowMs: number): Promise<unknown> {
    const entries = this.#partitions.get(partition);
    const entry = entries?.get(key);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= nowMs) {
      entries!.delete(key);
      return undefined;
    }
    return JSON.parse(entry.json);
  }

  async set(partition: string, key: string, value: unknown, ttlSecs: number, nowMs: number): Promise<void> {
    const json = toCacheJson(value);
    let entries = this.#partitions.get(partition);
    if (!entries) this.#partitions.set(partition, (entries = new Map()));
    entries.set(key, { json, expiresAtMs: nowMs + ttlSecs * 1000 });
  }

  async invalidate(partition: string, keyPrefix?: string): Promise<number> {
    const entries = this.#partitions.get(partition);
    if (!entries) return 0;
    let count = 0;
    for (const key of [...entries.keys()]) {
      if (!keyPrefix || key.startsWith(keyPrefix)) {
        entries.delete(key);
        count++;
      }
    }
    if (entries.size === 0) this.#partitions.delete(partition);
    return count;
  }
}

