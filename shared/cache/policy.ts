/**
 * The per-request cache policy, and what the cache did for the request. Both live in the
 * request context (shared/context/request.ts), so handlers and use cases stay unaware of
 * caching: the entry point opens the context, the caching decorator reads the policy and
 * reports outcomes into it.
 */
import { currentRequest, withinRequest } from '../context/request';

export type CachePolicy = 'use' | 'bypass' | 'refresh';
export type CacheOutcome = 'HIT' | 'MISS' | 'STALE' | 'BYPASS' | 'REFRESH';

export const CACHE_POLICIES: readonly CachePolicy[] = ['use', 'bypass', 'refresh'];

export class CacheRequest {
  readonly outcomes: { outcome: CacheOutcome; ageSecs: number }[] = [];
  /** Whether (part of) the answer came from the records store rather than the cache or the provider. */
  #stored = false;
  constructor(readonly policy: CachePolicy) {}

  record(outcome: CacheOutcome, ageSecs: number): void {
    this.outcomes.push({ outcome, ageSecs });
  }

  recordStored(): void {
    this.#stored = true;
  }

  /**
   * `X-Cache` and `Age` for the answer; the least cached outcome wins, the oldest age is told.
   * `X-Source: store` when the records store answered (alone, or beside the cache with provider=all).
   */
  headers(): Record<string, string> {
    const source: Record<string, string> = this.#stored ? { 'x-source': 'store' } : {};
    if (this.outcomes.length === 0) return source;
    const order: CacheOutcome[] = ['BYPASS', 'REFRESH', 'MISS', 'STALE', 'HIT'];
    const outcome = order.find((o) => this.outcomes.some((r) => r.outcome === o))!;
    const headers: Record<string, string> = { ...source, 'x-cache': outcome };
    if (outcome === 'HIT' || outcome === 'STALE') {
      headers['age'] = String(Math.max(...this.outcomes.map((r) => r.ageSecs)));
    }
    return headers;
  }
}

/** Runs `run` in the request context with `request` as its cache policy (an MCP tool's own, a job's). */
export function withCacheRequest<T>(request: CacheRequest, run: () => Promise<T>): Promise<T> {
  return withinRequest({ cache: request }, run);
}

/** The running request's cache context; undefined outside one that sets a policy (policy: use). */
export function currentCacheRequest(): CacheRequest | undefined {
  return currentRequest()?.cache;
}

/**
 * `?cache=use|bypass|refresh` wins; otherwise `Cache-Control: no-store` bypasses and
 * `no-cache` refreshes. Undefined when the query value is not a policy.
 */
export function policyFrom(query: string | undefined, cacheControl: string | undefined): CachePolicy | undefined {
  if (query !== undefined) return (CACHE_POLICIES as readonly string[]).includes(query) ? (query as CachePolicy) : undefined;
  const directives = (cacheControl ?? '')
    .toLowerCase()
    .split(',')
    .map((d) => d.trim());
  if (directives.includes('no-store')) return 'bypass';
  if (directives.includes('no-cache')) return 'refresh';
  return 'use';
}
