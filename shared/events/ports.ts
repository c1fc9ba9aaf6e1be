/**
 * Events to the customer's application: what happened, published by the use cases and delivered
 * (signed, retried, logged) by the events layer to the endpoints each tenant registered.
 */

/** Every event type the service publishes; endpoints subscribe to a subset. */
const EVENT_TYPES = [
  'connection.created',
  'connection.revoked',
  'connection.reauthorization_required',
  'history.completed',
  'history.failed',
  'data.created',
  'data.updated',
  'data.deleted',
  'job.succeeded',
  'job.failed',
  'user.erased',
] as const;

type EventType = (typeof EVENT_TYPES)[number];

export interface PublishedEvent {
  tenantId: string;
  type: EventType;
  /** The event's body `data`: ids and ranges, never tokens or provider payloads. */
  data: Record<string, unknown>;
}

/** Where use cases report events; publishing never fails the use case that reports one. */
export interface EventPublisher {
  publish(event: PublishedEvent): Promise<void>;
}
