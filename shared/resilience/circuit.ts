/**
 * A circuit breaker per provider whose state lives in the StateStore, so every container sees
 * the same circuit: closed, open after N consecutive failures (calls refused for a while), then
 * half-open (calls let through; the next success closes it, the next failure opens it again).
 */
import { ProviderError } from '../models';
import type { StateItem, StateStore } from '../store/ports';
import type { CircuitSettings } from './settings';

export type CircuitStatus = 'closed' | 'open' | 'half_open';

export interface CircuitState {
  status: CircuitStatus;
  consecutiveFailures: number;
  /** Epoch ms the circuit opened (absent while closed). */
  openedAtMs?: number | undefined;
}

const PK = 'circuit';

/** Failures that say the provider itself is in trouble (not the user's request or a budget). */
export function countsAgainstCircuit(error: unknown): boolean {
  return error instanceof ProviderError && (error.kind === 'network' || error.kind === 'timeout' || (error.kind === 'api_error' && error.isRetryable()));
}

export class CircuitBreaker {
  constructor(
    private readonly store: StateStore,
    private readonly now: () => number,
  ) {}

  stateOf(item: StateItem | undefined, settings: CircuitSettings): CircuitState {
    const consecutiveFailures = typeof item?.['failures'] === 'number' ? item['failures'] : 0;
    const openedAtMs = typeof item?.['openedAtMs'] === 'number' ? item['openedAtMs'] : undefined;
    if (openedAtMs === undefined || consecutiveFailures < settings.failureThreshold) return { status: 'closed', consecutiveFailures };
    const status = this.now() - openedAtMs < settings.openSecs * 1000 ? 'open' : 'half_open';
    return { status, consecutiveFailures, openedAtMs };
  }

  async state(provider: string, settings: CircuitSettings): Promise<CircuitState> {
    return this.stateOf(await this.store.get(PK, provider, this.now()), settings);
  }

  /** Every provider's circuit in one read (absent ones are closed). */
  async states(settingsOf: (provider: string) => CircuitSettings, providers: readonly string[]): Promise<Map<string, CircuitState>> {
    const items = await this.store.list(PK, this.now());
    return new Map(providers.map((name) => [name, this.stateOf(items.get(name), settingsOf(name))]));
  }

  /** Throws `circuit_open` (503 with Retry-After) while the circuit is open. */
  async check(provider: string, settings: CircuitSettings): Promise<CircuitState> {
    const state = await this.state(provider, settings);
    if (state.status === 'open') {
      const retryAfterSecs = Math.max(1, Math.ceil((state.openedAtMs! + settings.openSecs * 1000 - this.now()) / 1000));
      throw new ProviderError({
        kind: 'circuit_open',
        provider,
        retryAfterSecs,
        message: `${provider} is failing; calls are paused for ${retryAfterSecs} s`,
      });
    }
    return state;
  }

  async recordSuccess(provider: string, before: CircuitState): Promise<void> {
    if (before.consecutiveFailures === 0 && before.status === 'closed') return;
    await this.store.update(PK, provider, { failures: 0, openedAtMs: null });
  }

  /** Counts a failure; opens (or re-opens, when half-open) the circuit at the threshold. */
  async recordFailure(provider: string, settings: CircuitSettings): Promise<CircuitState> {
    const after = await this.store.add(PK, provider, 'failures', 1);
    const failures = typeof after?.['failures'] === 'number' ? after['failures'] : 1;
    if (failures >= settings.failureThreshold) {
      const now = this.now();
      // Only the first failure at the threshold, or one after the open period, (re)opens it.
      await this.store.update(PK, provider, { openedAtMs: now }, {
        ifAny: [
          { field: 'openedAtMs', op: 'missing' },
          { field: 'openedAtMs', op: 'lt', value: now - settings.openSecs * 1000 + 1 },
        ],
      });
    }
    return this.state(provider, settings);
  }
}
