/**
 * COROS answers most failures with HTTP 200 and a `result` code other than "0000". Codes seen in
 * public integrations: 5006 (access token invalid or expired: refresh and retry), 5010 (the
 * openId does not belong to the token), 30009 (the application lacks the permission), 5016
 * (temporarily unavailable). 5000 is treated like 5006 (assumed). Everything else is an error of
 * the request that retrying will not fix.
 */
import { ProviderError } from '../../models';

export const COROS_OK = '0000';

const AUTH_CODES: ReadonlySet<string> = new Set(['5000', '5006', '5010']);
const PERMISSION_CODES: ReadonlySet<string> = new Set(['30009']);
const TRANSIENT_CODES: ReadonlySet<string> = new Set(['5016']);

/** The ProviderError for a non-success `result`; messages carry the code, never a credential. */
export function errorForResult(provider: string, raw: string): ProviderError {
  const result = safeCode(raw);
  if (AUTH_CODES.has(result)) {
    return new ProviderError({ kind: 'auth_failed', provider, message: `${provider} rejected the access token (result ${result})` });
  }
  if (PERMISSION_CODES.has(result)) {
    return new ProviderError({
      kind: 'api_error',
      provider,
      status: 403,
      retryable: false,
      message: `${provider} has not granted this application access to the data (result ${result})`,
    });
  }
  if (TRANSIENT_CODES.has(result)) {
    return new ProviderError({
      kind: 'api_error',
      provider,
      status: 503,
      retryable: true,
      message: `${provider} is temporarily unavailable (result ${result})`,
    });
  }
  return new ProviderError({ kind: 'api_error', provider, retryable: false, message: `${provider} refused the request (result ${result})` });
}

/** Keeps only a short code-like value for messages (a result is never a secret, but be strict). */
export function safeCode(value: string | undefined): string {
  return value && /^[A-Za-z0-9_.-]{1,16}$/.test(value) ? value : 'unknown';
}
