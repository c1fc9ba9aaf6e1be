/**
 * WHOOP's rate-limit headers (IETF RateLimit draft style), per application:
 *   X-RateLimit-Limit: "100, 100;window=60, 10000;window=86400"  (the limit closest to being
 *   hit, then every policy), X-RateLimit-Remaining: "98" and X-RateLimit-Reset: "3" (seconds),
 *   both for that closest window.
 */
import type { RateLimitHint } from '../http';
import { intHeader, type RateLimitUsage } from '../rate-limit';

const LIMIT_HEADER = 'x-ratelimit-limit';
const REMAINING_HEADER = 'x-ratelimit-remaining';
const RESET_HEADER = 'x-ratelimit-reset';

interface Policy {
  limit: number;
  windowSecs: number | undefined;
}

/** Reads `100, 100;window=60, 10000;window=86400` into the current limit and the policies. */
export function parseLimitHeader(value: string | null): { current: Policy; policies: Policy[] } | undefined {
  if (value === null) return undefined;
  const items = value
    .split(',')
    .map((item) => /^\s*(\d+)\s*(?:;\s*window\s*=\s*(\d+))?/i.exec(item))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ limit: Number(m[1]), windowSecs: m[2] === undefined ? undefined : Number(m[2]) }));
  const current = items[0];
  if (!current) return undefined;
  return { current, policies: items.filter((p) => p.windowSecs !== undefined) };
}

function windowName(windowSecs: number | undefined): string {
  switch (windowSecs) {
    case 60:
      return 'minute';
    case 3_600:
      return 'hour';
    case 86_400:
      return 'day';
    case undefined:
      return 'window';
    default:
      return `${windowSecs}s`;
  }
}

/** The window the Remaining/Reset headers describe: the policy matching the current limit. */
function currentWindow(parsed: { current: Policy; policies: Policy[] }, resetSecs: number | undefined): number | undefined {
  if (parsed.current.windowSecs !== undefined) return parsed.current.windowSecs;
  const matching = parsed.policies.filter((p) => p.limit === parsed.current.limit);
  if (matching.length <= 1) return matching[0]?.windowSecs;
  // Equal limits: the smallest window the reset still fits in.
  const fits = matching.filter((p) => resetSecs === undefined || (p.windowSecs ?? 0) >= resetSecs);
  return (fits[0] ?? matching[0])?.windowSecs;
}

/** The usage WHOOP reports on a response, or undefined when it sent no rate-limit headers. */
export function whoopRateLimitUsage(headers: Headers, nowMs: number, provider = 'whoop'): RateLimitUsage | undefined {
  const parsed = parseLimitHeader(headers.get(LIMIT_HEADER));
  const remaining = intHeader(headers, REMAINING_HEADER);
  if (!parsed || remaining === undefined) return undefined;
  const reset = intHeader(headers, RESET_HEADER);
  const windowSecs = currentWindow(parsed, reset);
  const nowSecs = Math.floor(nowMs / 1000);
  return {
    provider,
    scope: 'app',
    windows: [
      {
        name: windowName(windowSecs),
        limit: parsed.current.limit,
        remaining,
        resets_at: nowSecs + Math.max(0, reset ?? windowSecs ?? 60),
      },
    ],
    observed_at: nowSecs,
  };
}

/** After a 429 without `Retry-After`: wait until `X-RateLimit-Reset` says the window resets. */
export function whoopRateLimitHint(headers: Headers, _nowMs: number): RateLimitHint | undefined {
  const reset = intHeader(headers, RESET_HEADER);
  if (reset === undefined) return undefined;
  return { retryAfterSecs: Math.max(1, reset), scope: 'app' };
}
