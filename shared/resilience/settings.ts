/** Retry, circuit, pending-job, history backfill and fallback settings from `PIERRE_<P>_*` and `PIERRE_PROVIDER_FALLBACK`. */
import * as z from '../zod';
import { ConfigError, type RawConfig } from '../config';

export interface RetrySettings {
  /** Attempts after the first one, for retryable failures only. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** 0.1: each delay is moved by up to ±10 % at random. */
  jitter: number;
}

export interface CircuitSettings {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit refuses calls before letting one through (half-open). */
  openSecs: number;
}

interface FairShareSettings {
  /**
   * Percent of an app-wide window one user may have spent and still be served once less than
   * the window's reserve is left (never below one request).
   */
  userSharePct: number;
}

interface BackfillSettings {
  /** How many days of history a new connection reads into the records store. */
  days: number;
  /** Percent of each app-wide window that history backfill may spend; the rest stays for live reads. */
  sharePct: number;
}

export interface ResilienceSettings {
  retry: RetrySettings;
  circuit: CircuitSettings;
  fairShare: FairShareSettings;
  /** Reads one user may have queued as jobs for the provider (beyond: 429 too_many_jobs). */
  maxPendingJobs: number;
  backfill: BackfillSettings;
}

/**
 * The seed's defaults: 3 retries, 100 ms base, 5 s cap, 0.1 jitter; circuits open after 5
 * failures for 60 s. A user's share of the reserve of a window is 10 % (docs/resilience.md says how it was chosen); 20
 * pending jobs per user.
 */
export const DEFAULT_RESILIENCE: ResilienceSettings = {
  retry: { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 5_000, jitter: 0.1 },
  circuit: { failureThreshold: 5, openSecs: 60 },
  fairShare: { userSharePct: 10 },
  maxPendingJobs: 20,
  backfill: { days: 90, sharePct: 50 },
};

/** Ten years: more history than any provider keeps for an API client. */
const MAX_BACKFILL_DAYS = 3_650;

const whole = (max: number) =>
  z.pipe(
    z.pipe(z.string().check(z.trim(), z.regex(/^\d+$/, 'must be a whole number')), z.transform(Number)),
    z.number().check(z.int(), z.gte(0), z.lte(max, `must be at most ${max}`)),
  );

function read(raw: RawConfig, name: string, max: number, fallback: number, min = 0): number {
  const value = raw[name];
  if (value === undefined) return fallback;
  const parsed = whole(max).safeParse(value);
  if (!parsed.success) throw new ConfigError(`${name}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  if (parsed.data < min) throw new ConfigError(`${name}: must be at least ${min}`);
  return parsed.data;
}

export function resilienceSettings(provider: string, raw: RawConfig): ResilienceSettings {
  const p = `PIERRE_${provider.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`;
  const d = DEFAULT_RESILIENCE;
  return {
    retry: {
      ...d.retry,
      maxRetries: read(raw, `${p}MAX_RETRIES`, 10, d.retry.maxRetries),
      baseDelayMs: read(raw, `${p}BASE_DELAY_MS`, 60_000, d.retry.baseDelayMs),
    },
    circuit: {
      failureThreshold: read(raw, `${p}CIRCUIT_FAILURES`, 1_000, d.circuit.failureThreshold, 1),
      openSecs: read(raw, `${p}CIRCUIT_OPEN_SECS`, 86_400, d.circuit.openSecs, 1),
    },
    fairShare: { userSharePct: read(raw, `${p}USER_SHARE`, 100, d.fairShare.userSharePct, 1) },
    maxPendingJobs: read(raw, `${p}MAX_PENDING_JOBS`, 1_000, d.maxPendingJobs, 1),
    // A provider's own value wins over the service-wide one.
    backfill: {
      days: read(raw, `${p}BACKFILL_DAYS`, MAX_BACKFILL_DAYS, read(raw, 'PIERRE_BACKFILL_DAYS', MAX_BACKFILL_DAYS, d.backfill.days)),
      sharePct: read(raw, `${p}BACKFILL_SHARE`, 100, read(raw, 'PIERRE_BACKFILL_SHARE', 100, d.backfill.sharePct, 1), 1),
    },
  };
}

/** `PIERRE_PROVIDER_FALLBACK=strava,garmin`: the order in which providers stand in for each other. */
export function fallbackOrder(raw: RawConfig): string[] {
  return (raw['PIERRE_PROVIDER_FALLBACK'] ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
}
