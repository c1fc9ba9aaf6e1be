/**
 * Publishing: the event is stored (30 days), then one delivery per endpoint of the tenant that
 * wants its type is queued. Publishing never fails the use case that reports the event: a store
 * or queue failure is logged, and the event (if stored) can be resent by `POST /events/{id}/resend`.
 */
import { logger } from '../app/observability';
import type { JobQueue } from '../store/ports';
import { newEventId } from './ids';
import type { Endpoint, EventPublisher, EventStore, PublishedEvent, StoredEvent } from './ports';
import { EVENT_RETENTION_SECS } from './settings';
import { deliveryMessage } from './delivery-message';

export interface PublishingDeps {
  store: EventStore;
  queue: JobQueue;
  now: () => number;
}

export const wants = (endpoint: Endpoint, event: StoredEvent) => endpoint.types === undefined || endpoint.types.includes(event.type);

/**
 * Queues one delivery of `event` per endpoint that wants it; a disabled endpoint only when
 * `includeDisabled` (a resend). Returns the endpoints queued.
 */
export async function queueDeliveries(deps: PublishingDeps, event: StoredEvent, includeDisabled = false): Promise<Endpoint[]> {
  const endpoints = (await deps.store.listEndpoints(event.tenantId)).filter((e) => wants(e, event) && (includeDisabled || e.disabledAtMs === undefined));
  const now = deps.now();
  await Promise.all(endpoints.map((endpoint) => deps.queue.send(deliveryMessage({ event, endpointId: endpoint.id, attempt: 1, firstMs: now, dueMs: now }), 0)));
  return endpoints;
}

export class DeliveringEventPublisher implements EventPublisher {
  constructor(private readonly deps: PublishingDeps) {}

  async publish(published: PublishedEvent): Promise<void> {
    try {
      const now = this.deps.now();
      const event: StoredEvent = { id: newEventId(now), tenantId: published.tenantId, type: published.type, data: published.data, createdAtMs: now };
      const expiresAtSecs = Math.floor(now / 1000) + EVENT_RETENTION_SECS;
      if (!(await this.deps.store.putEvent(event, expiresAtSecs, published.onceKey))) return;
      await queueDeliveries(this.deps, event);
    } catch (error) {
      logger.error('an event could not be published', {
        type: published.type,
        tenantId: published.tenantId,
        reason: error instanceof Error ? error.name : 'unknown',
      });
    }
  }
}
