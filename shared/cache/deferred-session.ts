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

/** Opened session -> the deferred session it was opened from. */
const origins = new WeakMap<ProviderSession, ProviderSession>();

export function deferredSession(identity: { tenantId: string; userId: string }, open: () => Promise<ProviderSession>): ProviderSession {
  let opened: Promise<ProviderSession> | undefined;
  const deferred = {
    tenantId: identity.tenantId,
    userId: identity.userId,
    get accessToken(): string {
      throw new Error('a deferred session must be opened before its token is used');
    },
    [OPEN]: () =>
      (opened ??= open().then((session) => {
        origins.set(session, deferred);
        return session;
      })),
  } as Deferred;
  return deferred;
}

/** The deferred session an opened one came from (a plain session is its own): one per request and provider. */
export function originOf(session: ProviderSession): ProviderSession {
  return origins.get(session) ?? session;
}

/**
 * Offered by the layer below the cache (the resilient provider). `prepare` starts the admission
 * of the call a fill is about to make with this session (the rate-limit gate's write), so that
 * it overlaps the fill lease and the connection read instead of following them; `abandon`
 * gives it up when the fill made no call after all.
 */
export interface EarlyAdmission {
  prepare(session: ProviderSession): void;
  abandon(session: ProviderSession): Promise<void>;
}

export function offersEarlyAdmission(provider: object): provider is EarlyAdmission {
  return typeof (provider as Partial<EarlyAdmission>).prepare === 'function' && typeof (provider as Partial<EarlyAdmission>).abandon === 'function';
}

/** The session with its credential (a plain session is returned as it is). */
export function openSession(session: ProviderSession): Promise<ProviderSession> {
  const open = (session as Partial<Deferred>)[OPEN];
  return open ? open() : Promise.resolve(session);
}
