/**
 * The base of the provider decorators (the cache, the resilience layer). The data reads are the
 * rows of the resource table: each decorator writes one interceptor that every read passes
 * through, instead of a method per read. Everything else goes straight to the wrapped provider.
 */
import { ProviderError } from '../models';
import { RESOURCES, type ReadMethod, type ResourceRow } from '../resources';
import type { AuthorizationRequest, CodeExchange, FitnessProvider, ProviderSession } from './spi';

/** One data read passing through a decorator. */
export interface ReadCall {
  readonly resource: ResourceRow;
  readonly session: ProviderSession;
  /** The read's arguments after the session (a page, a range, an id, or none). */
  readonly args: readonly unknown[];
  /** Makes the read on `target` (usually the wrapped provider), with another session if given. */
  on(target: FitnessProvider, session?: ProviderSession): Promise<unknown>;
}

/** The read methods as a decorator offers them: every one, also those its provider lacks. */
export type ReadMethods = Required<Pick<FitnessProvider, ReadMethod>>;
type Read = (session: ProviderSession, ...args: readonly unknown[]) => Promise<unknown>;

/** Calls a read on a provider; one without the (optional) method answers unsupported_feature. */
export function callRead(target: FitnessProvider, resource: ResourceRow, session: ProviderSession, args: readonly unknown[]): Promise<unknown> {
  const read = target[resource.method] as Read | undefined;
  if (!read) return Promise.reject(ProviderError.unsupported(target.descriptor.name, resource.name.replaceAll('_', ' ')));
  return read.call(target, session, ...args);
}

/** Every read method of the resource table, each handing its call to `intercept`. */
export function interceptedReads(intercept: (call: ReadCall) => Promise<unknown>): ReadMethods {
  const reads: Partial<Record<ReadMethod, Read>> = {};
  for (const resource of RESOURCES) {
    const on = (target: FitnessProvider, session: ProviderSession, args: readonly unknown[]) => callRead(target, resource, session, args);
    reads[resource.method] = (session, ...args) => intercept({ resource, session, args, on: (target, s = session) => on(target, s, args) });
  }
  // Each method returns what the wrapped provider's does (the interceptors pass values through).
  return reads as ReadMethods;
}

// The read methods are assigned in the constructor from the resource table (interceptedReads),
// so the merged interface's members are always initialised.
export interface ForwardingFitnessProvider extends ReadMethods {}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the constructor assigns every read method
export abstract class ForwardingFitnessProvider {
  readonly handleWebhook?: FitnessProvider['handleWebhook'];
  readonly retiredConnection?: FitnessProvider['retiredConnection'];
  readonly pullNotification?: FitnessProvider['pullNotification'];
  readonly requestHistory?: FitnessProvider['requestHistory'];

  constructor(readonly inner: FitnessProvider) {
    // Present only when the wrapped provider has them: callers test for them.
    if (inner.handleWebhook) this.handleWebhook = (request) => inner.handleWebhook!(request);
    if (inner.retiredConnection) this.retiredConnection = (connection) => inner.retiredConnection!(connection);
    if (inner.pullNotification) this.pullNotification = (session, url) => this.forwardPull(session, url);
    if (inner.requestHistory) this.requestHistory = (session, range) => this.interceptRequest(session, (s) => inner.requestHistory!(s, range));
    Object.assign(
      this,
      interceptedReads((call) => this.intercept(call)),
    );
  }

  /** How the decorator passes a notification pull on (the resilience layer guards it as it guards reads). */
  protected forwardPull(session: ProviderSession, url: string) {
    return this.inner.pullNotification!(session, url);
  }

  /** What the decorator does around every data read; `call.on(this.inner)` makes the read. */
  protected abstract intercept(call: ReadCall): Promise<unknown>;

  /** What it does around a request that is not a read (`requestHistory`): nothing unless it says so. */
  protected interceptRequest<T>(session: ProviderSession, request: (session: ProviderSession) => Promise<T>): Promise<T> {
    return request(session);
  }

  get descriptor() {
    return this.inner.descriptor;
  }

  get config() {
    return this.inner.config;
  }

  authorizationUrl(request: AuthorizationRequest) {
    return this.inner.authorizationUrl(request);
  }

  exchangeCode(exchange: CodeExchange) {
    return this.inner.exchangeCode(exchange);
  }

  refreshToken(refreshToken: string) {
    return this.inner.refreshToken(refreshToken);
  }

  revokeToken(session: ProviderSession) {
    return this.inner.revokeToken(session);
  }

  healthCheck() {
    return this.inner.healthCheck();
  }
}
