/**
 * Receiving a provider's webhook: the provider verifies and reads the delivery
 * (`handleWebhook`), and this applies its events. The provider's user id leads to our
 * connections through the index written at callback time; unknown owners are acknowledged
 * and ignored, so the answer never tells whether a user exists. Every effect is idempotent,
 * so repeated deliveries are harmless.
 */
import { cachePartition, stalePrefixes } from '../cache/keys';
import type { WebhookEvent, WebhookRequest } from '../providers/spi';
import type { Container } from './container';
import { AppError } from './errors';
import { logger } from './observability';
import { resolveProviderName } from './provider-name';
import { revokedConnection } from './sessions';

interface WebhookAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const ACK: WebhookAnswer = { status: 200, body: { ok: true } };

async function apply(container: Container, provider: string, event: WebhookEvent): Promise<number> {
  const connections = await container.connections.findByProviderUserId(provider, event.providerUserId);
  for (const connection of connections) {
    const partition = cachePartition(connection.tenantId, connection.userId, provider);
    if (event.kind === 'deauthorized') {
      // A late delivery about access the user has since granted again must not revoke the new connection.
      // (Providers give whole seconds: only a connection updated a full second later is newer for sure.)
      if (event.occurredAtMs !== undefined && Date.parse(connection.updatedAt) - 1000 > event.occurredAtMs) {
        logger.info('deauthorization older than the connection; ignored', { provider });
        continue;
      }
      // The user took our access away at the provider: the tokens are worthless, forget them.
      if (connection.status === 'connected') await container.connections.put(revokedConnection(connection, container.deps.now()));
      await container.cache.invalidate(partition);
    } else {
      await container.cache.invalidate(partition, stalePrefixes(event.changed));
    }
  }
  return connections.length;
}

export async function receiveWebhook(container: Container, providerName: string, request: WebhookRequest): Promise<WebhookAnswer> {
  const name = resolveProviderName(container, providerName);
  const provider = container.provider(name);
  if (!provider.handleWebhook) throw new AppError(404, 'not_found', `${name} sends no webhooks`);
  const result = await provider.handleWebhook(request);
  switch (result.kind) {
    case 'challenge':
      return { status: result.status, body: result.body, headers: { ...result.headers } };
    case 'rejected':
      logger.warn('webhook rejected', { provider: name, status: result.status, reason: result.reason });
      return { status: result.status, body: { error: { code: 'webhook_rejected', message: 'The delivery could not be verified' } } };
    case 'events': {
      let matched = 0;
      // One owner's events in order (a deauthorization after an update must win); owners in parallel.
      const byOwner = new Map<string, WebhookEvent[]>();
      for (const event of result.events) byOwner.set(event.providerUserId, [...(byOwner.get(event.providerUserId) ?? []), event]);
      await Promise.all(
        [...byOwner.values()].map(async (events) => {
          for (const event of events) matched += await apply(container, name, event);
        }),
      );
      logger.info('webhook applied', { provider: name, events: result.events.length, connections: matched });
      return result.ack ?? ACK;
    }
  }
}
