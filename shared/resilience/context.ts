/**
 * Who a provider call is made for. The resilient decorator opens it around each data call so
 * that the rate-limit gate, consulted from deep inside the provider's HTTP client, knows the
 * user (per-user budgets, fair share) without the provider passing it along.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface CallContext {
  provider: string;
  tenantId: string;
  userId: string;
  /** The probe leases this call holds (scope -> lease holder), for windows nobody knows yet. */
  probes: Map<string, string>;
  /** Whether an answer of this call reported usage, and whether one reported none. */
  observed: boolean;
  unreported: boolean;
  /** What the gate last read about which scope the provider's headers describe. */
  reports?: 'app' | 'user' | 'none' | undefined;
}

const storage = new AsyncLocalStorage<CallContext>();

export function withCallContext<T>(context: Pick<CallContext, 'provider' | 'tenantId' | 'userId'>, run: () => Promise<T>): Promise<T> {
  return storage.run({ ...context, probes: new Map(), observed: false, unreported: false }, run);
}

export function currentCall(): CallContext | undefined {
  return storage.getStore();
}
