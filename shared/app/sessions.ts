/**
 * Opening an authenticated session with a provider for one user: loads the stored
 * connection, refreshes tokens that expire within five minutes, and retries once with a
 * fresh token when the provider rejects the current one.
 */
import { randomUUID } from 'node:crypto';
import { deferredSession } from '../cache/deferred-session';
import { SingleFlight } from '../single-flight';
import { acquireLease, releaseLease } from '../resilience/lease';
import { cachePartition } from '../cache/keys';
import { ProviderError } from '../models';
import { remainingBudgetMs } from '../context/request';
import type { FitnessProvider, ProviderSession, TokenSet } from '../providers/spi';
import type { Connection } from '../store/ports';
import type { Container } from './container';
import { AppError, notConnected, serviceTimeout, unreadableConnection } from './errors';
import type { Identity } from './identity';
import { logger } from './observability';

const REFRESH_MARGIN_SECS = 300;
/** A refresh lease outlives one token request (10 s timeout) and ends by itself if its holder dies. */
const REFRESH_LEASE_MS = 15_000;
/** How long a request waits for another container's refresh before giving up (less when the invocation's deadline comes first). */
const REFRESH_WAIT_MS = 20_000;
const REFRESH_POLL_MS = 100;

export function connectionFromTokens(identity: Identity, provider: string, tokens: TokenSet, nowMs: number, previous?: Connection): Connection {
  const now = new Date(nowMs).toISOString();
  return {
    tenantId: identity.tenantId,
    userId: identity.userId,
    provider,
    accessToken: tokens.accessToken,
    // A refresh answer without a refresh token keeps the one we have.
    refreshToken: tokens.refreshToken ?? previous?.refreshToken,
    expiresAt: tokens.expiresAt,
    scopes: tokens.scopes.length > 0 ? tokens.scopes : (previous?.scopes ?? []),
    providerUserId: tokens.providerUserId ?? previous?.providerUserId,
    status: 'connected',
    connectedAt: previous?.connectedAt ?? now,
    updatedAt: now,
  };
}

function sessionOf(connection: Connection): ProviderSession {
  return {
    tenantId: connection.tenantId,
    userId: connection.userId,
    accessToken: connection.accessToken,
    providerUserId: connection.providerUserId,
  };
}

function expiresSoon(connection: Connection, nowMs: number): boolean {
  return connection.expiresAt !== undefined && connection.expiresAt - nowMs / 1000 < REFRESH_MARGIN_SECS;
}

// Concurrent requests of one container share a refresh: with rotating refresh tokens a second,
// parallel refresh would be refused and could revoke a healthy connection.
const refreshing = new WeakMap<Container, SingleFlight<Connection>>();

function refresh(container: Container, provider: FitnessProvider, connection: Connection): Promise<Connection> {
  let flights = refreshing.get(container);
  if (!flights) refreshing.set(container, (flights = new SingleFlight()));
  const key = JSON.stringify([connection.tenantId, connection.userId, connection.provider]);
  return flights.run(key, () => refreshUnderLease(container, provider, connection));
}

/** A connection someone refreshed after `stale` was read: a new access token, not expiring soon. */
function refreshedSince(stale: Connection, latest: Connection | undefined, nowMs: number): boolean {
  return latest !== undefined && latest.status === 'connected' && latest.accessToken !== stale.accessToken && !expiresSoon(latest, nowMs);
}

/**
 * One refresh per connection across containers: a lease in the coordination store. Its holder
 * re-reads the connection first (another container may just have refreshed it); the others
 * wait for the new token instead of refreshing (a rotating refresh token works only once).
 */
async function refreshUnderLease(container: Container, provider: FitnessProvider, connection: Connection): Promise<Connection> {
  const store = container.coordination;
  // One partition per user, so that refreshes of many users never share one hot key.
  const pk = `lease#refresh#${encodeURIComponent(connection.tenantId)}#${encodeURIComponent(connection.userId)}`;
  const sk = connection.provider;
  const holder = randomUUID();
  const giveUpAt = container.deps.now() + Math.min(REFRESH_WAIT_MS, remainingBudgetMs() ?? REFRESH_WAIT_MS);
  for (;;) {
    const now = container.deps.now();
    if (await acquireLease(store, pk, sk, { holder, untilMs: now + REFRESH_LEASE_MS, nowMs: now })) {
      try {
        const latest = await container.connections.get(connection);
        if (refreshedSince(connection, latest, container.deps.now())) return latest!;
        if (latest && latest.status !== 'connected') throw notConnected(connection.provider);
        return await refreshOnce(container, provider, latest ?? connection);
      } finally {
        await releaseLease(store, pk, sk, holder).catch(() => undefined);
      }
    }
    if (container.deps.now() + REFRESH_POLL_MS > giveUpAt) throw serviceTimeout('The connection is being refreshed; try again shortly');
    await container.sleep(REFRESH_POLL_MS);
    const latest = await container.connections.get(connection);
    if (refreshedSince(connection, latest, container.deps.now())) return latest!;
    if (latest && latest.status === 'revoked') {
      throw new AppError(409, 'reauthorization_required', `${provider.descriptor.name} refused to refresh the connection; connect again`);
    }
  }
}

