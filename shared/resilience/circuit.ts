/**
 * A circuit breaker per provider whose state lives in the StateStore, so every container sees
 * the same circuit: closed, open after N consecutive failures (calls refused for a while), then
 * half-open (calls let through; the next success closes it, the next failure opens it again).
 *
 * The state travels with the provider's gate item (`failures`, `openedAtMs`), so checking it
 * costs no read of its own: a container checks its copy of that item (see gate-items.ts), and
 * the gate's reservation, whose condition also requires the circuit not to be open, refuses
 * without writing when another container opened it meanwhile.
 */
import { ProviderError } from '../models';
import type { StateCondition, StateItem, StateStore } from '../store/ports';
import { providerOfBudget } from './budget';
import { APP_SK, GATE_ITEM, gatePk, type GateItems } from './gate-items';
import type { CircuitSettings } from './settings';

type CircuitStatus = 'closed' | 'open' | 'half_open';

export interface CircuitState {
  status: CircuitStatus;
  consecutiveFailures: number;
  /** Epoch ms the circuit opened (absent while closed). */
  openedAtMs?: number | undefined;
}

/** Failures that say the provider itself is in trouble (not the user's request or a budget). */
export function countsAgainstCircuit(error: unknown): boolean {
  return error instanceof ProviderError && (error.kind === 'network' || error.kind === 'timeout' || (error.kind === 'api_error' && error.isRetryable()));
}

export function circuitStateOf(item: StateItem | undefined, settings: CircuitSettings, nowMs: number): CircuitState {
  const { failures: consecutiveFailures = 0, openedAtMs } = GATE_ITEM.decode(item);
  if (openedAtMs === undefined || consecutiveFailures < settings.failureThreshold) return { status: 'closed', consecutiveFailures };
  const status = nowMs - openedAtMs < settings.openSecs * 1000 ? 'open' : 'half_open';
  return { status, consecutiveFailures, openedAtMs };
}

/** A write condition that holds while the circuit is not open (closed or half-open). */
export function circuitNotOpen(settings: CircuitSettings, nowMs: number): StateCondition[] {
  return [
    { field: GATE_ITEM.field('openedAtMs'), op: 'missing' },
    { field: GATE_ITEM.field('openedAtMs'), op: 'lt', value: nowMs - settings.openSecs * 1000 + 1 },
    { field: GATE_ITEM.field('failures'), op: 'lt', value: settings.failureThreshold },
  ];
}

/** `circuit_open` (503 with Retry-After) for a circuit that is open; `budget` names the provider (or one of a tenant's apps there). */
export function circuitOpenError(budget: string, state: CircuitState, settings: CircuitSettings, nowMs: number): ProviderError {
  const provider = providerOfBudget(budget);
  const retryAfterSecs = Math.max(1, Math.ceil((state.openedAtMs! + settings.openSecs * 1000 - nowMs) / 1000));
  return new ProviderError({
    kind: 'circuit_open',
    provider,
    retryAfterSecs,
    message: `${provider} is failing; calls are paused for ${retryAfterSecs} s`,
  });
}

export class CircuitBreaker {
  constructor(
    private readonly store: StateStore,
    private readonly items: GateItems,
    private readonly now: () => number,
  ) {}

  stateOf(item: StateItem | undefined, settings: CircuitSettings): CircuitState {
    return circuitStateOf(item, settings, this.now());
  }

  /** The stored state (a read). */
  async state(provider: string, settings: CircuitSettings): Promise<CircuitState> {
    return this.stateOf(await this.items.read(provider, APP_SK), settings);
  }

  /** Every provider's stored circuit (absent ones are closed). */
  async states(settingsOf: (provider: string) => CircuitSettings, providers: readonly string[]): Promise<Map<string, CircuitState>> {
    const items = await Promise.all(providers.map((name) => this.items.read(name, APP_SK)));
    return new Map(providers.map((name, i) => [name, this.stateOf(items[i], settingsOf(name))]));
  }

  /** Throws `circuit_open` while the circuit is open, as this container knows it (no read once it knows the item). */
  async check(provider: string, settings: CircuitSettings): Promise<CircuitState> {
    const state = this.stateOf(await this.items.known(provider, APP_SK), settings);
    if (state.status === 'open') throw circuitOpenError(provider, state, settings, this.now());
    return state;
  }

  /** Closes the circuit; no write when it is known closed with no failure counted. */
  async recordSuccess(provider: string, before: CircuitState): Promise<void> {
    // The copy is as new as this call's reservation (which returns the failure count), so a
    // failure another container counted meanwhile is reset too.
    const known = this.items.peek(provider, APP_SK);
    const record = known && GATE_ITEM.decode(known);
    const failures = record ? (record.failures ?? 0) : before.consecutiveFailures;
    const opened = record ? record.openedAtMs !== undefined : before.status !== 'closed';
    if (failures === 0 && !opened) return;
    this.items.remember(provider, APP_SK, await this.store.update(gatePk(provider), APP_SK, GATE_ITEM.encode({ failures: 0, openedAtMs: null })));
  }

  /** Counts a failure; opens (or re-opens, when half-open) the circuit at the threshold. */
  async recordFailure(provider: string, settings: CircuitSettings): Promise<CircuitState> {
    const after = await this.store.add(gatePk(provider), APP_SK, GATE_ITEM.field('failures'), 1);
    this.items.remember(provider, APP_SK, after);
    const failures = GATE_ITEM.decode(after).failures ?? 1;
    if (failures >= settings.failureThreshold) {
      const now = this.now();
      // Only the first failure at the threshold, or one after the open period, (re)opens it.
      const opened = await this.store.update(gatePk(provider), APP_SK, GATE_ITEM.encode({ openedAtMs: now }), {
        ifAny: [
          { field: GATE_ITEM.field('openedAtMs'), op: 'missing' },
          { field: GATE_ITEM.field('openedAtMs'), op: 'lt', value: now - settings.openSecs * 1000 + 1 },
        ],
      });
      if (!opened) return this.stateOf(await this.items.read(provider, APP_SK), settings);
      this.items.remember(provider, APP_SK, opened);
      return this.stateOf(opened, settings);
    }
    return this.stateOf(after, settings);
  }
}
