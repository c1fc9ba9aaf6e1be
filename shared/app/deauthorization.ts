/**
 * Confirming a deauthorization that arrived unauthenticated (Strava's unsigned events; Garmin
 * without its URL secret) before destroying anything: the stored tokens are tried on the
 * provider with one authenticated read of the athlete profile (`GET /athlete` at Strava,
 * `user/id` at Garmin), through the usual session (a refused access token is refreshed once;
 * a refused refresh marks the connection revoked) and through the rate-limit gate like any read
 * of that user. Only when the provider refuses our tokens is the connection revoked. A forged
 * event therefore costs one provider read per connection and minute at most (a marker in the
 * coordination store), and an inconclusive check (the provider limited or down) revokes
 * nothing: the next real use of a dead token finds out anyway.
 */
import { randomUUID } from 'node:crypto';
import { CacheRequest, withCacheRequest } from '../cache/policy';
import { cachePartition } from '../cache/keys';
import { ProviderError } from '../models';
import type { Connection, ConnectionKey } from '../store/ports';
import { acquireLease } from '../resilience/lease';
import type { Container } from './container';
import { toErrorAnswer } from './error-answer';
import { logger } from './observability';
import { endAccess, withSession } from './sessions';

/** One check per connection in this long, however many deliveries ask. */
export const DEAUTHORIZATION_CHECK_INTERVAL_MS = 60_000;

/** Where the minute's check of a connection is claimed (erasure deletes it with the user). */
export const deauthorizationCheckPk = (key: ConnectionKey) => `deauth-check#${cachePartition(key.tenantId, key.userId, key.provider)}`;
export const DEAUTHORIZATION_CHECK_SK = 'check';

/**
 * Claims this minute's check of the connection; false when another delivery already made it. The
 * claim is a lease nobody gives back: it ends by itself after the interval.
 */
async function claimCheck(container: Container, connection: Connection): Promise<boolean> {
  const nowMs = container.deps.now();
  return acquireLease(container.coordination, deauthorizationCheckPk(connection), DEAUTHORIZATION_CHECK_SK, {
    holder: randomUUID(),
    untilMs: nowMs + DEAUTHORIZATION_CHECK_INTERVAL_MS,
    nowMs,
  });
}

/** The provider refused the stored tokens (a refresh refused, or a token refused with none to refresh). */
async function refused(container: Container, connection: Connection, error: unknown): Promise<boolean> {
  if (error instanceof ProviderError) return error.kind === 'auth_failed' && error.status !== 403;
  const latest = await container.connections.get(connection);
  // The session marks the connection revoked when the provider refuses to refresh it.
  return latest?.status === 'revoked';
}

/** True when the provider confirms our access ended (the connection is then revoked and its cache dropped). */
export async function confirmDeauthorization(container: Container, connection: Connection): Promise<boolean> {
  const provider = connection.provider;
  if (connection.status !== 'connected') return false;
  if (!(await claimCheck(container, connection))) {
    logger.info('unauthenticated deauthorization: checked within the last minute; ignored', { provider });
    return false;
  }
  const identity = { tenantId: connection.tenantId, userId: connection.userId };
  try {
    await withCacheRequest(new CacheRequest('bypass'), () => withSession(container, identity, provider, (p, session) => p.getAthlete(session)));
    logger.warn('unauthenticated deauthorization: the provider still accepts our token; ignored', { provider });
    return false;
  } catch (error) {
    if (!(await refused(container, connection, error))) {
      logger.warn('unauthenticated deauthorization could not be confirmed now; ignored', { provider, reason: toErrorAnswer(error).code });
      return false;
    }
  }
  await endAccess(container, (await container.connections.get(connection)) ?? connection, 'provider');
  logger.info('deauthorization confirmed by the provider; connection revoked', { provider });
  return true;
}
