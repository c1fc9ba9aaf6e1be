/**
 * Strava's rate limits are per application, in two fixed windows: 15 minutes (resetting at
 * :00, :15, :30 and :45) and the UTC day. "Overall" limits count every request, "read" limits
 * count the reads. Every API answer reports both:
 *
 *   X-RateLimit-Limit: 200,2000        X-ReadRateLimit-Limit: 100,1000
 *   X-RateLimit-Usage: 12,345          X-ReadRateLimit-Usage: 7,120
 *
 * A 429 carries no Retry-After, so the wait is computed from the window that is used up.
 */
import type { RateLimitHint } from '../http';
import type { RateLimitUsage, RateLimitWindow } from '../rate-limit';

const QUARTER_HOUR_SECS = 900;
const DAY_SECS = 86_400;

/** Defaults of a new Strava application (what its settings page shows). */
const STRAVA_DEFAULT_LIMITS = {
  '15min': 200,
  daily: 2_000,
  read_15min: 100,
  read_daily: 1_000,
} as const;

type StravaWindowName = keyof typeof STRAVA_DEFAULT_LIMITS;

/** Epoch seconds at which the quarter hour containing `nowSecs` ends. */
export function nextQuarterHour(nowSecs: number): number {
  return (Math.floor(nowSecs / QUARTER_HOUR_SECS) + 1) * QUARTER_HOUR_SECS;
}

/** Epoch seconds of the next midnight UTC after `nowSecs`. */
export function nextUtcMidnight(nowSecs: number): number {
  return (Math.floor(nowSecs / DAY_SECS) + 1) * DAY_SECS;
}

/** `"200,2000"` -> [200, 2000]; undefined unless it is exactly two whole numbers. */
function pair(value: string | null): [number, number] | undefined {
  const match = value === null ? null : /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(value);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

interface WindowReading {
  name: StravaWindowName;
  limit: number;
  used: number;
  daily: boolean;
}

function readings(headers: Headers): WindowReading[] {
  const out: WindowReading[] = [];
  const families = [
    { prefix: 'x-ratelimit', names: ['15min', 'daily'] as const },
    { prefix: 'x-readratelimit', names: ['read_15min', 'read_daily'] as const },
  ];
  for (const { prefix, names } of families) {
    const limit = pair(headers.get(`${prefix}-limit`));
    const usage = pair(headers.get(`${prefix}-usage`));
    if (!limit || !usage) continue;
    out.push({ name: names[0], limit: limit[0], used: usage[0], daily: false });
    out.push({ name: names[1], limit: limit[1], used: usage[1], daily: true });
  }
  return out;
}

/** The four windows as a typed usage value, or undefined when the headers are absent. */
export function stravaRateLimitUsage(headers: Headers, nowMs: number): RateLimitUsage | undefined {
  const found = readings(headers);
  if (found.length === 0) return undefined;
  const nowSecs = Math.floor(nowMs / 1000);
  const windows: RateLimitWindow[] = found.map((w) => ({
    name: w.name,
    limit: w.limit,
    remaining: w.limit - w.used,
    resets_at: w.daily ? nextUtcMidnight(nowSecs) : nextQuarterHour(nowSecs),
  }));
  return { provider: 'strava', scope: 'app', windows, observed_at: nowSecs };
}

/**
 * How long a 429 lasts: until the next UTC midnight when a daily limit is used up, else until
 * the next quarter hour (also when the headers are missing: the 15-minute window is the one
 * that is usually hit). Strava's limits are per application, hence scope `app`.
 */
export function stravaRateLimitHint(headers: Headers, nowMs: number): RateLimitHint {
  const nowSecs = nowMs / 1000;
  const dailyExhausted = readings(headers).some((w) => w.daily && w.used >= w.limit);
  const resetsAt = dailyExhausted ? nextUtcMidnight(Math.floor(nowSecs)) : nextQuarterHour(Math.floor(nowSecs));
  return { retryAfterSecs: Math.max(1, Math.ceil(resetsAt - nowSecs)), scope: 'app' };
}
