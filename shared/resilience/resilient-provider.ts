/**
 * ResilientFitnessProvider: the layer between the cache and a provider. Each data call runs
 * inside a call context (for the rate-limit gate), behind the provider's circuit breaker, with
 * retries and backoff for transient failures; 429s block the gate until their Retry-After.
 * What still fails reaches the cache (which may answer stale) and then the use case (which may
 * queue the request).
 */
import { ProviderError, type Activity } from '../models';
import { ForwardingFitnessProvider, type ReadCall } from '../providers/forwarding';
import type { FitnessProvider, ProviderSession } from '../providers/spi';
import { originOf, type EarlyAdmission } from '../cache/deferred-session';
import { type CircuitBreaker, countsAgainstCircuit, type CircuitState } from './circuit';
import { currentCall, newCallContext, withCallContext, type CallContext } from './context';
import { GateRefusal, type RateLimitGate } from './gate';
import { withRetries } from './retry';
import type { ResilienceSettings } from './settings';

export interface ResilienceDeps {
  gate: RateLimitGate;
  circuit: CircuitBreaker;
  settings: ResilienceSettings;
  sleep: (ms: number) => Promise<void>;
  random?: () => number;
  /** Whose budget and circuit the calls spend (shared/resilience/budget.ts); the provider's global app by default. */
  budget?: string;
}

export class ResilientFitnessProvider extends ForwardingFitnessProvider implements FitnessProvider, EarlyAdmission {
  readonly recentActivities?: (session: ProviderSession) => Promise<Activity[]>;
  /** Admissions started ahead, by the request's (deferred) session; the next call with it takes one. */
  readonly #ahead = new WeakMap<ProviderSession, CallContext>();

  constructor(
    inner: FitnessProvider,
    private readonly deps: ResilienceDeps,
  ) {
    super(inner);
    if (inner.recentActivities) this.recentActivities = (s) => this.#guarded(s, () => inner.recentActivities!(s));
  }

  get derivedFromActivities() {
    return this.inner.derivedFromActivities;
  }

  protected intercept(call: ReadCall): Promise<unknown> {
    return this.#guarded(call.session, () => call.on(this.inner));
  }

  protected override forwardPull(session: ProviderSession, url: string) {
    return this.#guarded(session, () => this.inner.pullNotification!(session, url));
  }

  protected override interceptRequest<T>(session: ProviderSession, request: (session: ProviderSession) => Promise<T>): Promise<T> {
    return this.#guarded(session, () => request(session));
  }

  prepare(session: ProviderSession): void {
    if (this.#ahead.has(session)) return;
    const context = newCallContext({ provider: this.descriptor.name, budget: this.#budget, tenantId: session.tenantId, userId: session.userId });
    context.admission = this.deps.gate.admit(context);
    context.admission.catch(() => undefined); // taken (and thrown) by the call's first request
    this.#ahead.set(session, context);
  }

  async abandon(session: ProviderSession): Promise<void> {
    const context = this.#ahead.get(session);
    this.#ahead.delete(session);
    if (!context) return;
    await this.deps.gate.release(context);
    await this.deps.gate.finish(context);
  }

  get #budget(): string {
    return this.deps.budget ?? this.descriptor.name;
  }

  async #guarded<T>(session: ProviderSession, call: () => Promise<T>): Promise<T> {
    const provider = this.#budget;
    const { gate, circuit, settings } = this.deps;
    // Nested calls (records derived from activities) run in the outer call's context.
    if (currentCall()?.budget === provider) return call();
    const origin = originOf(session);
    const context =
      this.#ahead.get(origin) ?? newCallContext({ provider: this.descriptor.name, budget: provider, tenantId: session.tenantId, userId: session.userId });
    this.#ahead.delete(origin);
    return withCallContext(context, async () => {
      let before: CircuitState | undefined;
      try {
        before = await circuit.check(provider, settings.circuit);
        const value = await withRetries(call, settings.retry, this.deps.sleep, this.deps.random);
        await circuit.recordSuccess(provider, before);
        return value;
      } catch (error) {
        if (error instanceof ProviderError && error.kind === 'rate_limited' && !(error instanceof GateRefusal)) {
          await gate.limited(context, error);
        } else if (countsAgainstCircuit(error)) {
          await circuit.recordFailure(provider, settings.circuit);
        } else if (before && error instanceof ProviderError && error.kind !== 'rate_limited' && error.kind !== 'circuit_open') {
          // The provider answered (a 4xx is the request's fault, not the provider's).
          await circuit.recordSuccess(provider, before);
        }
        throw error;
      } finally {
        await gate.finish(context);
      }
    });
  }
}
