import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { covers } from '../../shared/store/coverage';
import { DynamoRecordStore } from '../../shared/store/dynamodb/records';
import { MemoryRecordStore } from '../../shared/store/memory/records';
import type { NormalizedRecord, RecordScope, RecordStore } from '../../shared/store/ports';
import { createMotoTables, type MotoTables } from './dynamo';

const day = (n: number) => new Date(Date.UTC(2026, 10, n)).toISOString();
const rec = (id: string, at: string, version = 1, value: unknown = { id, at }): NormalizedRecord => ({ id, at, version, value });

function recordStoreContract(name: string, makeStore: () => RecordStore) {
  describe(`RecordStore contract: ${name}`, () => {
    let store: RecordStore;
    let scope: RecordScope;
    beforeEach(() => {
      store = makeStore();
      scope = { tenantId: `t-${randomUUID()}`, userId: 'u:1#x', provider: 'garmin', resource: 'activities' };
    });

    it('creates, then answers a time range in order, from included, to excluded', async () => {
      const outcomes = await store.put(scope, [rec('a', day(1)), rec('b', day(2)), rec('c', day(3)), rec('d', day(4))]);
      expect(outcomes).toEqual(['a', 'b', 'c', 'd'].map((id) => ({ id, outcome: 'created' })));
      const newest = await store.query(scope, { from: day(2), to: day(4), order: 'newest_first' });
      expect(newest.map((r) => r.id)).toEqual(['c', 'b']);
      const oldest = await store.query(scope, { order: 'oldest_first' });
      expect(oldest.map((r) => r.id)).toEqual(['a', 'b', 'c', 'd']);
      expect(oldest[0]).toEqual({ id: 'a', at: day(1), version: 1, value: { id: 'a', at: day(1) } });
    });

    it('limits, counting from the end it starts at', async () => {
      await store.put(
        scope,
        [1, 2, 3, 4, 5].map((n) => rec(`r${n}`, day(n))),
      );
      expect((await store.query(scope, { order: 'newest_first', limit: 2 })).map((r) => r.id)).toEqual(['r5', 'r4']);
      expect((await store.query(scope, { order: 'oldest_first', limit: 2, from: day(2) })).map((r) => r.id)).toEqual(['r2', 'r3']);
    });

    it('replaces by id only with a newer version, moving it when its instant changed', async () => {
      await store.put(scope, [rec('a', day(1), 5, { v: 'first' })]);
      expect(await store.put(scope, [rec('a', day(1), 5, { v: 'same version' })])).toEqual([{ id: 'a', outcome: 'unchanged' }]);
      expect(await store.put(scope, [rec('a', day(1), 4, { v: 'older' })])).toEqual([{ id: 'a', outcome: 'unchanged' }]);
      expect(await store.put(scope, [rec('a', day(3), 6, { v: 'moved' })])).toEqual([{ id: 'a', outcome: 'updated' }]);
      const all = await store.query(scope, { order: 'oldest_first' });
      expect(all).toEqual([{ id: 'a', at: day(3), version: 6, value: { v: 'moved' } }]);
      expect(await store.query(scope, { to: day(2), order: 'oldest_first' })).toEqual([]);
    });

    it('deletes by id and tells which were stored', async () => {
      await store.put(scope, [rec('a', day(1)), rec('b', day(2))]);
      expect(await store.delete(scope, ['a', 'zz'])).toEqual(['a']);
      expect(await store.get(scope, 'a')).toBeUndefined();
      expect((await store.get(scope, 'b'))?.id).toBe('b');
      expect((await store.query(scope, { order: 'oldest_first' })).map((r) => r.id)).toEqual(['b']);
    });

    it('keeps scopes apart: another user, provider or resource sees nothing', async () => {
      await store.put(scope, [rec('a', day(1))]);
      for (const other of [{ userId: 'u:1' }, { provider: 'coros' }, { resource: 'sleep' as const }, { tenantId: `${scope.tenantId}x` }]) {
        expect(await store.query({ ...scope, ...other }, { order: 'oldest_first' })).toEqual([]);
      }
    });

    it('keeps ids with key characters distinct', async () => {
      const ids = ['a#b', 'a', 'a%23b', 'a b/c'];
      await store.put(
        scope,
        ids.map((id) => rec(id, day(1))),
      );
      expect((await store.query(scope, { order: 'oldest_first' })).map((r) => r.id).sort()).toEqual([...ids].sort());
    });

    it('stores a large record compressed and refuses one that cannot fit', async () => {
      const polyline = 'abcdefghij'.repeat(30_000); // 300 KB of text: compresses well
      expect(await store.put(scope, [rec('big', day(1), 1, { polyline })])).toEqual([{ id: 'big', outcome: 'created' }]);
      expect((await store.get(scope, 'big'))?.value).toEqual({ polyline });
      const noise = Array.from({ length: 60_000 }, () => Math.random().toString(36).slice(2)).join(''); // ~600 KB, incompressible enough
      const [outcome] = await store.put(scope, [rec('noise', day(2), 1, { noise })]);
      expect(outcome?.outcome).toBe('too_large');
    });

    it('merges coverage and answers whether a range is held', async () => {
      expect(await store.coverage(scope)).toEqual([]);
      await store.addCoverage(scope, { from: day(1), to: day(5) });
      await store.addCoverage(scope, { from: day(10), to: day(12) });
      const merged = await store.addCoverage(scope, { from: day(4), to: day(10) });
      expect(merged).toEqual([{ from: day(1), to: day(12) }]);
      await store.addCoverage(scope, { from: day(11) });
      const coverage = await store.coverage(scope);
      expect(coverage).toEqual([{ from: day(1) }]);
      const now = Date.parse(day(20));
      expect(covers(coverage, { from: day(2), to: day(30) }, now)).toBe(true);
      expect(covers(coverage, { from: '2026-10-31T00:00:00.000Z', to: day(3) }, now)).toBe(false);
      expect(covers(coverage, { to: day(3) }, now)).toBe(false);
      expect(covers(await store.coverage({ ...scope, resource: 'sleep' }), { from: day(2), to: day(3) }, now)).toBe(false);
    });

    it('forgets a user at a provider: every resource and its coverage', async () => {
      await store.put(scope, [rec('a', day(1)), rec('b', day(2))]);
      await store.put({ ...scope, resource: 'sleep' }, [rec('s', day(1))]);
      await store.addCoverage(scope, { from: day(1) });
      await store.put({ ...scope, provider: 'coros' }, [rec('kept', day(1))]);
      expect(await store.deleteAll(scope)).toBe(3);
      expect(await store.query(scope, { order: 'oldest_first' })).toEqual([]);
      expect(await store.coverage(scope)).toEqual([]);
      expect((await store.query({ ...scope, provider: 'coros' }, { order: 'oldest_first' })).map((r) => r.id)).toEqual(['kept']);
    });
  });
}

recordStoreContract('memory', () => new MemoryRecordStore());

describe('DynamoDB', () => {
  let moto: MotoTables;
  beforeAll(async () => {
    moto = await createMotoTables();
  });
  afterAll(() => moto?.client.destroy());
  recordStoreContract('dynamodb', () => new DynamoRecordStore(moto.doc, moto.tables.connections));
});
