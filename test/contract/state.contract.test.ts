import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoStateStore } from '../../shared/store/dynamodb/state';
import { MemoryStateStore } from '../../shared/store/memory/state';
import type { StateStore } from '../../shared/store/ports';
import { createMotoTables, type MotoTables } from './dynamo';

const NOW = 1_750_000_000_000;

function stateStoreContract(name: string, makeStore: () => StateStore) {
  describe(`StateStore contract: ${name}`, () => {
    let store: StateStore;
    let pk: string;
    beforeEach(() => {
      store = makeStore();
      pk = `test#${randomUUID()}`;
    });

    it('reads nothing for an absent item, then what update wrote; null removes a field', async () => {
      expect(await store.get(pk, 'a', NOW)).toBeUndefined();
      expect(await store.update(pk, 'a', { status: 'scheduled', n: 1, ok: true })).toEqual({ status: 'scheduled', n: 1, ok: true });
      expect(await store.update(pk, 'a', { n: null, extra: 'x' })).toEqual({ status: 'scheduled', ok: true, extra: 'x' });
      expect(await store.get(pk, 'a', NOW)).toEqual({ status: 'scheduled', ok: true, extra: 'x' });
    });

    it('applies a conditional update only when one of its conditions holds', async () => {
      expect(await store.update(pk, 'job', { status: 'running' }, { ifAny: [{ field: 'status', op: 'missing' }] })).toBeDefined();
      expect(await store.update(pk, 'job', { status: 'running' }, { ifAny: [{ field: 'status', op: 'missing' }] })).toBeUndefined();
      expect(await store.update(pk, 'job', { status: 'done' }, { ifAny: [{ field: 'status', op: 'eq', value: 'scheduled' }] })).toBeUndefined();
      await store.update(pk, 'job', { until: 100 });
      const taken = await store.update(pk, 'job', { status: 'done' }, {
        ifAny: [
          { field: 'status', op: 'eq', value: 'scheduled' },
          { field: 'until', op: 'lt', value: 101 },
        ],
      });
      expect(taken?.['status']).toBe('done');
    });

    it('adds atomically under a bound: 20 racing increments under "n < 10" leave exactly 10', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          store.add(pk, 'counter', 'n', 1, { ifAny: [{ field: 'n', op: 'missing' }, { field: 'n', op: 'lt', value: 10 }] }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(10);
      expect((await store.get(pk, 'counter', NOW))?.['n']).toBe(10);
      expect((await store.add(pk, 'counter', 'n', -3))?.['n']).toBe(7);
    });

    it('hides an item once its expiry has passed, on get and on list', async () => {
      await store.update(pk, 'short', { v: 1 }, { expiresAtSecs: NOW / 1000 + 60 });
      await store.update(pk, 'long', { v: 2 }, { expiresAtSecs: NOW / 1000 + 3600 });
      expect(await store.get(pk, 'short', NOW)).toEqual({ v: 1 });
      expect(await store.get(pk, 'short', NOW + 61_000)).toBeUndefined();
      expect([...(await store.list(pk, NOW + 61_000)).keys()]).toEqual(['long']);
      expect([...(await store.list(pk, NOW)).keys()].sort()).toEqual(['long', 'short']);
    });

    it('deletes only when the condition holds', async () => {
      await store.update(pk, 'lock', { holder: 'a' });
      expect(await store.delete(pk, 'lock', { ifAny: [{ field: 'holder', op: 'eq', value: 'b' }] })).toBe(false);
      expect(await store.delete(pk, 'lock', { ifAny: [{ field: 'holder', op: 'eq', value: 'a' }] })).toBe(true);
      expect(await store.get(pk, 'lock', NOW)).toBeUndefined();
    });

    it('keeps partitions apart', async () => {
      await store.update(pk, 'x', { v: 1 });
      expect(await store.get(`${pk}-other`, 'x', NOW)).toBeUndefined();
      expect((await store.list(`${pk}-other`, NOW)).size).toBe(0);
    });
  });
}

stateStoreContract('memory', () => new MemoryStateStore());

let moto: MotoTables;
beforeAll(async () => {
  moto = await createMotoTables();
});
afterAll(() => moto?.client.destroy());
stateStoreContract('DynamoDB (moto)', () => new DynamoStateStore(moto.doc, moto.tables.cache));
