/** The events layer's fixed bounds (docs/events.md states them). */

/** Events and attempts are kept this long (DynamoDB's TTL removes them). */
export const EVENT_RETENTION_SECS = 30 * 24 * 3600;
/** A delivery is retried for this long after its first attempt, then given up. */
export const RETRY_WINDOW_MS = 3 * 24 * 3600_000;
/** An endpoint whose deliveries have all failed for this long is disabled. */
export const DISABLE_AFTER_MS = 3 * 24 * 3600_000;
/** Endpoints per tenant: each event costs one queued delivery per endpoint. */
export const MAX_ENDPOINTS_PER_TENANT = 10;
/** After a rotation the previous secret still signs (beside the new one) for this long. */
export const ROTATION_OVERLAP_MS = 24 * 3600_000;
/** Backoff after the n-th failed attempt: FIRST_RETRY_MS * 2^(n-1), at most MAX_RETRY_MS, then jitter of +-25 %. */
export const FIRST_RETRY_MS = 30_000;
export const MAX_RETRY_MS = 6 * 3600_000;

/** The wait after failed attempt `attempt` (1-based), with jitter from `random` in [0, 1). */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(attempt - 1, 30));
  return Math.round(base * (0.75 + random() * 0.5));
}
