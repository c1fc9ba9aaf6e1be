import { describe, expect, it } from 'vitest';
import { CacheRequest, currentCacheRequest, withCacheRequest } from '../../shared/cache/policy';
import { currentRequest, DEADLINE_MARGIN_MS, newRequestContext, remainingBudgetMs, runRequest } from '../../shared/context/request';
import { currentCall, newCallContext, withCallContext } from '../../shared/resilience/context';
import { authenticated, json } from '../../shared/http/handler';

describe('request context', () => {
  it('carries the deadline, cache policy and caller an entry point opened, and narrows them inside', async () => {
    let now = 1_000;
    const caller = { tenantId: 't', userId: 'u' };
    const outer = new CacheRequest('bypass');
    await runRequest(newRequestContext({ remainingMs: 10_000, now: () => now, cache: outer, caller }), async () => {
      expect(remainingBudgetMs()).toBe(10_000 - DEADLINE_MARGIN_MS);
      now += 2_000;
      expect(remainingBudgetMs()).toBe(8_000 - DEADLINE_MARGIN_MS);
      const call = newCallContext({ provider: 'p', ...caller });
      await withCacheRequest(new CacheRequest('refresh'), () =>
        withCallContext(call, async () => {
          expect(currentCacheRequest()?.policy).toBe('refresh');
          expect(currentCall()).toBe(call);
          expect(currentRequest()?.caller).toEqual(caller);
          expect(remainingBudgetMs()).toBe(8_000 - DEADLINE_MARGIN_MS);
        }),
      );
      expect(currentCacheRequest()).toBe(outer);
      expect(currentCall()).toBeUndefined();
    });
    expect(currentRequest()).toBeUndefined();
    expect(remainingBudgetMs()).toBeUndefined();
  });

  it('a new request does not inherit the enclosing one', async () => {
    await runRequest(newRequestContext({ remainingMs: 5_000, cache: new CacheRequest('bypass') }), () =>
      runRequest(newRequestContext({}), async () => {
        expect(currentCacheRequest()).toBeUndefined();
        expect(remainingBudgetMs()).toBeUndefined();
      }),
    );
  });

  it('an HTTP function cannot be declared without naming where its container comes from', () => {
    // The check is the compiler's (npm run typecheck fails if this line compiles); at run time it throws at once.
    // @ts-expect-error the container source is required: no side-effect import can stand in for it
    expect(() => authenticated(async () => json(200, {}))).toThrow(TypeError);
  });
});
