/**
 * The request context: everything a request carries below its entry point without being passed
 * along, in one async context. Every entry point (the HTTP handler stack, the retry worker, the
 * scheduled health check) opens it with `runRequest`; deeper layers only read it or narrow it
 * with `withinRequest` (an MCP tool's own cache policy, a provider call's gate state).
 *
 * - deadline: the invocation's time budget (see remainingBudgetMs);
 * - cache: the cache policy and what the cache did (shared/cache/policy.ts);
 * - caller: whom the request acts for;
 * - call: the provider call under way, for the rate-limit gate (shared/resilience/context.ts);
 * - forAi: whether an AI assistant is served (shared/app/ai-access.ts).
 * - windowShare: set by history backfill, the part of each app-wide window its calls may spend.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { CacheRequest } from '../cache/policy';
import type { CallContext } from '../resilience/context';

/** Kept for answering after the last provider call gave up. */
export const DEADLINE_MARGIN_MS = 500;

export interface RequestContext {
  /** When the budget ends, on the clock it is measured on (Lambda's, or a test's injected one). */
  readonly deadline?: { readonly atMs: number; readonly now: () => number } | undefined;
  readonly cache?: CacheRequest | undefined;
  readonly caller?: { readonly tenantId: string; readonly userId: string } | undefined;
  readonly call?: CallContext | undefined;
  /** The request serves an AI assistant (the MCP tools): providers whose terms forbid it are left out (shared/app/ai-access.ts). */
  readonly forAi?: boolean | undefined;
  /**
   * Percent of each app-wide rate-limit window this request's provider calls may spend, counted
   * apart from live reads (history backfill); absent: a live read, bounded by fair share only.
   */
  readonly windowShare?: number | undefined;
}

export interface RequestStart {
  /** The invocation's remaining time; the deadline is this minus DEADLINE_MARGIN_MS from now. */
  remainingMs?: number | undefined;
  /** The clock the budget is measured on (default: the wall clock). */
  now?: (() => number) | undefined;
  cache?: CacheRequest | undefined;
  caller?: RequestContext['caller'];
}

const storage = new AsyncLocalStorage<RequestContext>();

/** A new request's context, as an entry point opens it. */
export function newRequestContext(start: RequestStart): RequestContext {
  const now = start.now ?? Date.now;
  return {
    deadline: start.remainingMs === undefined ? undefined : { atMs: now() + start.remainingMs - DEADLINE_MARGIN_MS, now },
    cache: start.cache,
    caller: start.caller,
  };
}

/** Runs an entry point's work in its request context (replacing any enclosing one). */
export function runRequest<T>(context: RequestContext, work: () => Promise<T>): Promise<T> {
  return storage.run(context, work);
}

/** Runs `work` in the running request's context with some of it replaced. */
export function withinRequest<T>(change: Partial<RequestContext>, work: () => Promise<T>): Promise<T> {
  return storage.run({ ...storage.getStore(), ...change }, work);
}

/** The running request's context; undefined outside one. */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/** Milliseconds left in the running request's budget; undefined outside one (or without a deadline). */
export function remainingBudgetMs(): number | undefined {
  const deadline = storage.getStore()?.deadline;
  return deadline && deadline.atMs - deadline.now();
}
