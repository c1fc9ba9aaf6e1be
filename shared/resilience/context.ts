/**
 * Who a provider call is made for. The resilient decorator sets it in the request context
 * (shared/context/request.ts) around each data call so that the rate-limit gate, consulted
 * from deep inside the provider's HTTP client, knows the user (per-user budgets, fair share)
 * without the provider passing it along.
 */
import { currentRequest, withinRequest } from '../context/request';

export interface CallContext {
  provider: string;
  /** Whose budget the call spends: the provider's global app (its name) or a tenant's own app (shared/resilience/budget.ts). */
  budget: string;
  tenantId: string;
  userId: string;
  /** The probe leases this call holds (scope -> lease holder), for windows nobody knows yet. */
  probes: Map<string, string>;
  /** Whether an answer of this call reported usage, and whether one reported none. */
  observed: boolean;
  unreported: boolean;
  /** What the gate last read about which scope the provider's headers describe. */
  reports?: 'app' | 'user' | 'none' | undefined;
  /** An admission started ahead of the call (while the cache took its fill lease); the call's first request takes it. */
  admission?: Promise<void> | undefined;
  /** The gate's last reservation for this call (what it added, to which scope), so that an unused one can be given back. */
  reserved?: { scopeKey: string; add: Record<string, number> } | undefined;
}

export function newCallContext(who: Pick<CallContext, 'provider' | 'tenantId' | 'userId'> & { budget?: string | undefined }): CallContext {
  return { ...who, budget: who.budget ?? who.provider, probes: new Map(), observed: false, unreported: false };
}

export function withCallContext<T>(context: CallContext, run: () => Promise<T>): Promise<T> {
  return withinRequest({ call: context }, run);
}

export function currentCall(): CallContext | undefined {
  return currentRequest()?.call;
}
