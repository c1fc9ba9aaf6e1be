/** Every failure leaves the service as `{ "error": { "code", "message" } }` with the right status. */
import { ConfigError } from '../config';
import { AppError, SERVICE_RETRY_SECS, serviceTimeout } from './errors';
import { logger } from './observability';
import { ProviderError, type ProviderErrorKind } from '../models';

export interface ErrorAnswer {
  status: number;
  code: string;
  message: string;
  headers: Record<string, string>;
}

const PROVIDER_ERROR_STATUS: Record<ProviderErrorKind, readonly [number, string]> = {
  auth_failed: [409, 'provider_auth_failed'],
  insufficient_scope: [403, 'insufficient_scope'],
  token_refresh_failed: [409, 'reauthorization_required'],
  not_found: [404, 'not_found'],
  rate_limited: [429, 'rate_limited'],
  unsupported_feature: [400, 'unsupported_feature'],
  network: [502, 'provider_unavailable'],
  timeout: [504, 'provider_timeout'],
  api_error: [502, 'provider_error'],
  invalid_data: [502, 'provider_invalid_data'],
  circuit_open: [503, 'provider_unavailable'],
};

export function toErrorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof AppError) {
    return { status: error.status, code: error.code, message: error.message, headers: { ...error.headers } };
  }
  if (error instanceof ProviderError) {
    const [status, code] = PROVIDER_ERROR_STATUS[error.kind];
    const headers: Record<string, string> = {};
    if (error.retryAfterSecs !== undefined) headers['retry-after'] = String(Math.ceil(error.retryAfterSecs));
    if (status >= 500) logger.warn('provider call failed', { provider: error.provider, kind: error.kind, status: error.status });
    return { status, code, message: error.message, headers };
  }
  if (error instanceof ConfigError) {
    // Logged once where the container failed to start; the message may name ARNs and accounts.
    return {
      status: 503,
      code: 'service_unavailable',
      message: 'The service is temporarily unavailable; try again shortly',
      headers: { 'retry-after': String(SERVICE_RETRY_SECS) },
    };
  }
  if (isInvocationTimeout(error)) {
    // middy answers just before Lambda would end the invocation: a slow dependency, not a bug.
    logger.warn('the invocation ran out of time before it could answer');
    return toErrorAnswer(serviceTimeout());
  }
  // The stack says where; messages of our own errors never carry tokens (the no-secrets log test checks).
  if (error instanceof Error) logger.error('unexpected error', error);
  else logger.error('unexpected error', { thrown: typeof error });
  return { status: 500, code: 'internal_error', message: 'Internal error', headers: {} };
}

/** middy's early answer when the invocation's remaining time runs out (`timeoutEarlyInMillis`). */
function isInvocationTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError' && (error.cause as { package?: unknown } | undefined)?.package === '@middy/core';
}
