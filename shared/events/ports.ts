/**
 * Events to the customer's application: what happened, published by the use cases and delivered
 * (signed, retried, logged) by the events layer to the endpoints each tenant registered.
 */
import type { UserErasable } from '../store/ports';

/** Every event type the service publishes; endpoints subscribe to a subset. */
export const EVENT_TYPES = [
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

export type EventType = (typeof EVENT_TYPES)[number];

export interface PublishedEvent {
  tenantId: string;
  type: EventType;
  /** The event's body `data`: ids and ranges, never tokens or provider payloads. */
  data: Record<string, unknown>;
  /**
   * Publishes once: a second event with the same key (within the events' retention) is dropped.
   * For what a read may notice again and again (an unreadable connection), not for distinct happenings.
   */
  onceKey?: string;
}

/** Where use cases report events; publishing never fails the use case that reports one. */
export interface EventPublisher {
  publish(event: PublishedEvent): Promise<void>;
}

/** A published event as stored (30 days) and delivered: its id is the deliveries' `webhook-id`. */
export interface StoredEvent {
  id: string;
  tenantId: string;
  type: EventType;
  data: Record<string, unknown>;
  createdAtMs: number;
}

/** Where a tenant wants its events; the signing secrets live apart (EndpointSecretStore). */
export interface Endpoint {
  id: string;
  tenantId: string;
  url: string;
  /** The types wanted; undefined: every type. */
  types?: EventType[] | undefined;
  createdAtMs: number;
  /** Since when every delivery to it has failed (cleared by a success). */
  failingSinceMs?: number | undefined;
  /** When it was disabled for failing too long: nothing is sent to it until a resend succeeds. */
  disabledAtMs?: number | undefined;
}

/** What one delivery attempt did. */
export interface Attempt {
  eventId: string;
  endpointId: string;
  /** 1 for the first try; a resend starts again at 1. */
  attempt: number;
  atMs: number;
  /** The receiver's HTTP status; absent when none came (refused target, timeout, connection error). */
  status?: number | undefined;
  latencyMs: number;
  error?: string | undefined;
  /** `delivered`; `retrying` (another attempt is scheduled); `failed` (given up: permanent answer, 3 days, or endpoint disabled). */
  outcome: 'delivered' | 'retrying' | 'failed';
}

/**
 * Whether erasing `userId` deletes the stored event: every event naming a user does so in
 * `data.user_id`. The `user.erased` receipt stays (until the events' retention ends): it is how the
 * customer's application learns which user was erased (docs/erasure.md).
 */
export const erasedWithUser = (event: Pick<StoredEvent, 'type' | 'data'>, userId: string): boolean =>
  event.type !== 'user.erased' && event.data['user_id'] === userId;

export interface EventPage {
  events: StoredEvent[];
  /** Pass as `after` for the next page; undefined when nothing more was stored at reading time. */
  next?: string | undefined;
}

/** `eraseUser` deletes the tenant's events `erasedWithUser`, with their attempts and once keys (kind `events`). */
export interface EventStore extends UserErasable {
  /** Stores the event; false when `onceKey` was already used (nothing stored). */
  putEvent(event: StoredEvent, expiresAtSecs: number, onceKey?: string): Promise<boolean>;
  getEvent(tenantId: string, id: string, nowMs: number): Promise<StoredEvent | undefined>;
  /**
   * The tenant's events after `after` (an event id), oldest first. At most `limit` events are
   * examined: with `type` a page may hold fewer (even none) and still have a `next`.
   */
  listEvents(tenantId: string, query: { after?: string | undefined; type?: EventType | undefined; limit: number }, nowMs: number): Promise<EventPage>;
  putAttempt(tenantId: string, attempt: Attempt, expiresAtSecs: number): Promise<void>;
  /** The event's most recent attempts, newest first, at most `limit`. */
  listAttempts(tenantId: string, eventId: string, limit: number, nowMs: number): Promise<Attempt[]>;

  /** Adds the endpoint unless the tenant already has `max`; false when full. */
  createEndpoint(endpoint: Endpoint, max: number): Promise<boolean>;
  listEndpoints(tenantId: string): Promise<Endpoint[]>;
  getEndpoint(tenantId: string, id: string): Promise<Endpoint | undefined>;
  /** False when there was no such endpoint. */
  deleteEndpoint(tenantId: string, id: string): Promise<boolean>;
  /**
   * Records a delivery's end for the endpoint's health: a success clears the failing and
   * disabled marks; a failure sets `failingSinceMs` when unset and disables the endpoint once it
   * has failed for `disableAfterMs`. Returns the endpoint as it now stands (undefined: deleted).
   */
  recordOutcome(tenantId: string, id: string, delivered: boolean, nowMs: number, disableAfterMs: number): Promise<Endpoint | undefined>;
}

/** An endpoint's signing secrets (`whsec_...`): the current one and, during a rotation, the previous one until it lapses. */
export interface EndpointSecrets {
  current: string;
  previous?: string | undefined;
  previousUntilMs?: number | undefined;
}

/**
 * The signing secrets, apart from everything else: on AWS their table is read by the delivery
 * worker alone; the admin function only writes (put, rotate, delete) and never reads one back.
 */
export interface EndpointSecretStore {
  put(tenantId: string, endpointId: string, secret: string): Promise<void>;
  /** The current secret becomes the previous one (valid until `previousUntilMs`), `secret` the current one. */
  rotate(tenantId: string, endpointId: string, secret: string, previousUntilMs: number): Promise<void>;
  delete(tenantId: string, endpointId: string): Promise<void>;
  read(tenantId: string, endpointId: string): Promise<EndpointSecrets | undefined>;
}
