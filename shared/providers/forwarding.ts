/**
 * The base of the provider decorators (the cache, the resilience layer): everything that is not
 * a data read goes straight to the wrapped provider, so a decorator writes only what it changes.
 */
import type { AuthorizationRequest, CodeExchange, FitnessProvider, ProviderSession } from './spi';

export abstract class ForwardingFitnessProvider {
  readonly handleWebhook?: FitnessProvider['handleWebhook'];
  readonly retiredConnection?: FitnessProvider['retiredConnection'];

  constructor(readonly inner: FitnessProvider) {
    // Present only when the wrapped provider has them: callers test for them.
    if (inner.handleWebhook) this.handleWebhook = (request) => inner.handleWebhook!(request);
    if (inner.retiredConnection) this.retiredConnection = (connection) => inner.retiredConnection!(connection);
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
