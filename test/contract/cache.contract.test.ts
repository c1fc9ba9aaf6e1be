import { randomBytes, randomUUID } from 'node:crypto';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoCacheStore } from '../../shared/store/dynamodb/cache';
import { MemoryCacheStore } from '../../shared/store/memory/cache';
import type { CacheStore, CacheWrite } from '../../shared/store/ports';
import { createMotoTables, type MotoTables } from './dynamo';
import { keptInFolder } from './state-folder';

const NOW_MS = 1_750_000_000_000;

/** A write with no stale grace period. */
const w = (ttlSecs: number, nowMs: number, more: Partial<CacheWrite> = {}): CacheWrite => ({ ttlSecs, staleSecs: 0, nowMs, ...more });

async function stored(store: CacheStore, partition: string, key: string, nowMs: number): Promise<unknown> {
  return (await store.get(partition, key, nowMs)).entry?.value;
}

function cacheStoreContract(name: string, makeStore: () => CacheStore) {
  describe(`CacheStore contract: ${name}`, () => {
    let store: CacheStore;
    let partition: string;
    beforeEach(() => {
      store = makeStore();
      partition = `tenant:t-${randomUUID()}:user:u1:provider:strava`;
    });

    it('returns undefined for a missing entry', async () => {
      expect(await stored(store, partition, 'athlete_profile', NOW_MS)).toBeUndefined();
    });

    it('sets and gets JSON values', async () => {
      const values: unknown[] = [{ id: 1, name: 'Ada', nested: { list: [1, 'two', null, true] } }, [{ id: 'a' }, { id: 'b' }], 'text', 0, false, null];
      for (const [i, value] of values.entries()) await store.set(partition, `k${i}`, value, w(60, NOW_MS));
      for (const [i, value] of values.entries()) expect(await stored(store, partition, `k${i}`, NOW_MS)).toEqual(value);
    });

    it('returns a copy, not the object that was set', async () => {
      const value = { n: 1 };
      await store.set(partition, 'stats', value, w(60, NOW_MS));
      value.n = 2;
      expect(await stored(store, partition, 'stats', NOW_MS)).toEqual({ n: 1 });
    });

    it('refuses a value that is not JSON', async () => {
      await expect(store.set(partition, 'k', undefined, w(60, NOW_MS))).rejects.toThrow(/JSON/);
    });

    it('overwrites an entry and its expiry', async () => {
      await store.set(partition, 'stats', { v: 1 }, w(10, NOW_MS));
      await store.set(partition, 'stats', { v: 2 }, w(100, NOW_MS));
      expect(await stored(store, partition, 'stats', NOW_MS + 50_000)).toEqual({ v: 2 });
    });

    it('expires entries: present until the TTL, absent from it on', async () => {
      await store.set(partition, 'athlete_profile', { id: 1 }, w(60, NOW_MS));
      expect(await stored(store, partition, 'athlete_profile', NOW_MS + 59_999)).toEqual({ id: 1 });
      expect(await stored(store, partition, 'athlete_profile', NOW_MS + 60_000)).toBeUndefined();
      expect(await stored(store, partition, 'athlete_profile', NOW_MS + 3_600_000)).toBeUndefined();
    });

    it('isolates partitions', async () => {
      const other = `${partition}-other`;
      await store.set(partition, 'stats', { owner: 'a' }, w(60, NOW_MS));
      await store.set(other, 'stats', { owner: 'b' }, w(60, NOW_MS));
      expect(await stored(store, partition, 'stats', NOW_MS)).toEqual({ owner: 'a' });
      expect(await stored(store, other, 'stats', NOW_MS)).toEqual({ owner: 'b' });
      expect(await store.invalidate(partition)).toBe(1);
      expect(await stored(store, other, 'stats', NOW_MS)).toEqual({ owner: 'b' });
    });

    it('invalidates by key prefix only', async () => {
      await store.set(partition, 'activity_list:page:1:per_page:50', [1], w(60, NOW_MS));
      await store.set(partition, 'activity_list:page:2:per_page:50', [2], w(60, NOW_MS));
      await store.set(partition, 'activity:123', { id: 123 }, w(60, NOW_MS));
      await store.set(partition, 'stats', {}, w(60, NOW_MS));

      expect(await store.invalidate(partition, 'activity_list:')).toBe(2);
      expect(await stored(store, partition, 'activity_list:page:1:per_page:50', NOW_MS)).toBeUndefined();
      expect(await stored(store, partition, 'activity_list:page:2:per_page:50', NOW_MS)).toBeUndefined();
      expect(await stored(store, partition, 'activity:123', NOW_MS)).toEqual({ id: 123 });
      expect(await stored(store, partition, 'stats', NOW_MS)).toEqual({});
      expect(await store.invalidate(partition, 'activity_list:')).toBe(0);
    });

    it('invalidates at most `limit` entries per call (erasure pages through a partition)', async () => {
      for (let i = 0; i < 7; i++) await store.set(partition, `k${i}`, i, w(60, NOW_MS));
      expect(await store.invalidate(partition, undefined, 3)).toBe(3);
      expect(await store.invalidate(partition, undefined, 3)).toBe(3);
      expect(await store.invalidate(partition, undefined, 3)).toBe(1);
      expect(await store.invalidate(partition, undefined, 3)).toBe(0);
    });

    it('invalidates a whole partition', async () => {
      await store.set(partition, 'a', 1, w(60, NOW_MS));
      await store.set(partition, 'b', 2, w(60, NOW_MS));
      expect(await store.invalidate(partition)).toBe(2);
      expect(await stored(store, partition, 'a', NOW_MS)).toBeUndefined();
      expect(await stored(store, partition, 'b', NOW_MS)).toBeUndefined();
      expect(await store.invalidate(partition)).toBe(0);
    });

    it('invalidating an unknown partition deletes nothing', async () => {
      expect(await store.invalidate(`${partition}-none`)).toBe(0);
      expect(await store.invalidate(`${partition}-none`, 'x')).toBe(0);
    });

    it('keeps an expired entry readable as stale through the grace period, with its times', async () => {
      await store.set(partition, 'stats', { v: 1 }, w(60, NOW_MS, { staleSecs: 100 }));
      expect((await store.get(partition, 'stats', NOW_MS + 1_000)).entry).toEqual({ value: { v: 1 }, storedAtMs: NOW_MS, expiresAtMs: NOW_MS + 60_000 });
      const stale = (await store.get(partition, 'stats', NOW_MS + 159_999)).entry;
      expect(stale?.value).toEqual({ v: 1 });
      expect(stale!.expiresAtMs).toBeLessThan(NOW_MS + 159_999);
      expect((await store.get(partition, 'stats', NOW_MS + 160_000)).entry).toBeUndefined();
    });

    it('grants a fill lease to one holder at a time until it runs out', async () => {
      const lease = (holder: string, nowMs: number) => ({ holder, untilMs: nowMs + 5_000, nowMs });
      expect(await store.acquireLease(partition, 'stats', lease('a', NOW_MS))).toBe(true);
      expect(await store.acquireLease(partition, 'stats', lease('b', NOW_MS + 1_000))).toBe(false);
      expect((await store.get(partition, 'stats', NOW_MS + 1_000)).lease).toEqual({ holder: 'a', untilMs: NOW_MS + 5_000 });
      expect((await store.get(partition, 'stats', NOW_MS + 1_000)).entry).toBeUndefined();
      // The holder died: once the lease runs out, another container takes it.
      expect((await store.get(partition, 'stats', NOW_MS + 5_000)).lease).toBeUndefined();
      expect(await store.acquireLease(partition, 'stats', lease('b', NOW_MS + 5_000))).toBe(true);
      expect(await store.set(partition, 'stats', { by: 'a' }, w(60, NOW_MS + 5_001, { leaseHolder: 'a' }))).toBe('lease_lost');
      expect(await store.set(partition, 'stats', { by: 'b' }, w(60, NOW_MS + 5_001, { leaseHolder: 'b' }))).toBe('stored');
      const after = await store.get(partition, 'stats', NOW_MS + 5_002);
      expect(after.entry?.value).toEqual({ by: 'b' });
      expect(after.lease).toBeUndefined();
    });

    it('refuses a lease while a fresh entry exists (a fill finished meanwhile)', async () => {
      await store.set(partition, 'stats', { v: 1 }, w(60, NOW_MS));
      expect(await store.acquireLease(partition, 'stats', { holder: 'a', untilMs: NOW_MS + 5_000, nowMs: NOW_MS + 1_000 })).toBe(false);
      expect(await store.acquireLease(partition, 'stats', { holder: 'a', untilMs: NOW_MS + 65_000, nowMs: NOW_MS + 60_000 })).toBe(true);
    });

    it('keeps the entry while a lease is taken, and a forced lease overrides a live one', async () => {
      await store.set(partition, 'stats', { v: 1 }, w(60, NOW_MS, { staleSecs: 60 }));
      expect(await store.acquireLease(partition, 'stats', { holder: 'a', untilMs: NOW_MS + 65_000, nowMs: NOW_MS + 60_000 })).toBe(true);
      expect(await store.acquireLease(partition, 'stats', { holder: 'b', untilMs: NOW_MS + 65_000, nowMs: NOW_MS + 60_000, force: true })).toBe(true);
      const read = await store.get(partition, 'stats', NOW_MS + 60_000);
      expect(read.entry?.value).toEqual({ v: 1 });
      expect(read.lease?.holder).toBe('b');
    });

    it('shows a live lease on an item whose entry is past its grace period', async () => {
      await store.set(partition, 'stats', { v: 1 }, w(1, NOW_MS));
      expect(await store.acquireLease(partition, 'stats', { holder: 'a', untilMs: NOW_MS + 10_000, nowMs: NOW_MS + 2_000 })).toBe(true);
      const read = await store.get(partition, 'stats', NOW_MS + 5_000);
      expect(read.entry).toBeUndefined();
      expect(read.lease?.holder).toBe('a');
      expect(await store.acquireLease(partition, 'stats', { holder: 'b', untilMs: NOW_MS + 10_000, nowMs: NOW_MS + 5_000 })).toBe(false);
    });

    it('releases a lease only for its holder', async () => {
      await store.acquireLease(partition, 'stats', { holder: 'a', untilMs: NOW_MS + 5_000, nowMs: NOW_MS });
      await store.releaseLease(partition, 'stats', 'b');
      expect((await store.get(partition, 'stats', NOW_MS)).lease?.holder).toBe('a');
      await store.releaseLease(partition, 'stats', 'a');
      expect((await store.get(partition, 'stats', NOW_MS)).lease).toBeUndefined();
      expect(await store.acquireLease(partition, 'stats', { holder: 'b', untilMs: NOW_MS + 5_000, nowMs: NOW_MS })).toBe(true);
    });

    it('drops a fill whose lease was invalidated meanwhile (a webhook or disconnect won)', async () => {
      await store.acquireLease(partition, 'activity_list:30:0::', { holder: 'a', untilMs: NOW_MS + 5_000, nowMs: NOW_MS });
      expect(await store.invalidate(partition)).toBe(1);
      expect(await store.set(partition, 'activity_list:30:0::', ['old'], w(60, NOW_MS, { leaseHolder: 'a' }))).toBe('lease_lost');
      expect(await stored(store, partition, 'activity_list:30:0::', NOW_MS)).toBeUndefined();
    });

    it('marks fresh entries under the prefixes stale: same value and stale grace, no longer fresh, still readable', async () => {
      const stale = (ttlSecs: number, nowMs: number) => w(ttlSecs, nowMs, { staleSecs: 3_600 });
      await store.set(partition, 'activity_list:30:0', ['a'], stale(900, NOW_MS));
      await store.set(partition, 'activity:1', { id: 1 }, stale(900, NOW_MS));
      await store.set(partition, 'sleep:2026', ['s'], stale(900, NOW_MS));
      await store.set(partition, 'activity:old', { id: 0 }, stale(60, NOW_MS - 120_000));
      const at = NOW_MS + 1_000;
      expect(await store.markStale(partition, ['activity_list', 'activity:'], at)).toBe(2);
      const list = (await store.get(partition, 'activity_list:30:0', at)).entry!;
      expect(list).toEqual({ value: ['a'], storedAtMs: NOW_MS, expiresAtMs: at });
      // Still answers as stale until the end of its original grace period, gone after it.
      expect(await stored(store, partition, 'activity:1', NOW_MS + 900_000 + 3_599_000)).toEqual({ id: 1 });
      expect(await stored(store, partition, 'activity:1', NOW_MS + 900_000 + 3_600_000)).toBeUndefined();
      // Already stale entries keep their times; other prefixes are untouched.
      expect((await store.get(partition, 'activity:old', at)).entry!.expiresAtMs).toBe(NOW_MS - 60_000);
      expect((await store.get(partition, 'sleep:2026', at)).entry!.expiresAtMs).toBe(NOW_MS + 900_000);
      // A fill may start again at once (the lease's condition is "no fresh entry").
      expect(await store.acquireLease(partition, 'activity_list:30:0', { holder: 'h', untilMs: at + 5_000, nowMs: at })).toBe(true);
      // Repeating it changes nothing more; a single prefix and a whole partition work too.
      expect(await store.markStale(partition, ['activity_list', 'activity:'], at + 1)).toBe(0);
      expect(await store.markStale(partition, 'sleep:', at)).toBe(1);
      expect(await store.markStale(`${partition}-other`, undefined, at)).toBe(0);
    });

    it('marks every fresh entry of a partition stale across batches (> 25)', async () => {
      for (let i = 0; i < 30; i++) await store.set(partition, `activity:${i}`, { i }, w(60, NOW_MS, { staleSecs: 60 }));
      expect(await store.markStale(partition, undefined, NOW_MS + 1)).toBe(30);
      for (const i of [0, 29]) {
        const read = await store.get(partition, `activity:${i}`, NOW_MS + 2);
        expect(read.entry).toMatchObject({ value: { i }, expiresAtMs: NOW_MS + 1 });
      }
    });

    it('invalidates several key prefixes at once', async () => {
      for (const key of ['athlete_profile', 'activity_list:1', 'activity:9', 'stats', 'sleep:a']) await store.set(partition, key, 1, w(60, NOW_MS));
      expect(await store.invalidate(partition, ['activity_list', 'activity:', 'stats'])).toBe(3);
      expect(await stored(store, partition, 'athlete_profile', NOW_MS)).toBe(1);
      expect(await stored(store, partition, 'sleep:a', NOW_MS)).toBe(1);
      expect(await stored(store, partition, 'stats', NOW_MS)).toBeUndefined();
      expect(await store.invalidate(partition, [])).toBe(0);
    });

    it('invalidates more than one batch of entries (> 25)', async () => {
      const keys = Array.from({ length: 60 }, (_, i) => `activity:${String(i).padStart(3, '0')}`);
      await Promise.all(keys.map((k, i) => store.set(partition, k, { i }, w(60, NOW_MS))));
      await store.set(partition, 'stats', { keep: true }, w(60, NOW_MS));

      expect(await store.invalidate(partition, 'activity:')).toBe(60);
      for (const k of [keys[0]!, keys[25]!, keys[59]!]) expect(await stored(store, partition, k, NOW_MS)).toBeUndefined();
      expect(await stored(store, partition, 'stats', NOW_MS)).toEqual({ keep: true });
      expect(await store.invalidate(partition)).toBe(1);
    });
  });
}

