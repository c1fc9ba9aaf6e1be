/**
 * History backfill's share of an app-wide window: its calls (a request context with
 * `windowShare`) are counted apart and refused once they have spent their share, across two
 * containers over one store, while live reads still get the rest of the window.
 */
import { describe, expect, it } from 'vitest';
import { withinRequest } from '../../../shared/context/request';
import { newCallContext } from '../../../shared/resilience/context';
import { RateLimitGate } from '../../../shared/resilience/gate';
import { GateItems } from '../../../shared/resilience/gate-items';
import { DEFAULT_RESILIENCE } from '../../../shared/resilience/settings';
import { MemoryStateStore } from '../../../shared/store/memory/state';

const NOW = Date.UTC(2026, 11, 7, 12, 0, 10);
const RESETS_AT = Date.UTC(2026, 11, 7, 12, 15, 0) / 1000;

function gates() {
  const store = new MemoryStateStore();
  const gate = () =>
    new RateLimitGate(
      store,
      new GateItems(store, () => NOW),
      () => DEFAULT_RESILIENCE,
      () => NOW,
      async () => undefined,
    );
  return { a: gate(), b: gate() };
}

const call = (userId: string) => newCallContext({ provider: 'p', tenantId: 't', userId });
const background = <T>(work: () => Promise<T>) => withinRequest({ windowShare: 25 }, work);

async function admitted(gate: RateLimitGate, userId: string, times: number, asBackfill: boolean): Promise<number> {
  let n = 0;
  for (let i = 0; i < times; i++) {
    const admit = () => gate.admit(call(userId));
    await (asBackfill ? background(admit) : admit()).then(
      () => n++,
      () => undefined,
    );
  }
  return n;
}

describe('the backfill share of a window', () => {
  it('admits backfill calls up to its share across containers, refuses the next until the reset, and live reads get the rest', async () => {
    const { a, b } = gates();
    const probe = call('u0');
    await a.admit(probe);
    await a.observe(probe, {
      provider: 'p',
      scope: 'app',
      windows: [{ name: 'quarter', limit: 40, remaining: 40, resets_at: RESETS_AT }],
      observed_at: NOW / 1000,
    });
    await a.finish(probe);
    // 25 % of 40: ten backfill calls, whichever container makes them.
    expect((await admitted(a, 'history-1', 8, true)) + (await admitted(b, 'history-2', 8, true))).toBe(10);
    await expect(background(() => a.admit(call('history-3')))).rejects.toMatchObject({
      kind: 'rate_limited',
      retryAfterSecs: RESETS_AT - NOW / 1000,
      message: expect.stringContaining('share for history is used up'),
    });
    // Live reads of many users still find the other 30.
    let live = 0;
    for (let u = 0; u < 30; u++) live += await admitted(u % 2 ? a : b, `live-${u}`, 1, false);
    expect(live).toBe(30);
  });
});
