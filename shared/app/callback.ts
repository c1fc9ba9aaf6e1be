/**
 * Completing a connection: consume the state (once), exchange the code, check the granted
 * scopes, store the sealed tokens and drop the user's cached data for that provider.
 */
import { cachePartition } from '../cache/keys';
import { ProviderError } from '../models';
import type { TokenSet } from '../providers/spi';
import type { OAuthState } from '../store/ports';
import type { Container } from './container';
import { AppError, invalidRequest, invalidState } from './errors';
import { toErrorAnswer } from './error-answer';
import { logger } from './observability';
import { resolveProviderName } from './provider-name';
import { connectionFromTokens } from './sessions';
import { queueHistory } from './history';

interface ConnectedBody {
  provider: string;
  connected: true;
  scopes: string[];
  expires_at: string | null;
}

/** Either the JSON answer, or (when the connection was started with `return_to`) where to send the browser. */
type CallbackResult = { body: ConnectedBody; redirectTo?: string | undefined } | { body?: undefined; redirectTo: string };

function returnUrl(returnTo: string, params: Record<string, string>): string {
  const url = new URL(returnTo);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

async function exchange(container: Container, name: string, state: OAuthState, query: Record<string, string>) {
  if (query['error']) {
    throw new AppError(400, 'access_denied', `The authorization at ${name} was not granted (${query['error'].slice(0, 64)})`);
  }
  // The app the connection was started with: the tenant's own, else the global one.
  const app = await container.app(state.tenantId, name);
  const provider = container.provider(name, app);
  let tokens: TokenSet;
  try {
    tokens = await provider.exchangeCode({ query, redirectUri: state.redirectUri, codeVerifier: state.codeVerifier });
  } catch (error) {
    if (error instanceof ProviderError && error.kind === 'auth_failed') {
      throw new AppError(400, 'code_exchange_failed', `${name} did not accept the authorization code; connect again`);
    }
    throw error;
  }
  // Only scopes we asked for can be required: an operator may configure narrower scopes.
  const requested = app.config.scopes;
  const required = provider.descriptor.requiredScopes.filter((scope) => requested.includes(scope));
  const missing = required.filter((scope) => !tokens.scopes.includes(scope));
  if (missing.length > 0) {
    // Hand the unusable grant back, so the user is not left registered at the provider.
    await provider
      .revokeToken({ tenantId: state.tenantId, userId: state.userId, accessToken: tokens.accessToken, providerUserId: tokens.providerUserId })
      .catch(() => logger.warn('could not revoke an insufficient grant', { provider: name }));
    throw new AppError(400, 'insufficient_scope', `The connection to ${name} lacks the required scope(s): ${missing.join(', ')}`);
  }
  const identity = { tenantId: state.tenantId, userId: state.userId };
  const stored = await container.connections.get({ ...identity, provider: name });
  // An unreadable item has nothing worth keeping: the new grant replaces it whole.
  const previous = stored?.status === 'reauthorization_required' ? undefined : stored;
  const connection = connectionFromTokens(identity, name, tokens, container.deps.now(), previous);
  await container.connections.put(connection);
  await container.cache.invalidate(cachePartition(identity.tenantId, identity.userId, name));
  logger.info('provider connected', { provider: name, tenantId: identity.tenantId });
  await container.events.publish({
    tenantId: identity.tenantId,
    type: 'connection.created',
    data: { user_id: identity.userId, provider: name, scopes: connection.scopes, connected_at: connection.connectedAt, reconnected: previous !== undefined },
  });
  await queueHistory(container, { ...identity, provider: name });
  return connection;
}

export async function completeConnection(container: Container, providerName: string, query: Record<string, string>): Promise<CallbackResult> {
  const name = resolveProviderName(container, providerName);
  const stateValue = query['state'];
  if (!stateValue) throw invalidState();
  // Checked before the state is consumed: a stray request must not burn the user's attempt.
  if (container.provider(name).descriptor.connection === 'oauth2' && !query['code'] && !query['error']) {
    throw invalidRequest('code', 'the callback carries neither an authorization code nor an error');
  }
  const state = await container.states.consume(stateValue, name, Math.floor(container.deps.now() / 1000));
  if (!state) throw invalidState();

  try {
    const connection = await exchange(container, name, state, query);
    const body: ConnectedBody = {
      provider: name,
      connected: true,
      scopes: connection.scopes,
      expires_at: connection.expiresAt !== undefined ? new Date(connection.expiresAt * 1000).toISOString() : null,
    };
    const redirectTo = state.returnTo && returnUrl(state.returnTo, { provider: name, status: 'connected' });
    return { body, redirectTo };
  } catch (error) {
    // Whatever failed (a refusal, a provider timeout or 5xx), the browser goes back to the app,
    // which shows the outcome; only the public error code travels.
    if (state.returnTo) {
      return { redirectTo: returnUrl(state.returnTo, { provider: name, status: 'error', error: toErrorAnswer(error).code }) };
    }
    throw error;
  }
}
