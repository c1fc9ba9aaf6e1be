import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoStateStore } from '../../shared/store/dynamodb/state';
import { MemoryStateStore } from '../../shared/store/memory/state';
import type { StateStore } from '../../shared/store/ports';
import { createMotoTables, type MotoTables } from './dynamo';
import { keptInFolder } from './state-folder';

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
      const taken = await store.update(
        pk,
        'job',
        { status: 'done' },
        {
          ifAny: [
            { field: 'status', op: 'eq', value: 'scheduled' },
            { field: 'until', op: 'lt', value: 101 },
          ],
        },
      );
      expect(taken?.['status']).toBe('done');
    });

    it('adds atomically under a bound: 20 racing increments under "n < 10" leave exactly 10', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          store.add(pk, 'counter', 'n', 1, {
            ifAny: [
              { field: 'n', op: 'missing' },
              { field: 'n', op: 'lt', value: 10 },
            ],
          }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(10);
      expect((await store.get(pk, 'counter', NOW))?.['n']).toBe(10);
      expect((await store.add(pk, 'counter', 'n', -3))?.['n']).toBe(7);
    });

    it('adds to several fields in one write only when every condition group holds, and tells what stood in the way', async () => {
      const bounded = (field: string, max: number) => [
        { field, op: 'missing' as const },
        { field, op: 'lt' as const, value: max },
      ];
      const first = await store.addAll(pk, 'w', { add: { a: 1, b: 2 }, ifAll: [bounded('a', 2), bounded('b', 3)], expiresAtSecs: NOW / 1000 + 60 });
      expect(first).toEqual({ added: true, values: { a: 1, b: 2 } });
      await store.update(pk, 'w', { note: 'kept' });
      // b is 2, under 3: holds; a is 1, under 2: holds.
      expect(await store.addAll(pk, 'w', { add: { a: 1, b: 1 }, ifAll: [bounded('a', 2), bounded('b', 3)] })).toEqual({ added: true, values: { a: 2, b: 3 } });
      // a is now 2: the first group fails, so nothing is written, and the item comes back as it stood.
      const refused = await store.addAll(pk, 'w', { add: { a: 1, b: 1 }, ifAll: [bounded('a', 2), [{ field: 'b', op: 'lt', value: 100 }]] });
      expect(refused).toEqual({ added: false, item: { a: 2, b: 3, note: 'kept' } });
      expect(await store.get(pk, 'w', NOW)).toEqual({ a: 2, b: 3, note: 'kept' });
      // One group of several conditions holds when any of them does.
      expect(
        (
          await store.addAll(pk, 'w', {
            add: { a: 1 },
            ifAll: [
              [
                { field: 'a', op: 'lt', value: 1 },
                { field: 'note', op: 'eq', value: 'kept' },
              ],
            ],
          })
        ).added,
      ).toBe(true);
      expect(await store.addAll(pk, 'absent', { add: { a: 1 }, ifAll: [[{ field: 'x', op: 'eq', value: 'y' }]] })).toEqual({ added: false, item: undefined });
      expect(await store.get(pk, 'absent', NOW)).toBeUndefined();
      expect(await store.get(pk, 'w', NOW + 61_000)).toBeUndefined();
    });

    it('adds atomically under every bound: 12 racing two-field additions under "a < 10 and b < 5" leave exactly 5 of each', async () => {
      const results = await Promise.all(
        Array.from({ length: 12 }, () =>
          store.addAll(pk, 'pair', {
            add: { a: 1, b: 1 },
            ifAll: [
              [
                { field: 'a', op: 'missing' },
                { field: 'a', op: 'lt', value: 10 },
              ],
              [
                { field: 'b', op: 'missing' },
                { field: 'b', op: 'lt', value: 5 },
              ],
            ],
          }),
        ),
      );
      expect(results.filter((r) => r.added)).toHaveLength(5);
      expect(await store.get(pk, 'pair', NOW)).toEqual({ a: 5, b: 5 });
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
stateStoreContract(
  'file (npm start)',
  keptInFolder(() => new MemoryStateStore()),
);

let moto: MotoTables;
beforeAll(async () => {
  moto = await createMotoTables();
});
afterAll(() => moto?.client.destroy());
stateStoreContract('DynamoDB (moto)', () => new DynamoStateStore(moto.doc, moto.tables.cache));
