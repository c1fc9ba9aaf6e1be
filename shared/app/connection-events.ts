/** The connection events the use cases publish (docs/events.md holds their bodies). */
import type { Connection, ConnectionKey } from '../store/ports';
import type { Container } from './container-core';

/** Why a connection was revoked: the user disconnected, the provider ended it, it refused a refresh, or its API was retired. */
export type RevokeReason = 'user' | 'provider' | 'refresh_refused' | 'provider_api_retired';

/** Published once per stored connection state, so two containers ending the same connection at once announce it once. */
export function connectionRevoked(container: Container, connection: Connection, reason: RevokeReason): Promise<void> {
  return container.events.publish({
    tenantId: connection.tenantId,
    type: 'connection.revoked',
    data: { user_id: connection.userId, provider: connection.provider, reason },
    onceKey: JSON.stringify(['revoked', connection.userId, connection.provider, connection.updatedAt]),
  });
}

/**
 * The connection cannot be used until the user connects again (expired with no refresh token, or
 * stored in a form that can no longer be opened). Reads notice this again and again: published
 * once per stored state (`since`: its updatedAt).
 */
export function reauthorizationRequired(container: Container, key: ConnectionKey, reason: 'expired' | 'unreadable', since: string): Promise<void> {
  return container.events.publish({
    tenantId: key.tenantId,
    type: 'connection.reauthorization_required',
    data: { user_id: key.userId, provider: key.provider, reason },
    onceKey: JSON.stringify(['reauthorization_required', key.userId, key.provider, since]),
  });
}
