/**
 * The delivery worker's use case: one queue message is one attempt of one event to one
 * endpoint. A message not due yet goes back on the queue for what is left (at most SQS's 15
 * minutes a hop, as the retry worker does); a due one is signed with the endpoint's live secrets
 * and POSTed. A 2xx delivers; a 4xx other than 408/429 (or a refused target) fails for good; any
 * other failure is tried again after an exponential backoff with jitter, for 3 days from the
 * first attempt (the last try at the end of the 3 days). Every attempt is logged (status, latency, error) for 30 days, and each outcome
 * feeds the endpoint's health: failing for 3 days disables it.
 *
 * Delivery is at least once (SQS may hand a message over twice) and per-endpoint order is not
 * kept; receivers deduplicate on `webhook-id` and order by the body's `timestamp`.
 */
import { logger } from '../app/observability';
import { MAX_QUEUE_DELAY_SECS, type JobQueue } from '../store/ports';
import { deliveryMessage, readDeliveryMessage, type DeliveryMessage } from './delivery-message';
import { postJson, type PostOutcome, type TargetPolicy } from './outbound';
import type { Attempt, EndpointSecretStore, EventStore, StoredEvent } from './ports';
import { wants } from './publisher';
import { DISABLE_AFTER_MS, EVENT_RETENTION_SECS, RETRY_WINDOW_MS, retryDelayMs } from './settings';
import { liveSecrets, webhookHeaders } from './signing';

export interface DeliveryDeps {
  store: EventStore;
  secrets: EndpointSecretStore;
  queue: JobQueue;
  now: () => number;
  targets: TargetPolicy;
  random?: () => number;
}

export type DeliveryOutcome = 'delayed' | 'delivered' | 'retrying' | 'failed' | 'skipped';

class PoisonMessage extends Error {
  override name = 'PoisonMessage';
}

/** The body the receiver gets (Standard Webhooks' suggested shape). */
function webhookBody(event: StoredEvent): string {
  return JSON.stringify({ type: event.type, timestamp: new Date(event.createdAtMs).toISOString(), data: event.data });
}

/** A receiver's answer that retrying cannot change: a 4xx other than 408 (timeout) and 429 (slow down), or a target we refuse. */
function permanent(outcome: PostOutcome): boolean {
  if (outcome.error?.startsWith('refused target')) return true;
  return outcome.status !== undefined && outcome.status >= 400 && outcome.status < 500 && outcome.status !== 408 && outcome.status !== 429;
}

const delivered = (outcome: PostOutcome) => outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300;

function describe(outcome: PostOutcome): string | undefined {
  if (outcome.error) return outcome.error;
  if (outcome.status !== undefined && (outcome.status < 200 || outcome.status >= 300)) return `answered HTTP ${outcome.status}`;
  return undefined;
}

async function requeue(deps: DeliveryDeps, message: DeliveryMessage, body: string): Promise<void> {
  const waitSecs = Math.ceil((message.due_ms - deps.now()) / 1000);
  await deps.queue.send(body, Math.min(MAX_QUEUE_DELAY_SECS, Math.max(0, waitSecs)));
}

export async function processDelivery(deps: DeliveryDeps, body: string): Promise<DeliveryOutcome> {
  const message = readDeliveryMessage(body);
  if (!message) throw new PoisonMessage('the message is not a delivery');
  const now = deps.now();
  if (message.due_ms > now) {
    await requeue(deps, message, body);
    return 'delayed';
  }
  const [endpoint, event, secrets] = await Promise.all([
    deps.store.getEndpoint(message.tenant, message.endpoint),
    deps.store.getEvent(message.tenant, message.event, now),
    deps.secrets.read(message.tenant, message.endpoint),
  ]);
  // Deleted endpoint, expired event, or a subscription narrowed since: nothing to send.
  if (!endpoint || !event || !secrets || !wants(endpoint, event)) return 'skipped';
  const log = (attempt: Omit<Attempt, 'eventId' | 'endpointId' | 'attempt'>) =>
    deps.store.putAttempt(
      message.tenant,
      { eventId: event.id, endpointId: endpoint.id, attempt: message.attempt, ...attempt },
      Math.floor(now / 1000) + EVENT_RETENTION_SECS,
    );
  // A resend (attempt 1) tries a disabled endpoint once; a retry chain stops when it was disabled.
  if (endpoint.disabledAtMs !== undefined && message.attempt > 1) {
    await log({ atMs: now, latencyMs: 0, error: 'the endpoint is disabled', outcome: 'failed' });
    return 'failed';
  }

  const payload = webhookBody(event);
  const headers = webhookHeaders(liveSecrets(secrets, now), event.id, Math.floor(now / 1000), payload);
  const outcome = await postJson(endpoint.url, headers, payload, deps.targets, deps.now);
  const ok = delivered(outcome);
  const health = await deps.store.recordOutcome(message.tenant, endpoint.id, ok, deps.now(), DISABLE_AFTER_MS);
  if (ok) {
    await log({ atMs: now, status: outcome.status, latencyMs: outcome.latencyMs, outcome: 'delivered' });
    return 'delivered';
  }
  // The last try comes when the 3 days are up, so that an endpoint down all along is disabled by it.
  const windowEndMs = message.first_ms + RETRY_WINDOW_MS;
  const retry = !permanent(outcome) && now < windowEndMs && health !== undefined && health.disabledAtMs === undefined;
  await log({ atMs: now, status: outcome.status, latencyMs: outcome.latencyMs, error: describe(outcome), outcome: retry ? 'retrying' : 'failed' });
  if (!retry) {
    logger.warn('an event delivery was given up', { eventId: event.id, endpointId: endpoint.id, attempt: message.attempt, status: outcome.status });
    return 'failed';
  }
  const dueMs = Math.min(now + retryDelayMs(message.attempt, deps.random), windowEndMs);
  const next = { event, endpointId: endpoint.id, attempt: message.attempt + 1, firstMs: message.first_ms, dueMs };
  const nextBody = deliveryMessage(next);
  await requeue(deps, readDeliveryMessage(nextBody)!, nextBody);
  return 'retrying';
}
