/** The tenant's published events: listing, one with its delivery attempts, and resending. */
import { endpointAnswer } from './endpoints';
import type { Attempt, EventType, StoredEvent } from '../events/ports';
import { queueDeliveries } from '../events/publisher';
import type { Container } from './container-core';
import { AppError } from './errors';

const MAX_ATTEMPTS_SHOWN = 100;

const eventAnswer = (event: StoredEvent) => ({ id: event.id, type: event.type, timestamp: new Date(event.createdAtMs).toISOString(), data: event.data });

const attemptAnswer = (a: Attempt) => ({
  endpoint_id: a.endpointId,
  attempt: a.attempt,
  at: new Date(a.atMs).toISOString(),
  status: a.status ?? null,
  latency_ms: a.latencyMs,
  error: a.error ?? null,
  outcome: a.outcome,
});

const notFound = () => new AppError(404, 'not_found', 'No such event for your tenant (events are kept 30 days)');

export async function listEvents(container: Container, tenantId: string, query: { after?: string | undefined; type?: EventType | undefined; limit: number }) {
  const now = container.deps.now();
  const [page, endpoints] = await Promise.all([container.eventStore.listEvents(tenantId, query, now), container.eventStore.listEndpoints(tenantId)]);
  return {
    events: page.events.map(eventAnswer),
    next: page.next ?? null,
    disabled_endpoints: endpoints.filter((e) => e.disabledAtMs !== undefined).map(endpointAnswer),
  };
}

export async function getEvent(container: Container, tenantId: string, id: string) {
  const now = container.deps.now();
  const [event, attempts] = await Promise.all([
    container.eventStore.getEvent(tenantId, id, now),
    container.eventStore.listAttempts(tenantId, id, MAX_ATTEMPTS_SHOWN, now),
  ]);
  if (!event) throw notFound();
  return { ...eventAnswer(event), attempts: attempts.map(attemptAnswer) };
}

/**
 * Delivers the event again, with the same `webhook-id`, to every endpoint that wants its type, a
 * disabled one included: a resend that succeeds enables it again.
 */
export async function resendEvent(container: Container, tenantId: string, id: string) {
  const event = await container.eventStore.getEvent(tenantId, id, container.deps.now());
  if (!event) throw notFound();
  const endpoints = await queueDeliveries({ store: container.eventStore, queue: container.deliveryQueue, now: container.deps.now }, event, true);
  return { id, endpoints: endpoints.map((e) => e.id) };
}
