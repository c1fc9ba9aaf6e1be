/**
 * Google's error bodies -> provider-neutral errors. 401 UNAUTHENTICATED stays `auth_failed`
 * (the session refreshes once and retries); 403 with a scope reason becomes
 * `insufficient_scope` for the one route that needs it; 429 waits `Retry-After` when present,
 * else the time Google names in its message, else the next minute (quota: 300 per minute per
 * user). Messages never quote Google's text, which could echo request details.
 */
import { ProviderError } from '../../models';
import { parseRetryAfter } from '../http';
import { SCOPES, type ScopeArea } from './descriptor';
import { GoogleErrorSchema, type GoogleError } from './schemas';

export const PROVIDER = 'fitbit';

/** Reasons Google gives a token that lacks the scope (`MISSING_OAUTH_SCOPE`, the ErrorInfo one). */
const SCOPE_REASONS = new Set(['MISSING_OAUTH_SCOPE', 'ACCESS_TOKEN_SCOPE_INSUFFICIENT', 'INSUFFICIENT_SCOPE']);

const WHAT: Record<ScopeArea, string> = {
  activity: 'activity and fitness',
  metrics: 'health metrics and measurements',
  sleep: 'sleep',
  profile: 'profile',
};

function readGoogleError(body: string): GoogleError | undefined {
  try {
    const parsed = GoogleErrorSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data.error : undefined;
  } catch {
    return undefined;
  }
}

function missingScope(area: ScopeArea): ProviderError {
  return new ProviderError({
    kind: 'insufficient_scope',
    provider: PROVIDER,
    status: 403,
    message: `This Fitbit connection was not granted ${WHAT[area]} data (${SCOPES[area]}); connect again and allow it`,
  });
}

/** `Retry after 2026-11-30T10:01:00Z` in a quota message: seconds from now, else undefined. */
export function retryFromMessage(message: string, nowMs: number): number | undefined {
  const match = /retry after\s+(\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2}))/i.exec(message);
  if (!match?.[1]) return undefined;
  const at = Date.parse(match[1]);
  return Number.isNaN(at) ? undefined : Math.max(1, Math.ceil((at - nowMs) / 1000));
}

/** Seconds to the next whole minute (never 0): when Google's per-minute quota refills. */
export function secondsToNextMinute(nowMs: number): number {
  return 60 - (Math.floor(nowMs / 1000) % 60);
}

function rateLimited(headers: Headers, body: GoogleError | undefined, nowMs: number): ProviderError {
  const retryAfterSecs = parseRetryAfter(headers.get('retry-after'), nowMs) ?? (body && retryFromMessage(body.message, nowMs)) ?? secondsToNextMinute(nowMs);
  return new ProviderError({
    kind: 'rate_limited',
    provider: PROVIDER,
    status: 429,
    retryAfterSecs,
    rateLimitScope: 'user',
    message: `Google Health API quota reached for this user; retry in ${retryAfterSecs} s`,
  });
}

/**
 * The `onStatus` of every data call: `area` is the scope the call needs. Statuses it leaves
 * alone (401, 404, 5xx) get the shared mapping.
 */
export function googleStatus(area: ScopeArea, nowMs: () => number) {
  return (status: number, text: string, headers: Headers): ProviderError | undefined => {
    const body = readGoogleError(text);
    if (status === 403 && body?.details.some((d) => d.reason !== undefined && SCOPE_REASONS.has(d.reason))) return missingScope(area);
    if (status === 429) return rateLimited(headers, body, nowMs());
    if (status === 400) {
      const reason = body?.details.find((d) => d.reason)?.reason ?? body?.status ?? 'INVALID_ARGUMENT';
      return new ProviderError({
        kind: 'api_error',
        provider: PROVIDER,
        status,
        retryable: false,
        message: `Google Health API refused the request (${reason.slice(0, 64)})`,
      });
    }
    return undefined;
  };
}
