/**
 * Fitbit's rate limit: 150 requests per hour per user (per OAuth grant), reset at the top of
 * the hour. Every response carries `Fitbit-Rate-Limit-Limit`, `-Remaining` and `-Reset`
 * (seconds until the reset); a 429 is waited out with `Retry-After` when present (ProviderHttp
 * reads it first), else with `Fitbit-Rate-Limit-Reset`, else until the top of the hour.
 */
import type { RateLimitHint } from '../http';
import { intHeader, type RateLimitUsage } from '../rate-limit';
import { PROVIDER } from './mapping';

export const FITBIT_HOURLY_LIMIT = 150;
export const RATE_LIMIT_HEADERS = {
  limit: 'fitbit-rate-limit-limit',
  remaining: 'fitbit-rate-limit-remaining',
  reset: 'fitbit-rate-limit-reset',
} as const;

/** Seconds from `nowMs` to the next top of the hour (never 0). */
export function secondsToTopOfHour(nowMs: number): number {
  const nowSecs = Math.floor(nowMs / 1000);
  return 3600 - (nowSecs % 3600);
}

/** The usage headers as a typed value; undefined when the response carries none. */
export function fitbitRateLimitUsage(headers: Headers, nowMs: number): RateLimitUsage | undefined {
  const limit = intHeader(headers, RATE_LIMIT_HEADERS.limit);
  const remaining = intHeader(headers, RATE_LIMIT_HEADERS.remaining);
  if (limit === undefined || remaining === undefined || limit < 0) return undefined;
  const reset = intHeader(headers, RATE_LIMIT_HEADERS.reset);
  const nowSecs = Math.floor(nowMs / 1000);
  const resetsIn = reset !== undefined && reset >= 0 ? reset : secondsToTopOfHour(nowMs);
  return {
    provider: PROVIDER,
    scope: 'user',
    windows: [{ name: 'hour', limit, remaining, resets_at: nowSecs + resetsIn }],
    observed_at: nowSecs,
  };
}

/** The wait after a 429 without `Retry-After`: `Fitbit-Rate-Limit-Reset`, else the top of the hour. */
export function fitbitRateLimitHint(headers: Headers, nowMs: number): RateLimitHint {
  const reset = intHeader(headers, RATE_LIMIT_HEADERS.reset);
  const secs = reset !== undefined && reset >= 0 ? reset : secondsToTopOfHour(nowMs);
  return { retryAfterSecs: Math.max(1, secs), scope: 'user' };
}
