/**
 * An OAuth 2.0 authorization server as providers run it: one-time codes that live ten
 * minutes, redirect-URI and client checks, PKCE (S256), rotating refresh tokens, revocation.
 * Each simulator wraps it in its provider's URLs, field names and error bodies.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mapSnapshot, restoreMap } from '../../../shared/store/snapshot';

interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

export interface OAuthServerOptions {
  clients: OAuthClient[];
  accessTtlSecs: number;
  /** True when using a refresh token retires it (Fitbit, WHOOP, Garmin). */
  rotateRefreshTokens: boolean;
  requirePkce: boolean;
  /** Only requests carrying this scope get a refresh token (WHOOP `offline`). */
  refreshScope?: string;
  now: () => number;
}

interface Grant {
  clientId: string;
  userId: string;
  scopes: string[];
}

export interface IssuedTokens extends Grant {
  accessToken: string;
  refreshToken: string | undefined;
  /** Epoch seconds. */
  expiresAt: number;
}

interface PendingCode extends Grant {
  redirectUri: string;
  codeChallenge: string | undefined;
  expiresAt: number;
}

export type OAuthFailure = { error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client'; description: string };

const CODE_TTL_SECS = 600;

const token = (prefix: string) => `${prefix}_${randomBytes(18).toString('base64url')}`;

export class OAuthServer {
  private readonly codes = new Map<string, PendingCode>();
  private readonly access = new Map<string, IssuedTokens>();
  private readonly refresh = new Map<string, IssuedTokens>();
  /** Tokens issued per client id (code exchanges and refreshes): which app a service used. */
  readonly issuedByClient = new Map<string, number>();

  constructor(private readonly options: OAuthServerOptions) {}

  private nowSecs(): number {
    return Math.floor(this.options.now() / 1000);
  }

  /** Registers another app (a tenant's own), or gives a known one a new secret (a rotation). */
  putClient(client: OAuthClient): void {
    const known = this.client(client.clientId);
    if (known) known.clientSecret = client.clientSecret;
    else this.options.clients.push({ ...client });
  }

  client(clientId: string | null | undefined): OAuthClient | undefined {
    return this.options.clients.find((c) => c.clientId === clientId);
  }

  checkClient(clientId: string | null | undefined, secret: string | null | undefined): OAuthFailure | undefined {
    const client = this.client(clientId);
    if (!client || client.clientSecret !== secret) return { error: 'invalid_client', description: 'unknown client or wrong secret' };
    return undefined;
  }

  /** Validates an authorize request; returns the failure or undefined when acceptable. */
  checkAuthorize(query: URLSearchParams): OAuthFailure | undefined {
    if (query.get('response_type') !== 'code') return { error: 'invalid_request', description: 'response_type must be code' };
    if (!this.client(query.get('client_id'))) return { error: 'invalid_client', description: 'unknown client_id' };
    const redirect = query.get('redirect_uri');
    if (!redirect || !URL.canParse(redirect)) return { error: 'invalid_request', description: 'redirect_uri is required' };
    if (this.options.requirePkce) {
      if (!query.get('code_challenge')) return { error: 'invalid_request', description: 'code_challenge is required' };
      if (query.get('code_challenge_method') !== 'S256') return { error: 'invalid_request', description: 'code_challenge_method must be S256' };
    }
    return undefined;
  }

  issueCode(query: URLSearchParams, userId: string, grantedScopes: string[]): string {
    const code = token('code');
    this.codes.set(code, {
      clientId: query.get('client_id') ?? '',
      userId,
      scopes: grantedScopes,
      redirectUri: query.get('redirect_uri') ?? '',
      codeChallenge: query.get('code_challenge') ?? undefined,
      expiresAt: this.nowSecs() + CODE_TTL_SECS,
    });
    return code;
  }

  exchangeCode(params: { clientId: string; code: string | null; redirectUri: string | null; codeVerifier: string | null }): IssuedTokens | OAuthFailure {
    const pending = params.code ? this.codes.get(params.code) : undefined;
    if (params.code) this.codes.delete(params.code); // one use, whatever the outcome
    if (!pending || pending.expiresAt <= this.nowSecs()) return { error: 'invalid_grant', description: 'authorization code is invalid, expired or used' };
    if (pending.clientId !== params.clientId) return { error: 'invalid_grant', description: 'code was issued to another client' };
    if (pending.redirectUri !== params.redirectUri) return { error: 'invalid_grant', description: 'redirect_uri does not match' };
    if (pending.codeChallenge !== undefined) {
      const computed = params.codeVerifier ? createHash('sha256').update(params.codeVerifier).digest('base64url') : '';
      if (computed !== pending.codeChallenge) return { error: 'invalid_grant', description: 'code_verifier does not match the challenge' };
    }
    return this.issueTokens(pending);
  }

  refreshTokens(clientId: string, refreshToken: string | null): IssuedTokens | OAuthFailure {
    const current = refreshToken ? this.refresh.get(refreshToken) : undefined;
    if (!current || current.clientId !== clientId) return { error: 'invalid_grant', description: 'refresh token is invalid or revoked' };
    this.access.delete(current.accessToken);
    if (!this.options.rotateRefreshTokens) {
      const accessOnly = { ...current, accessToken: token('at'), expiresAt: this.nowSecs() + this.options.accessTtlSecs };
      this.access.set(accessOnly.accessToken, accessOnly);
      this.refresh.set(current.refreshToken!, accessOnly);
      return accessOnly;
    }
    this.refresh.delete(refreshToken!);
    return this.issueTokens(current);
  }

  private issueTokens(grant: Grant): IssuedTokens {
    this.issuedByClient.set(grant.clientId, (this.issuedByClient.get(grant.clientId) ?? 0) + 1);
    const wantsRefresh = this.options.refreshScope === undefined || grant.scopes.includes(this.options.refreshScope);
    const issued: IssuedTokens = {
      clientId: grant.clientId,
      userId: grant.userId,
      scopes: grant.scopes,
      accessToken: token('at'),
      refreshToken: wantsRefresh ? token('rt') : undefined,
      expiresAt: this.nowSecs() + this.options.accessTtlSecs,
    };
    this.access.set(issued.accessToken, issued);
    if (issued.refreshToken) this.refresh.set(issued.refreshToken, issued);
    return issued;
  }

  /** The grant behind a live access token, or undefined (unknown, revoked or expired). */
  authenticate(accessToken: string | undefined): IssuedTokens | undefined {
    const found = accessToken ? this.access.get(accessToken) : undefined;
    if (!found || found.expiresAt <= this.nowSecs()) return undefined;
    return found;
  }

  /** Revokes the access token or refresh token given, and its sibling. */
  revoke(tokenValue: string | undefined): boolean {
    const found = (tokenValue && (this.access.get(tokenValue) ?? this.refresh.get(tokenValue))) || undefined;
    if (!found) return false;
    this.access.delete(found.accessToken);
    if (found.refreshToken) this.refresh.delete(found.refreshToken);
    return true;
  }

  /** Revokes every token of a user (deauthorization). */
  revokeUser(userId: string): void {
    for (const issued of [...this.access.values(), ...this.refresh.values()]) {
      if (issued.userId === userId) this.revoke(issued.accessToken);
    }
  }

  /** Codes and tokens as JSON data, so a local run's connections outlive a restart. */
  snapshot(): unknown {
    return { codes: mapSnapshot(this.codes), access: mapSnapshot(this.access), refresh: mapSnapshot(this.refresh) };
  }

  restore(data: unknown): void {
    const held = (data ?? {}) as Record<string, unknown>;
    restoreMap(this.codes, held['codes']);
    restoreMap(this.access, held['access']);
    restoreMap(this.refresh, held['refresh']);
  }

  /** Test control: every access token expires now (refresh tokens stay valid). */
  expireAccessTokens(): void {
    for (const issued of this.access.values()) issued.expiresAt = this.nowSecs() - 1;
  }
}

export const isFailure = (value: IssuedTokens | OAuthFailure): value is OAuthFailure => 'error' in value;
