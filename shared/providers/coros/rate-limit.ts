/**
 * COROS publishes no rate limits and no usage headers. We assume a per-application limit
 * counted in clock minutes (the simulator enforces a conservative one): after a 429 without
 * `Retry-After` we wait for the next minute. Should COROS ever send the common
 * `X-RateLimit-Limit` / `-Remaining` / `-Reset` trio, it is reported like any provider's usage.
 */
import type { RateLimitHint } from '../http';
import { intHeader, type RateLimitUsage } from '../rate-limit';

const COROS_WINDOW_SECS = 60;

export function corosRateLimitHint(_headers: Headers, nowMs: number): RateLimitHint {
  const nowSecs = Math.floor(nowMs / 1000);
  return { retryAfterSecs: COROS_WINDOW_SECS - (nowSecs % COROS_WINDOW_SECS), scope: 'app' };
}

export function corosRateLimitUsage(provider: string) {
  return (headers: Headers, nowMs: number): RateLimitUsage | undefined => {
    const limit = intHeader(headers, 'x-ratelimit-limit');
    const remaining = intHeader(headers, 'x-ratelimit-remaining');
    const reset = intHeader(headers, 'x-ratelimit-reset');
    if (limit === undefined || remaining === undefined || reset === undefined || limit < 0) return undefined;
    const nowSecs = Math.floor(nowMs / 1000);
    // Small values count seconds until the reset, large ones are the reset instant.
    const resetsAt = reset < 1_000_000_000 ? nowSecs + reset : reset;
    return {
      provider,
      scope: 'app',
      windows: [{ name: 'window', limit, remaining, resets_at: resetsAt }],
      observed_at: nowSecs,
    };
  };
}
