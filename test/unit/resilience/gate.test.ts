/**
 * The gate's decisions with two "containers" (two gates, each with its own memory) over one
 * store: what one container remembers never lets it spend past what the stored item says.
 */
import { describe, expect, it } from 'vitest';
import { GateItems } from '../../../shared/resilience/gate-items';
import { RateLimitGate } from '../../../shared/resilience/gate';
import { newCallContext } from '../../../shared/resilience/context';
import { DEFAULT_RESILIENCE } from '../../../shared/resilience/settings';
import { MemoryStateStore } from '../../../shared/store/memory/state';
import type { RateLimitUsage } from '../../../shared/providers/rate-limit';

const NOW = Date.UTC(2026, 11, 7, 12, 0, 10);
const RESETS_AT = Date.UTC(2026, 11, 7, 12, 15, 0) / 1000;

function containers(now = () => NOW) {
  const store = new MemoryStateStore();
  const gate = () => {
    const items = new GateItems(store, now);
    return new RateLimitGate(
      store,
      items,
      () => DEFAULT_RESILIENCE,
      now,
      async () => undefined,
    );
  };
  return { store, a: gate(), b: gate() };
}

const usage = (limit: number, remaining: number, resetsAt = RESETS_AT): RateLimitUsage => ({
  provider: 'p',
  scope: 'app',
  windows: [{ name: 'minute', limit, remaining, resets_at: resetsAt }],
  observed_at: NOW / 1000,
});
const call = (userId: string) => newCallContext({ provider: 'p', tenantId: 't', userId });

async function admitted(gate: RateLimitGate, userId: string, times: number): Promise<number> {
  let n = 0;
  for (let i = 0; i < times; i++)
    await gate.admit(call(userId)).then(
      () => n++,
      () => undefined,
    );
  return n;
}

describe('the rate-limit gate across containers', () => {
  it('spends no more than the stored limit when another container learnt a lower one than it remembers', async () => {
    const { a, b } = containers();
    const first = call('u1');
    await a.admit(first); // probes: nothing known yet
    await a.observe(first, usage(100, 100));
    await a.finish(first);
    expect(await admitted(a, 'u1', 1)).toBe(1); // A now remembers a limit of 100

    // B learns from an answer that the window is only 3 (one already spent).
    const other = call('u2');
    await b.observe(other, usage(3, 2));
    // A still remembers 100; its reservation's condition sees the stored windows: 2 more make 3.
    expect(await admitted(a, 'u3', 5)).toBe(2);
  });

  it('writes nothing when refusing, and decides from the item its failed write returned', async () => {
    const { store, a, b } = containers();
    const first = call('u1');
    await a.admit(first);
    await a.observe(first, usage(2, 1));
    await a.finish(first);
    expect(await admitted(b, 'u2', 3)).toBe(1);
    const before = await store.get('gate#p', 'app', NOW);
    await expect(a.admit(call('u1'))).rejects.toMatchObject({ kind: 'rate_limited' });
    expect(await store.get('gate#p', 'app', NOW)).toEqual(before);
  });

  it('drops the counts of a window that rolled over when the next one is learnt, so the item does not grow', async () => {
    let clock = NOW;
    const { store, a } = containers(() => clock);
    const probe = call('u1');
    await a.admit(probe);
    await a.observe(probe, usage(100, 100));
    await a.finish(probe);
    expect(await admitted(a, 'u2', 1)).toBe(1);
    expect(await admitted(a, 'u3', 1)).toBe(1);
    const old = Object.keys((await store.get('gate#p', 'app', clock))!).filter((f) => /^[cu]:/.test(f));
    expect(old).toHaveLength(4); // the window's count and three users' counts

    clock = RESETS_AT * 1000 + 1_000;
    const next = call('u2');
    await a.admit(next); // the window turned: a probe
    await a.observe(next, usage(100, 99, RESETS_AT + 900));
    await a.finish(next);
    const fields = Object.keys((await store.get('gate#p', 'app', clock))!);
    expect(fields.filter((f) => old.includes(f))).toEqual([]);
    expect(fields.filter((f) => /^[cu]:/.test(f))).toHaveLength(2);
  });
});
