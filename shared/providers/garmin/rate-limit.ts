/**
 * Garmin's rate limits as far as they are known: evaluation keys get about 100 requests per
 * minute per application (unverified; production keys get more). Garmin documents no usage
 * headers. When a gateway in front of the API sends the conventional
 * `X-RateLimit-Limit` / `-Remaining` / `-Reset` trio they are read (unverified); otherwise usage
 * is unknown. A 429 without `Retry-After` waits for the next minute boundary.
 */
import type { RateLimitHint } from '../http';
import { intHeader, type RateLimitUsage } from '../rate-limit';

const PROVIDER = 'garmin';

/** Epoch seconds of the next clock minute after `nowMs`. */
export function nextMinute(nowMs: number): number {
  return Math.floor(nowMs / 60_000) * 60 + 60;
}

/** Wait after a 429 that carries no `Retry-After`: until the minute window turns (app-wide). */
export function garminRateLimitHint(_headers: Headers, nowMs: number): RateLimitHint {
  return { retryAfterSecs: Math.max(1, nextMinute(nowMs) - Math.ceil(nowMs / 1000)), scope: 'app' };
}

/** `X-RateLimit-Reset` as epoch seconds, or as seconds from now when it is small. */
function resetAt(value: number | undefined, nowSecs: number): number {
  if (value === undefined) return nowSecs + 60 - (nowSecs % 60);
  return value > 1_000_000_000 ? value : nowSecs + value;
}

export function garminRateLimitUsage(headers: Headers, nowMs: number): RateLimitUsage | undefined {
  const limit = intHeader(headers, 'x-ratelimit-limit');
  const remaining = intHeader(headers, 'x-ratelimit-remaining');
  if (limit === undefined || remaining === undefined || limit < 0) return undefined;
  const nowSecs = Math.floor(nowMs / 1000);
  return {
    provider: PROVIDER,
    scope: 'app',
    windows: [{ name: 'minute', limit, remaining, resets_at: resetAt(intHeader(headers, 'x-ratelimit-reset'), nowSecs) }],
    observed_at: nowSecs,
  };
}
