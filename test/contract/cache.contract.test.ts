import { randomUUID } from 'node:crypto';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoCacheStore } from '../../shared/store/dynamodb/cache';
import { MemoryCacheStore } from '../../shared/store/memory/cache';
import type { CacheStore } from '../../shared/store/ports';
import { createMotoTables, type MotoTables } from './dynamo';

const NOW_MS = 1_750_000_000_000;

export function cacheStoreContract(name: string, makeStore: () => CacheStore) {
  describe(`CacheStore contract: ${name}`, () => {
    let store: CacheStore;
    let partition: string;
    beforeEach(() => {
      store = makeStore();
      partition = `tenant:t-${randomUUID()}:user:u1:provider:strava`;
    });

    it('returns undefined for a missing entry', async () => {
      expect(await store.get(partition, 'athlete_profile', NOW_MS)).toBeUndefined();
    });

    it('sets and gets JSON values', async () => {
      const values: unknown[] = [
        { id: 1, name: 'Ada', nested: { list: [1, 'two', null, true] } },
        [{ id: 'a' }, { id: 'b' }],
        'text',
        0,
        false,
        null,
      ];
      for (const [i, value] of values.entries()) await store.set(partition, `k${i}`, value, 60, NOW_MS);
      for (const [i, value] of values.entries()) expect(await store.get(partition, `k${i}`, NOW_MS)).toEqual(value);
    });

    it('returns a copy, not the object that was set', async () => {
      const value = { n: 1 };
      await store.set(partition, 'stats', value, 60, NOW_MS);
      value.n = 2;
      expect(await store.get(partition, 'stats', NOW_MS)).toEqual({ n: 1 });
    });

    it('refuses a value that is not JSON', async () => {
      await expect(store.set(partition, 'k', undefined, 60, NOW_MS)).rejects.toThrow(/JSON/);
    });

    it('overwrites an entry and its expiry', async () => {
      await store.set(partition, 'stats', { v: 1 }, 10, NOW_MS);
      await store.set(partition, 'stats', { v: 2 }, 100, NOW_MS);
      expect(await store.get(partition, 'stats', NOW_MS + 50_000)).toEqual({ v: 2 });
    });

    it('expires entries: present until the TTL, absent from it on', async () => {
      await store.set(partition, 'athlete_profile', { id: 1 }, 60, NOW_MS);
      expect(await store.get(partition, 'athlete_profile', NOW_MS + 59_999)).toEqual({ id: 1 });
      expect(await store.get(partition, 'athlete_profile', NOW_MS + 60_000)).toBeUndefined();
      expect(await store.get(partition, 'athlete_profile', NOW_MS + 3_600_000)).toBeUndefined();
    });

    it('isolates partitions', async () => {
      const other = `${partition}-other`;
      await store.set(partition, 'stats', { owner: 'a' }, 60, NOW_MS);
      await store.set(other, 'stats', { owner: 'b' }, 60, NOW_MS);
      expect(await store.get(partition, 'stats', NOW_MS)).toEqual({ owner: 'a' });
      expect(await store.get(other, 'stats', NOW_MS)).toEqual({ owner: 'b' });
      expect(await store.invalidate(partition)).toBe(1);
      expect(await store.get(other, 'stats', NOW_MS)).toEqual({ owner: 'b' });
    });

    it('invalidates by key prefix only', async () => {
      await store.set(partition, 'activity_list:page:1:per_page:50', [1], 60, NOW_MS);
      await store.set(partition, 'activity_list:page:2:per_page:50', [2], 60, NOW_MS);
      await store.set(partition, 'activity:123', { id: 123 }, 60, NOW_MS);
      await store.set(partition, 'stats', {}, 60, NOW_MS);

      expect(await store.invalidate(partition, 'activity_list:')).toBe(2);
      expect(await store.get(partition, 'activity_list:page:1:per_page:50', NOW_MS)).toBeUndefined();
      expect(await store.get(partition, 'activity_list:page:2:per_page:50', NOW_MS)).toBeUndefined();
      expect(await store.get(partition, 'activity:123', NOW_MS)).toEqual({ id: 123 });
      expect(await store.get(partition, 'stats', NOW_MS)).toEqual({});
      expect(await store.invalidate(partition, 'activity_list:')).toBe(0);
    });

    it('invalidates a whole partition', async () => {
      await store.set(partition, 'a', 1, 60, NOW_MS);
      await store.set(partition, 'b', 2, 60, NOW_MS);
      expect(await store.invalidate(partition)).toBe(2);
      expect(await store.get(partition, 'a', NOW_MS)).toBeUndefined();
      expect(await store.get(partition, 'b', NOW_MS)).toBeUndefined();
      expect(await store.invalidate(partition)).toBe(0);
    });

    it('invalidating an unknown partition deletes nothing', async () => {
      expect(await store.invalidate(`${partition}-none`)).toBe(0);
      expect(await store.invalidate(`${partition}-none`, 'x')).toBe(0);
    });

    it('invalidates more than one batch of entries (> 25)', async () => {
      const keys = Array.from({ length: 60 }, (_, i) => `activity:${String(i).padStart(3, '0')}`);
      await Promise.all(keys.map((k, i) => store.set(partition, k, { i }, 60, NOW_MS)));
      await store.set(partition, 'stats', { keep: true }, 60, NOW_MS);

      expect(await store.invalidate(partition, 'activity:')).toBe(60);
      for (const k of [keys[0]!, keys[25]!, keys[59]!]) expect(await store.get(partition, k, NOW_MS)).toBeUndefined();
      expect(await store.get(partition, 'stats', NOW_MS)).toEqual({ keep: true });
      expect(await store.invalidate(partition)).toBe(1);
    });
  });
}

cacheStoreContract('memory', () => new MemoryCacheStore());

let moto: MotoTables;
describe('DynamoDB (moto)', () => {
  beforeAll(async () => {
    moto = await createMotoTables();
  });
  afterAll(() => moto?.client.destroy());

  cacheStoreContract('dynamodb', () => new DynamoCacheStore(moto.doc, moto.tables.cache));

  it('stores the TTL attribute in epoch seconds and the exact expiry in ms', async () => {
    const store = new DynamoCacheStore(moto.doc, moto.tables.cache);
    await store.set('p', 'k', { a: 1 }, 90, NOW_MS + 500);
    const { Item } = await moto.client.send(
      new GetItemCommand({ TableName: moto.tables.cache, Key: { pk: { S: 'p' }, sk: { S: 'k' } } }),
    );
    expect(Item?.expiresAtMs?.N).toBe(String(NOW_MS + 90_500));
    expect(Item?.ttl?.N).toBe(String(Math.ceil((NOW_MS + 90_500) / 1000)));
    expect(Item?.value?.S).toBe('{"a":1}');
  });

  it('invalidates across query pages (large items)', async () => {
    const store = new DynamoCacheStore(moto.doc, moto.tables.cache);
    const partition = `big-${randomUUID()}`;
    // ~100 KB each: a Query page stops at 1 MB, so 30 of them need several pages.
    const big = 'x'.repeat(100_000);
    for (let i = 0; i < 30; i++) await store.set(partition, `k${i}`, big, 60, NOW_MS);
    expect(await store.invalidate(partition)).toBe(30);
    expect(await store.get(partition, 'k0', NOW_MS)).toBeUndefined();
  });
});
