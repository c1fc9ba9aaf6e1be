/**
 * A session whose credential is loaded only when a provider call is really made: a cache hit
 * is answered from the user's identity alone, without reading (or refreshing) the stored
 * connection. Only the caching decorator opens these; providers never see one.
 */
import type { ProviderSession } from '../providers/spi';

const OPEN = Symbol('openSession');

interface Deferred extends ProviderSession {
  [OPEN]: () => Promise<ProviderSession>;
}

export function deferredSession(identity: { tenantId: string; userId: string }, open: () => Promise<ProviderSession>): ProviderSession {
  let opened: Promise<ProviderSession> | undefined;
  return {
    tenantId: identity.tenantId,
    userId: identity.userId,
    get accessToken(): string {
      throw new Error('a deferred session must be opened before its token is used');
    },
    [OPEN]: () => (opened ??= open()),
  } as Deferred;
}

/** The session with its credential (a plain session is returned as it is). */
export function openSession(session: ProviderSession): Promise<ProviderSession> {
  const open = (session as Partial<Deferred>)[OPEN];
  return open ? open() : Promise.resolve(session);
}
