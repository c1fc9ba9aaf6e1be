/**
 * COROS's refresh does not issue new tokens: it answers `{"result":"0000","message":"OK"}` and
 * extends the current access token by 30 days (public integrations keep their access and
 * refresh tokens as they are). The service's refresh hook only receives the stored refresh
 * token, yet must return the access token to keep, so the connection stores a refresh handle
 * that carries both; it is sealed with the other tokens, never logged and never sent to COROS
 * as it is.
 */
const PREFIX = 'coros1.';

interface CorosRefreshHandle {
  refreshToken: string;
  accessToken: string;
}

export function encodeRefreshHandle(handle: CorosRefreshHandle): string {
  return PREFIX + Buffer.from(JSON.stringify({ r: handle.refreshToken, a: handle.accessToken }), 'utf8').toString('base64url');
}

/** The handle's parts; a plain value (not made by us) is a bare COROS refresh token. */
export function decodeRefreshHandle(value: string): { refreshToken: string; accessToken: string | undefined } {
  if (!value.startsWith(PREFIX)) return { refreshToken: value, accessToken: undefined };
  try {
    const parsed = JSON.parse(Buffer.from(value.slice(PREFIX.length), 'base64url').toString('utf8')) as { r?: unknown; a?: unknown };
    if (typeof parsed.r === 'string' && parsed.r && typeof parsed.a === 'string' && parsed.a) {
      return { refreshToken: parsed.r, accessToken: parsed.a };
    }
  } catch {
    /* not a handle after all */
  }
  return { refreshToken: value, accessToken: undefined };
}
