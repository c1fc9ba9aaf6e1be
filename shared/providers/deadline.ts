/**
 * The time budget of the running invocation. The HTTP layer and the retry worker open it from
 * the Lambda context's remaining time minus a margin; every provider call takes the smaller of
 * its own timeout and what is left, so a slow provider ends as a 504 `provider_timeout` before
 * the function itself is cut off (which would answer a bare 500). Retries, the gate's waits and
 * the refresh wait stop waiting when it is spent.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** Kept for answering after the last provider call gave up. */
const DEADLINE_MARGIN_MS = 500;

const storage = new AsyncLocalStorage<{ deadlineMs: number; now: () => number }>();

/**
 * Runs `work` with a deadline `remainingMs - DEADLINE_MARGIN_MS` from now. `now` is the clock
 * the budget is measured on: Lambda's wall clock, or the container's injected clock (the same on
 * Lambda), so tests spend the budget by moving their clock.
 */
export function withDeadline<T>(remainingMs: number, work: () => Promise<T>, now: () => number = Date.now): Promise<T> {
  return storage.run({ deadlineMs: now() + remainingMs - DEADLINE_MARGIN_MS, now }, work);
}

/** Milliseconds left in the running invocation's budget; undefined outside one. */
export function remainingBudgetMs(): number | undefined {
  const budget = storage.getStore();
  return budget && budget.deadlineMs - budget.now();
}
