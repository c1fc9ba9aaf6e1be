/**
 * The time budget of the running invocation. The HTTP layer opens it from the Lambda
 * context's remaining time minus a margin; every provider call takes the smaller of its own
 * timeout and what is left, so a slow provider ends as a 504 `provider_timeout` before the
 * function itself is cut off (which would answer a bare 500).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** Kept for answering after the last provider call gave up. */
const DEADLINE_MARGIN_MS = 500;

const storage = new AsyncLocalStorage<{ deadlineMs: number }>();

/** Runs `work` with a deadline `remainingMs - DEADLINE_MARGIN_MS` from now (wall clock: Lambda's clock). */
export function withDeadline<T>(remainingMs: number, work: () => Promise<T>): Promise<T> {
  return storage.run({ deadlineMs: Date.now() + remainingMs - DEADLINE_MARGIN_MS }, work);
}

/** Milliseconds left in the running invocation's budget; undefined outside one. */
export function remainingBudgetMs(): number | undefined {
  const budget = storage.getStore();
  return budget && budget.deadlineMs - Date.now();
}
