/** Starting a connection: single-use state (with PKCE verifier) and the provider's authorize URL. */
import { createHash, randomBytes } from 'node:crypto';
import { credentialVariables, isAllowedReturnTarget } from '../config';
import type { Container } from './container';
import { AppError, invalidRequest } from './errors';
import type { Identity } from './identity';
import { queueHistory } from './history';
import { resolveProviderName } from './provider-name';

const STATE_TTL_SECS = 600;

interface ConnectRequest {
  provider: string;
  returnTo?: string | undefined;
  /** Origin the request reached us on; used when no public base URL is configured. */
  requestOrigin: string;
}

/**
 * A listed target, or a page on the service's own origin (its connections page at `/`), which
 * needs no listing: nothing but this API is served there.
 */
function checkReturnTo(container: Container, returnTo: string | undefined, ownOrigin: string): string | undefined {
  if (returnTo === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(returnTo);
  } catch {
    throw invalidRequest('return_to', 'must be an absolute URL');
  }
  if (url.origin !== ownOrigin && !isAllowedReturnTarget(container.config.returnTargets, url)) {
    throw invalidRequest('return_to', 'must be an http(s) URL on an origin, or under an app prefix, listed in PIERRE_ALLOWED_RETURN_ORIGINS');
  }
  return url.toString();
}

export async function startConnection(container: Container, identity: Identity, request: ConnectRequest) {
  const name = resolveProviderName(container, request.provider);
  if (container.provider(name).descriptor.connection === 'none') {
    // Always connected: asking to connect is what starts (or tops up) its stored history.
    await queueHistory(container, { ...identity, provider: name });
    return { provider: name, connected: true };
  }

  const app = await container.app(identity.tenantId, name);
  const provider = container.provider(name, app);
  const config = app.config;
  if (!config.configured) {
    throw new AppError(503, 'provider_not_configured', `Provider '${name}' is not configured: set ${credentialVariables(name).join(' and ')}`);
  }
  const baseUrl = container.config.publicBaseUrl ?? request.requestOrigin;
  const returnTo = checkReturnTo(container, request.returnTo, new URL(baseUrl).origin);
  const state = randomBytes(32).toString('base64url');
  const codeVerifier = provider.descriptor.oauthParams.pkce ? randomBytes(32).toString('base64url') : undefined;
  const codeChallenge = codeVerifier && createHash('sha256').update(codeVerifier).digest('base64url');
  const redirectUri = config.redirectUri ?? `${baseUrl}/callback/${name}`;
  const nowSecs = Math.floor(container.deps.now() / 1000);

  await container.states.create({
    state,
    tenantId: identity.tenantId,
    userId: identity.userId,
    provider: name,
    redirectUri,
    codeVerifier,
    returnTo,
    expiresAt: nowSecs + STATE_TTL_SECS,
  });
  const authorizationUrl = await provider.authorizationUrl({
    ...identity,
    state,
    redirectUri,
    scopes: config.scopes,
    codeChallenge,
  });
  return { provider: name, authorization_url: authorizationUrl, state, expires_in: STATE_TTL_SECS };
}
