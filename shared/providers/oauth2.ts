/** The OAuth 2.0 authorization-code mechanics every OAuth provider shares, driven by its descriptor. */
import * as z from '../zod';
import { ProviderError } from '../models';
import type { ProviderHttp } from './http';
import type { AuthorizationRequest, ProviderConfig, ProviderDescriptor, TokenSet } from './spi';

export const TokenResponseSchema = z.looseObject({
  access_token: z.string().check(z.minLength(1)),
  refresh_token: z.optional(z.string().check(z.minLength(1))),
  expires_in: z.optional(z.coerce.number()),
  expires_at: z.optional(z.coerce.number()),
  scope: z.optional(z.string()),
  token_type: z.optional(z.string()),
});
export type TokenResponse = z.infer<typeof TokenResponseSchema>;

export function buildAuthorizationUrl(descriptor: ProviderDescriptor, config: ProviderConfig, request: AuthorizationRequest): string {
  if (!config.authUrl) throw new Error(`${descriptor.name} has no authorization URL configured`);
  const url = new URL(config.authUrl);
  const params = descriptor.oauthParams;
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', config.clientId ?? '');
  url.searchParams.set('redirect_uri', request.redirectUri);
  if (params.authorizeScope && request.scopes.length > 0) url.searchParams.set('scope', request.scopes.join(params.scopeSeparator));
  url.searchParams.set('state', request.state);
  if (params.pkce && request.codeChallenge) {
    url.searchParams.set('code_challenge', request.codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  for (const [key, value] of Object.entries(params.extraAuthorizeParams)) url.searchParams.set(key, value);
  return url.toString();
}

/** Splits a granted-scope string on commas and/or whitespace. */
export function parseScopes(scope: string | undefined): string[] {
  if (!scope) return [];
  return scope.split(/[\s,]+/).filter((s) => s.length > 0);
}

export function clientAuth(descriptor: ProviderDescriptor, config: ProviderConfig): { headers: Record<string, string>; form: Record<string, string> } {
  const id = config.clientId ?? '';
  const secret = config.clientSecret ?? '';
  if (descriptor.oauthParams.tokenEndpointAuth === 'basic') {
    const basic = Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');
    return { headers: { authorization: `Basic ${basic}` }, form: {} };
  }
  return { headers: {}, form: { client_id: id, client_secret: secret } };
}

/** Posts to the token endpoint; an `invalid_grant`-style refusal becomes `failureKind`. */
export async function requestToken<T extends TokenResponse>(
  http: ProviderHttp,
  descriptor: ProviderDescriptor,
  config: ProviderConfig,
  form: Record<string, string>,
  failureKind: 'auth_failed' | 'token_refresh_failed',
  schema: z.ZodMiniType<T> = TokenResponseSchema as unknown as z.ZodMiniType<T>,
): Promise<T> {
  if (!config.tokenUrl) throw new Error(`${descriptor.name} has no token URL configured`);
  const auth = clientAuth(descriptor, config);
  const { data } = await http.request({
    url: config.tokenUrl,
    method: 'POST',
    headers: auth.headers,
    form: { ...auth.form, ...form },
    schema,
    onStatus: (status) =>
      status === 400 || status === 401
        ? new ProviderError({
            kind: failureKind,
            provider: descriptor.name,
            status,
            message: failureKind === 'auth_failed' ? `${descriptor.name} refused the authorization code` : `${descriptor.name} refused the refresh token`,
          })
        : undefined,
  });
  return data;
}

/** The value at a dotted `path` of a token answer (`athlete.id`), as a string; undefined when absent. */
export function tokenAnswerField(raw: unknown, path: string): string | undefined {
  let value: unknown = raw;
  for (const key of path.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** Normalises a token response: `expires_at` wins over `expires_in`. */
export function tokenSetFrom(raw: TokenResponse, nowMs: number, fallbackScopes: string[] = []): TokenSet {
  const expiresAt =
    raw.expires_at !== undefined ? Math.floor(raw.expires_at) : raw.expires_in !== undefined ? Math.floor(nowMs / 1000 + raw.expires_in) : undefined;
  const scopes = parseScopes(raw.scope);
  return {
    accessToken: raw.access_token,
    refreshToken: raw.refresh_token,
    expiresAt,
    scopes: scopes.length > 0 ? scopes : fallbackScopes,
  };
}
