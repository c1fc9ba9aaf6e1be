/**
 * Receiving a provider's webhook: the provider verifies and reads the delivery
 * (`handleWebhook`), and this applies its events. The provider's user id leads to our
 * connections through the index written at callback time; unknown owners are acknowledged
 * and ignored, so the answer never tells whether a user exists. Every effect is idempotent,
 * so repeated deliveries are harmless.
 *
 * Webhook routes are public, so a delivery costs bounded work whatever it holds: its events
 * are grouped by provider user (one index query each, however many entries name them), at
 * most MAX_WEBHOOK_USERS users are applied, USER_CONCURRENCY at a time, and none is started
 * once the invocation is nearly out of time (no work outlives the answer). Nothing destructive
 * rests on an unauthenticated delivery: its data events only mark cached answers stale (and
 * what they name is read from the provider itself, never taken from the delivery: ./ingest),
 * and its deauthorizations are confirmed with the provider (`./deauthorization`).
 */
import { cachePartition, stalePrefixes } from '../cache/keys';
import { remainingBudgetMs } from '../context/request';
import type { FitnessProvider, WebhookEvent, WebhookRequest, WebhookResource } from '../providers/spi';
import type { Connection } from '../store/ports';
import type { Container } from './container';
import { confirmDeauthorization } from './deauthorization';
import { AppError, SERVICE_RETRY_SECS } from './errors';
import { identityProblem } from './identity';
import { logger } from './observability';
import { resolveProviderName } from './provider-name';
import { collectIngest, emptyIngest, ingest, type Ingest } from './ingest';
import { endAccess } from './sessions';

interface WebhookAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Provider users one delivery may touch; the rest are acknowledged and left alone (logged, and
 * counted in the default answer). Answering 413 instead would make Garmin, which retries a
 * non-2xx delivery for 7 days, send the same oversized delivery again and again.
 */
export const MAX_WEBHOOK_USERS = 100;
/** Provider users applied at the same time (each one index query, then a few writes). */
export const USER_CONCURRENCY = 8;
/** A user is started only while this much of the invocation's budget is left (a DynamoDB call gives up after 2 s, a retry included). */
export const USER_RESERVE_MS = 1_000;
/** Longer provider user ids name nobody (ours are short), and would not fit a key. */
const MAX_PROVIDER_USER_ID_LENGTH = 255;

const ACK: WebhookAnswer = { status: 200, body: { ok: true } };

/** The one answer to every refused delivery, whatever the reason, so that nothing can be learnt by counting. */
const REJECTED: WebhookAnswer = {
  status: 401,
  body: { error: { code: 'webhook_rejected', message: 'The delivery could not be verified' } },
};

/** Everything one delivery says about one provider user. */
interface UserEvents {
  providerUserId: string;
  changed: Set<WebhookResource>;
  /** What the delivery carries or names to be stored (./ingest). */
  ingest: Ingest;
  deauthorized: boolean;
  /** The latest deauthorization's time, undefined when one did not say. */
  deauthorizedAtMs: number | undefined;
}

/** The later of two deauthorization times; one that does not say when counts as the latest. */
const later = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : Math.max(a, b));

/** One entry per provider user, in order of appearance, with everything the delivery says about them. */
function byUser(events: readonly WebhookEvent[]): UserEvents[] {
  const users = new Map<string, UserEvents>();
  for (const event of events) {
    const id = event.providerUserId;
    if (id.length > MAX_PROVIDER_USER_ID_LENGTH) continue;
    let user = users.get(id);
    if (!user) users.set(id, (user = { providerUserId: id, changed: new Set(), ingest: emptyIngest(), deauthorized: false, deauthorizedAtMs: undefined }));
    for (const resource of event.changed) user.changed.add(resource);
    collectIngest(user.ingest, event);
    if (event.kind === 'deauthorized') {
      user.deauthorizedAtMs = user.deauthorized ? later(user.deauthorizedAtMs, event.occurredAtMs) : event.occurredAtMs;
      user.deauthorized = true;
    }
  }
  return [...users.values()];
}

/** A late delivery about access the user has since granted again must not revoke the new connection. */
function olderThan(connection: Connection, atMs: number | undefined): boolean {
  // Providers give whole seconds: only a connection updated a full second later is newer for sure.
  return atMs !== undefined && Date.parse(connection.updatedAt) - 1000 > atMs;
}

async function applyTo(container: Container, connection: Connection, user: UserEvents, authenticated: boolean): Promise<void> {
  const partition = cachePartition(connection.tenantId, connection.userId, connection.provider);
  if (user.deauthorized) {
    if (olderThan(connection, user.deauthorizedAtMs)) {
      logger.info('deauthorization older than the connection; ignored', { provider: connection.provider });
    } else if (authenticated) {
      return endAccess(container, connection, 'provider');
    } else if (await confirmDeauthorization(container, connection)) {
      return;
    }
  }
  if (user.changed.size === 0) return;
  const prefixes = stalePrefixes([...user.changed]);
  // A stranger's event may cost the user a refresh, never their cached answers.
  if (authenticated) await container.cache.invalidate(partition, prefixes);
  else await container.cache.markStale(partition, prefixes, container.deps.now());
  if (connection.status === 'connected') await ingest(container, connection, user.ingest, authenticated);
}

