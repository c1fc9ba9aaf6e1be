/** Connection status for every registered provider, and disconnecting (with revoke). */
import type { Container } from './container';
import { invalidRequest } from './errors';
import type { Identity } from './identity';
import { logger } from './observability';
import { dropProviderData } from './provider-data';
import { resolveProviderName } from './provider-name';
import { withSession } from './sessions';
import { connectionRevoked } from './connection-events';
import { historiesOf } from './history';

export async function connectionStatus(container: Container, identity: Identity) {
  const [connections, histories] = await Promise.all([
    container.connections.listForUser(identity.tenantId, identity.userId),
    historiesOf(container, identity.tenantId, identity.userId),
  ]);
  const stored = new Map(connections.map((c) => [c.provider, c]));
  const providers: Record<string, object> = {};
  for (const descriptor of container.registry.descriptors()) {
    const connection = stored.get(descriptor.name);
    const history = histories.get(descriptor.name);
    const withHistory = history ? { history } : {};
    if (descriptor.connection === 'none') {
      providers[descriptor.name] = { connected: true, status: 'connected', requires_connection: false, ...withHistory };
    } else if (!connection) {
      providers[descriptor.name] = { connected: false, status: 'disconnected' };
    } else {
      providers[descriptor.name] = {
        connected: connection.status === 'connected',
        status: connection.status,
        scopes: connection.scopes,
        connected_at: connection.connectedAt,
        expires_at: connection.expiresAt !== undefined ? new Date(connection.expiresAt * 1000).toISOString() : null,
        ...withHistory,
      };
    }
  }
  return { providers };
}

export async function disconnect(container: Container, identity: Identity, providerName: string) {
  const name = resolveProviderName(container, providerName);
  if (container.provider(name).descriptor.connection === 'none') {
    throw invalidRequest('provider', `${name} needs no connection and cannot be disconnected`);
  }
  const key = { ...identity, provider: name };
  const connection = await container.connections.get(key);
  if (connection && connection.status === 'connected') {
    try {
      // Through a session, so an expired access token is refreshed before revoking with it.
      await withSession(container, identity, name, (p, session) => p.revokeToken(session));
    } catch (error) {
      // The user asked to leave: forget the tokens even if the provider cannot be told.
      logger.warn('revoking at the provider failed; tokens deleted anyway', {
        provider: name,
        reason: error instanceof Error ? error.message : 'unknown',
      });
    }
  }
  await container.connections.delete(key);
  await dropProviderData(container, key);
  if (connection?.status === 'connected') await connectionRevoked(container, connection, 'user');
  return { provider: name, connected: false, status: 'disconnected' as const };
}
