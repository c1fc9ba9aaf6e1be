/**
 * Terra's rate limits (docs "Rate Limits"): per Terra user, a request may span at most 1,825
 * days (rule r1) and the days requested add up to at most 6,000 in a one-hour bucket (rule r2).
 * Accepted requests report the bucket in `X-Terra-RateLimit-Limit`, `-Remaining` (days) and
 * `-Reset-After` (seconds); a 429 names the rule in `X-Terra-RateLimit-Rule` and, for r2,
 * carries `Retry-After`.
 */
import type { RateLimitHint } from '../http';
import { intHeader, type RateLimitUsage } from '../rate-limit';

const TERRA_LIMIT_HEADER = 'x-terra-ratelimit-limit';
const TERRA_REMAINING_HEADER = 'x-terra-ratelimit-remaining';
const TERRA_RESET_AFTER_HEADER = 'x-terra-ratelimit-reset-after';

/** Name of the hourly requested-days bucket in RateLimitUsage. */
const TERRA_BUCKET = 'hourly_days';
const TERRA_BUCKET_SECS = 3_600;

export function terraRateLimitUsage(headers: Headers, nowMs: number): RateLimitUsage | undefined {
  const limit = intHeader(headers, TERRA_LIMIT_HEADER);
  const remaining = intHeader(headers, TERRA_REMAINING_HEADER);
  if (limit === undefined || remaining === undefined || limit < 0) return undefined;
  const nowSecs = Math.floor(nowMs / 1000);
  const resetAfter = intHeader(headers, TERRA_RESET_AFTER_HEADER) ?? TERRA_BUCKET_SECS;
  return {
    provider: 'terra',
    scope: 'user',
    windows: [{ name: TERRA_BUCKET, limit, remaining, resets_at: nowSecs + Math.max(0, resetAfter) }],
    observed_at: nowSecs,
  };
}

/**
 * Wait after a 429 without `Retry-After`: the bucket's `Reset-After` when given, else a whole
 * bucket. (Rule r1 cannot fire for our requests: we never ask for more than a few weeks.)
 */
export function terraRateLimitHint(headers: Headers, _nowMs: number): RateLimitHint {
  const resetAfter = intHeader(headers, TERRA_RESET_AFTER_HEADER);
  return { retryAfterSecs: resetAfter !== undefined && resetAfter >= 0 ? resetAfter : TERRA_BUCKET_SECS, scope: 'user' };
}