/**
 * Whether a connection was made with the app the delivery came through: a delivery to
 * `/webhooks/<p>/<tenant>` speaks for that tenant's own app, one to `/webhooks/<p>` for the
 * global app and so only for tenants the global app serves (a provider user id is the same
 * whichever app the user granted, so it alone does not say which grant an event is about).
 */
async function madeWith(container: Container, connection: Connection, via: DeliveryApp): Promise<boolean> {
  if (via.tenantId !== undefined) return connection.tenantId === via.tenantId;
  try {
    return (await container.app(connection.tenantId, connection.provider)).source === 'global';
  } catch {
    return false; // the tenant may not use the global app: nothing the global app says is about it
  }
}

/** Which app a delivery came through: a tenant's own (`/webhooks/<p>/<tenant>`), or the global one. */
interface DeliveryApp {
  tenantId?: string | undefined;
}

/** Applies each user's events, a few users at a time, starting none once the budget is nearly spent; how many were applied. */
async function applyAll(container: Container, provider: string, users: readonly UserEvents[], authenticated: boolean, via: DeliveryApp) {
  let next = 0;
  let applied = 0;
  let connections = 0;
  let failed = 0;
  const timeLeft = () => (remainingBudgetMs() ?? Number.POSITIVE_INFINITY) > USER_RESERVE_MS;
  const worker = async () => {
    while (next < users.length && timeLeft()) {
      const user = users[next++]!;
      try {
        const found: Connection[] = [];
        for (const connection of await container.connections.findByProviderUserId(provider, user.providerUserId)) {
          if (await madeWith(container, connection, via)) found.push(connection);
        }
        // One user's connections in order: there are few (one per tenant that connected them).
        for (const connection of found) await applyTo(container, connection, user, authenticated);
        connections += found.length;
        applied++;
      } catch (error) {
        failed++;
        logger.warn('webhook events of one user could not be applied', { provider, reason: error instanceof Error ? error.name : typeof error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(USER_CONCURRENCY, users.length) }, worker));
  return { applied, connections, failed, unstarted: users.length - applied - failed };
}

/** The provider verifying with the app the delivery names, or undefined when that tenant has no app of its own (answered like any refusal). */
async function verifierOf(container: Container, name: string, via: DeliveryApp): Promise<FitnessProvider | undefined> {
  if (via.tenantId === undefined) return container.provider(name);
  if (identityProblem(via.tenantId)) return undefined;
  try {
    const app = await container.app(via.tenantId, name);
    return app.source === 'tenant' ? container.provider(name, app) : undefined;
  } catch (error) {
    if (error instanceof AppError && error.status === 403) return undefined;
    throw error;
  }
}

/** One delivery to `/webhooks/<provider>` (the global app) or `/webhooks/<provider>/<tenant>` (that tenant's own app). */
export async function receiveWebhook(container: Container, providerName: string, request: WebhookRequest, tenantId?: string): Promise<WebhookAnswer> {
  const name = resolveProviderName(container, providerName);
  if (!container.provider(name).handleWebhook) throw new AppError(404, 'not_found', `${name} sends no webhooks`);
  const via: DeliveryApp = { tenantId };
  const provider = await verifierOf(container, name, via);
  if (!provider?.handleWebhook) {
    logger.warn('webhook rejected', { provider: name, reason: 'the tenant named in the path has no app of its own at this provider' });
    return REJECTED;
  }
  const result = await provider.handleWebhook(request);
  switch (result.kind) {
    case 'challenge':
      return { status: result.status, body: result.body, headers: { ...result.headers } };
    case 'rejected':
      logger.warn('webhook rejected', { provider: name, reason: result.reason });
      return REJECTED;
    case 'unavailable':
      logger.warn('webhook cannot be verified now', { provider: name, reason: result.reason });
      throw new AppError(503, 'service_unavailable', 'The delivery cannot be verified now; deliver it again later', {
        'retry-after': String(SERVICE_RETRY_SECS),
      });
    case 'events': {
      const users = byUser(result.events);
      const ignored = Math.max(0, users.length - MAX_WEBHOOK_USERS);
      if (ignored > 0) logger.warn('webhook names too many users; the rest are ignored', { provider: name, users: users.length, applied: MAX_WEBHOOK_USERS });
      const outcome = await applyAll(container, name, users.slice(0, MAX_WEBHOOK_USERS), result.authenticated, via);
      logger.info('webhook applied', { provider: name, events: result.events.length, authenticated: result.authenticated, ...outcome, ignored });
      if (outcome.failed > 0 || outcome.unstarted > 0) {
        // Every effect is idempotent: the provider's next attempt finishes the work.
        const retry = { 'retry-after': String(SERVICE_RETRY_SECS) };
        if (outcome.unstarted > 0) throw new AppError(503, 'service_timeout', 'The delivery could not be applied in time; deliver it again', retry);
        throw new AppError(503, 'service_unavailable', 'Part of the delivery could not be applied; deliver it again', retry);
      }
      if (result.ack) return result.ack;
      return ignored > 0 ? { status: 200, body: { ok: true, ignored_users: ignored } } : ACK;
    }
  }
}