cacheStoreContract('memory', () => new MemoryCacheStore());
cacheStoreContract(
  'file (npm start)',
  keptInFolder(() => new MemoryCacheStore()),
);

let moto: MotoTables;
describe('DynamoDB (moto)', () => {
  beforeAll(async () => {
    moto = await createMotoTables();
  });
  afterAll(() => moto?.client.destroy());

  cacheStoreContract('dynamodb', () => new DynamoCacheStore(moto.doc, moto.tables.cache));

  it('stores the TTL attribute (end of the grace period) in epoch seconds and the exact expiry in ms', async () => {
    const store = new DynamoCacheStore(moto.doc, moto.tables.cache);
    await store.set('p', 'k', { a: 1 }, w(90, NOW_MS + 500, { staleSecs: 10 }));
    const { Item } = await moto.client.send(new GetItemCommand({ TableName: moto.tables.cache, Key: { pk: { S: 'p' }, sk: { S: 'k' } } }));
    expect(Item?.expiresAtMs?.N).toBe(String(NOW_MS + 90_500));
    expect(Item?.keepUntilMs?.N).toBe(String(NOW_MS + 100_500));
    expect(Item?.ttl?.N).toBe(String(Math.ceil((NOW_MS + 100_500) / 1000)));
    expect(Item?.value?.S).toBe('{"a":1}');
  });

  it('compresses values near the item limit and refuses ones that still do not fit', async () => {
    const store = new DynamoCacheStore(moto.doc, moto.tables.cache);
    const partition = `gz-${randomUUID()}`;
    // ~600 KB of JSON that compresses well: above the 400 KB item limit unless compressed.
    const big = Array.from({ length: 8_000 }, (_, i) => ({ id: i, name: `Morning run ${i % 7}`, distance_meters: 5_000 + (i % 13) }));
    expect(JSON.stringify(big).length).toBeGreaterThan(400_000);
    expect(await store.set(partition, 'activity_list:big', big, w(60, NOW_MS))).toBe('stored');
    const { Item } = await moto.client.send(
      new GetItemCommand({ TableName: moto.tables.cache, Key: { pk: { S: partition }, sk: { S: 'activity_list:big' } } }),
    );
    expect(Item?.gz?.B).toBeDefined();
    expect(Item?.value).toBeUndefined();
    expect(await stored(store, partition, 'activity_list:big', NOW_MS)).toEqual(big);

    // Random text does not compress: it cannot be cached, and nothing is written.
    const noise = randomBytes(450_000).toString('base64');
    expect(await store.set(partition, 'activity:noise', noise, w(60, NOW_MS))).toBe('too_large');
    expect((await store.get(partition, 'activity:noise', NOW_MS)).entry).toBeUndefined();
  });

  it('reads an unreadable item as a miss, never an error', async () => {
    const store = new DynamoCacheStore(moto.doc, moto.tables.cache);
    const partition = `bad-${randomUUID()}`;
    const keep = { N: String(NOW_MS + 60_000) };
    const items = {
      json: { value: { S: '{"truncated":' }, storedAtMs: { N: String(NOW_MS) }, expiresAtMs: keep, keepUntilMs: keep },
      gzip: { gz: { B: Buffer.from('not gzip') }, storedAtMs: { N: String(NOW_MS) }, expiresAtMs: keep, keepUntilMs: keep },
      times: { value: { S: '1' }, storedAtMs: { S: 'yesterday' }, expiresAtMs: keep, keepUntilMs: keep },
      legacy: { value: { S: '1' }, expiresAtMs: keep },
    };
    for (const [sk, item] of Object.entries(items)) {
      await moto.client.send(new PutItemCommand({ TableName: moto.tables.cache, Item: { pk: { S: partition }, sk: { S: sk }, ...item } }));
      expect((await store.get(partition, sk, NOW_MS)).entry).toBeUndefined();
    }
  });

  it('invalidates across query pages (large items)', async () => {
    const store = new DynamoCacheStore(moto.doc, moto.tables.cache);
    const partition = `big-${randomUUID()}`;
    // ~100 KB each: a Query page stops at 1 MB, so 30 of them need several pages.
    const big = 'x'.repeat(100_000);
    for (let i = 0; i < 30; i++) await store.set(partition, `k${i}`, big, w(60, NOW_MS));
    expect(await store.invalidate(partition)).toBe(30);
    expect(await stored(store, partition, 'k0', NOW_MS)).toBeUndefined();
  });
});