async function refreshOnce(container: Container, provider: FitnessProvider, connection: Connection): Promise<Connection> {
  if (!connection.refreshToken) {
    throw new AppError(409, 'reauthorization_required', `The ${provider.descriptor.name} connection has expired; connect again`);
  }
  try {
    const tokens = await provider.refreshToken(connection.refreshToken);
    const next = connectionFromTokens(connection, connection.provider, tokens, container.deps.now(), connection);
    await container.connections.put(next);
    return next;
  } catch (error) {
    if (!(error instanceof ProviderError) || error.kind !== 'token_refresh_failed') throw error;
    // With rotating refresh tokens another container may have refreshed first: re-read before
    // declaring the connection dead.
    const latest = await container.connections.get(connection);
    if (latest && latest.refreshToken !== connection.refreshToken && latest.status === 'connected') return latest;
    await container.connections.put({ ...connection, status: 'revoked', updatedAt: new Date(container.deps.now()).toISOString() });
    // Cached answers must not outlive the connection they were read with.
    await container.cache.invalidate(cachePartition(connection.tenantId, connection.userId, connection.provider));
    logger.warn('refresh token refused; connection marked revoked', { provider: connection.provider });
    throw new AppError(409, 'reauthorization_required', `${provider.descriptor.name} refused to refresh the connection; connect again`);
  }
}

/** The connection as stored once its access has ended: revoked, with no tokens left to use. */
function revokedConnection(connection: Connection, nowMs: number): Connection {
  return { ...connection, accessToken: '', refreshToken: undefined, expiresAt: undefined, status: 'revoked', updatedAt: new Date(nowMs).toISOString() };
}

/**
 * Our access ended (the user took it away at the provider, or the provider retired the API it was
 * made with): the tokens are worthless, forget them and the cached answers.
 */
export async function endAccess(container: Container, connection: Connection): Promise<void> {
  const holdsTokens = connection.accessToken !== '' || connection.refreshToken !== undefined;
  if (connection.status === 'connected' || (connection.status === 'revoked' && holdsTokens)) {
    await container.connections.put(revokedConnection(connection, container.deps.now()));
  }
  await container.cache.invalidate(cachePartition(connection.tenantId, connection.userId, connection.provider));
  // Stored records are the user's data read with that access; a reconnection starts anew (docs/records.md).
  await container.records.deleteAll(connection);
}

/** A connection made against an API the provider retired: revoked, its cache dropped, reconnect. */
async function endRetired(container: Container, connection: Connection, message: string): Promise<never> {
  await endAccess(container, connection);
  logger.warn('connection made against a retired provider API; marked revoked', { provider: connection.provider });
  throw new AppError(409, 'reauthorization_required', message);
}

/**
 * Runs `call` with a session for the user at the provider. The session is deferred: the
 * connection is read (and refreshed when it expires soon) only when the provider is really
 * called, so a cache hit costs no connection read. A token the provider rejects is refreshed
 * once and the call retried. `known`: the connection as the caller already read it (provider=all
 * lists them), used instead of reading it again.
 */
export async function withSession<T>(
  container: Container,
  identity: Identity,
  providerName: string,
  call: (provider: FitnessProvider, session: ProviderSession) => Promise<T>,
  known?: Connection,
): Promise<T> {
  const provider = container.provider(providerName);
  if (provider.descriptor.connection === 'none') {
    return call(provider, { ...identity, accessToken: '' });
  }
  let connection: Connection | undefined;
  const open = async (): Promise<ProviderSession> => {
    const stored = known ?? (await container.connections.get({ ...identity, provider: providerName }));
    if (stored?.status === 'reauthorization_required') throw unreadableConnection(providerName);
    if (stored?.status !== 'connected') throw notConnected(providerName);
    const retired = provider.retiredConnection?.(stored);
    if (retired !== undefined) await endRetired(container, stored, retired);
    connection = expiresSoon(stored, container.deps.now()) ? await refresh(container, provider, stored) : stored;
    return sessionOf(connection);
  };
  try {
    return await call(provider, deferredSession(identity, open));
  } catch (error) {
    // A 403 means a scope is missing, which a new token would not fix.
    const rejected =
      connection !== undefined &&
      error instanceof ProviderError &&
      error.kind === 'auth_failed' &&
      error.status !== 403 &&
      connection.refreshToken !== undefined;
    if (!rejected) throw error;
    const refreshed = await refresh(container, provider, connection!);
    return call(provider, sessionOf(refreshed));
  }
}
