/**
 * Rate-limit usage as a provider reports it in response headers, in one typed shape, so the
 * resilience layer can slow down before a provider starts answering 429.
 */
import * as z from '../zod';
import { RateLimitScopeSchema, type RateLimitScope } from '../models';
import type { RateLimitHint } from './http';

const RateLimitWindowSchema = z.object({
  /** e.g. `15min`, `daily`, `hour`, `minute`, `read_15min`. */
  name: z.string().check(z.minLength(1)),
  limit: z.number().check(z.int(), z.nonnegative()),
  remaining: z.number().check(z.int()),
  /** Epoch seconds at which the window resets. */
  resets_at: z.number().check(z.int()),
});
export type RateLimitWindow = z.infer<typeof RateLimitWindowSchema>;

const RateLimitUsageSchema = z.object({
  provider: z.string().check(z.minLength(1)),
  scope: RateLimitScopeSchema,
  windows: z.array(RateLimitWindowSchema).check(z.minLength(1)),
  /** Epoch seconds when the headers were read. */
  observed_at: z.number().check(z.int()),
});
export type RateLimitUsage = z.infer<typeof RateLimitUsageSchema>;

/** Parses an integer header; undefined when absent or not a number. */
export function intHeader(headers: Headers, name: string): number | undefined {
  const value = headers.get(name);
  if (value === null || !/^\s*-?\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Math.floor(Number(value));
}

/**
 * The conventional `X-RateLimit-Limit` / `-Remaining` / `-Reset` trio over one fixed window, as
 * a descriptor's `rateLimitHeaders` declares it (Garmin's and COROS's gateways).
 */
export interface RateLimitHeaderSpec {
  /** The window's name in RateLimitUsage (`minute`, `window`). */
  readonly windowName: string;
  /** The window's length in seconds: without `-Reset`, and after a bare 429, the wait runs to its next boundary. */
  readonly windowSecs: number;
  readonly scope: RateLimitScope;
}

/** Seconds from `nowMs` until the next `windowSecs` clock boundary, rounded up (at least 1). */
function untilNextBoundary(nowMs: number, windowSecs: number): number {
  const windowMs = windowSecs * 1000;
  return Math.max(1, Math.ceil((Math.floor(nowMs / windowMs) * windowMs + windowMs - nowMs) / 1000));
}

/** Reads the trio; `-Reset` is seconds from now when small, else an epoch instant. */
export function xRateLimitUsage(provider: string, spec: RateLimitHeaderSpec) {
  return (headers: Headers, nowMs: number): RateLimitUsage | undefined => {
    const limit = intHeader(headers, 'x-ratelimit-limit');
    const remaining = intHeader(headers, 'x-ratelimit-remaining');
    if (limit === undefined || remaining === undefined || limit < 0) return undefined;
    const reset = intHeader(headers, 'x-ratelimit-reset');
    const nowSecs = Math.floor(nowMs / 1000);
    const resetsAt = reset === undefined ? nowSecs + untilNextBoundary(nowMs, spec.windowSecs) : reset > 1_000_000_000 ? reset : nowSecs + reset;
    return { provider, scope: spec.scope, windows: [{ name: spec.windowName, limit, remaining, resets_at: resetsAt }], observed_at: nowSecs };
  };
}

/** After a 429 without `Retry-After`: wait until the window turns. */
export function nextWindowHint(spec: RateLimitHeaderSpec) {
  return (_headers: Headers, nowMs: number): RateLimitHint => ({ retryAfterSecs: untilNextBoundary(nowMs, spec.windowSecs), scope: spec.scope });
}
