/** Retrying transient provider failures with exponential backoff and jitter, inside the call's deadline. */
import { ProviderError } from '../models';
import { remainingBudgetMs } from '../context/request';
import type { RetrySettings } from './settings';

/** Failures another attempt may fix now; a rate limit is waited out by the queue instead. */
function retriesHelp(error: unknown): boolean {
  return error instanceof ProviderError && error.isRetryable() && error.kind !== 'rate_limited';
}

function backoffMs(attempt: number, settings: RetrySettings, random: () => number): number {
  const base = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** attempt);
  return Math.max(0, Math.round(base * (1 + settings.jitter * (2 * random() - 1))));
}

export async function withRetries<T>(
  call: () => Promise<T>,
  settings: RetrySettings,
  sleep: (ms: number) => Promise<void>,
  random: () => number = Math.random,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= settings.maxRetries || !retriesHelp(error)) throw error;
      const delay = backoffMs(attempt, settings, random);
      // Never wait past the invocation's deadline: answer the failure while there is time.
      const left = remainingBudgetMs();
      if (left !== undefined && left <= delay) throw error;
      await sleep(delay);
    }
  }
}
