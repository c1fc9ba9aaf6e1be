import { describe, expect, it } from 'vitest';
import * as z from '../../shared/zod';
import { jsonIn, recordCodec } from '../../shared/store/records';
import { countIn, GATE_ITEM, windowsIn } from '../../shared/resilience/gate-items';
import { circuitStateOf } from '../../shared/resilience/circuit';
import { MemoryStateStore } from '../../shared/store/memory/state';
import { acquireLease, LEASE, releaseLease } from '../../shared/resilience/lease';

describe('typed state records', () => {
  const codec = recordCodec({ count: z.number(), name: z.string(), mode: z.enum(['a', 'b']) });

  it('reads each declared field by its schema, dropping one of another type and keeping the rest', () => {
    expect(codec.decode({ count: 3, name: 'x', mode: 'b', other: 1 })).toEqual({ count: 3, name: 'x', mode: 'b' });
    expect(codec.decode({ count: '3', name: 'x', mode: 'c' })).toEqual({ name: 'x' });
    expect(codec.decode(undefined)).toEqual({});
  });

  it('writes only the fields given, null removing one', () => {
    expect(codec.encode({ count: 1, name: null, mode: undefined })).toEqual({ count: 1, name: null });
  });

  it('reads JSON kept in a field leniently', () => {
    expect(jsonIn('{"a":1}', z.object({ a: z.number() }))).toEqual({ a: 1 });
    expect(jsonIn('{"a":"1"}', z.object({ a: z.number() }))).toBeUndefined();
    expect(jsonIn('{', z.object({ a: z.number() }))).toBeUndefined();
    expect(jsonIn(undefined, z.object({ a: z.number() }))).toBeUndefined();
  });

  it('reads a gate item: its windows, counts and circuit, whatever else it holds', () => {
    const item = { windows: JSON.stringify({ short: { limit: 100, resetsAt: 60 } }), 'c:abc': 7, reports: 'user', failures: 2, openedAtMs: 1_000 };
    expect(windowsIn(item)).toEqual({ short: { limit: 100, resetsAt: 60 } });
    expect(countIn(item, 'c:abc')).toBe(7);
    expect(countIn(item, 'c:def')).toBeUndefined();
    expect(GATE_ITEM.decode(item).reports).toBe('user');
    expect(windowsIn({ windows: 'not json' })).toEqual({});
    expect(windowsIn({ windows: JSON.stringify({ short: { limit: 'many' } }) })).toEqual({});
    const settings = { failureThreshold: 2, openSecs: 30 };
    expect(circuitStateOf(item, settings, 2_000)).toEqual({ status: 'open', consecutiveFailures: 2, openedAtMs: 1_000 });
    expect(circuitStateOf({ failures: '9', openedAtMs: 1_000 }, settings, 2_000)).toEqual({ status: 'closed', consecutiveFailures: 0 });
  });

  it('a lease is held by one holder until it runs out, and stored as its record', async () => {
    const store = new MemoryStateStore();
    expect(await acquireLease(store, 'pk', 'sk', { holder: 'a', untilMs: 2_000, nowMs: 1_000 })).toBe(true);
    expect(await acquireLease(store, 'pk', 'sk', { holder: 'b', untilMs: 2_500, nowMs: 1_500 })).toBe(false);
    expect(LEASE.decode(await store.get('pk', 'sk', 1_500))).toEqual({ holder: 'a', leaseUntilMs: 2_000 });
    expect(await acquireLease(store, 'pk', 'sk', { holder: 'b', untilMs: 3_000, nowMs: 2_001 })).toBe(true);
    await releaseLease(store, 'pk', 'sk', 'a');
    expect(LEASE.decode(await store.get('pk', 'sk', 2_001)).holder).toBe('b');
    await releaseLease(store, 'pk', 'sk', 'b');
    expect(await store.get('pk', 'sk', 2_001)).toBeUndefined();
  });
});
