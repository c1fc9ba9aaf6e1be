/**
 * COROS's token life cycle on top of the kit's OAuth server: access tokens live 30 days, and a
 * refresh does not issue new tokens: it extends the current access token (even an expired one)
 * by another 30 days and answers OK. Refresh tokens do not rotate; deauthorization kills both.
 */
import { OAuthServer, isFailure, type IssuedTokens, type OAuthFailure, type OAuthServerOptions } from '../kit';

export class CorosOAuthServer extends OAuthServer {
  /** Grants by refresh token; the very objects the kit stores, so extending one is seen by it. */
  private readonly grants = new Map<string, IssuedTokens>();

  private readonly ttlSecs: number;
  private readonly clock: () => number;

  constructor(options: OAuthServerOptions) {
    super(options);
    this.ttlSecs = options.accessTtlSecs;
    this.clock = options.now;
  }

  override exchangeCode(params: Parameters<OAuthServer['exchangeCode']>[0]): IssuedTokens | OAuthFailure {
    const issued = super.exchangeCode(params);
    if (!isFailure(issued) && issued.refreshToken) this.grants.set(issued.refreshToken, issued);
    return issued;
  }

  /** COROS's refresh: same tokens, 30 more days. */
  override refreshTokens(clientId: string, refreshToken: string | null): IssuedTokens | OAuthFailure {
    const grant = refreshToken ? this.grants.get(refreshToken) : undefined;
    if (!grant || grant.clientId !== clientId) return { error: 'invalid_grant', description: 'refresh token is invalid or revoked' };
    grant.expiresAt = Math.floor(this.clock() / 1000) + this.ttlSecs;
    return grant;
  }

  override revoke(tokenValue: string | undefined): boolean {
    const revoked = super.revoke(tokenValue);
    for (const [refresh, grant] of this.grants) {
      if (refresh === tokenValue || grant.accessToken === tokenValue) this.grants.delete(refresh);
    }
    return revoked;
  }
}
