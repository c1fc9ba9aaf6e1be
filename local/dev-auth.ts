/**
 * Local stand-in for the API Gateway JWT authorizer: HS256 tokens signed with a development
 * secret. Never used on AWS, where API Gateway verifies the real issuer's tokens.
 */
import { randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { ADMIN_ROLE, identityProblem } from '../shared/app/identity';

export const DEV_ISSUER = 'pierre-local';
export const DEV_AUDIENCE = 'pierre-api';

/** Why /dev/token refuses to mint a token for this user and tenant (the API would refuse it), or undefined. */
export function devTokenProblem(user: string, tenant: string, role?: string): string | undefined {
  if (role !== undefined && role !== ADMIN_ROLE) return `Invalid 'role': the only role is '${ADMIN_ROLE}'`;
  for (const [name, value] of [
    ['user', user],
    ['tenant', tenant],
  ] as const) {
    if (value.length === 0) return `Invalid '${name}': must not be empty`;
    const problem = identityProblem(value);
    if (problem) return `Invalid '${name}': ${problem}`;
  }
  return undefined;
}

export class DevAuth {
  private readonly key: Uint8Array;

  constructor(
    secret: string | undefined,
    private readonly claimNames: { tenantClaim: string; roleClaim: string },
  ) {
    this.key = new TextEncoder().encode(secret ?? randomBytes(32).toString('base64url'));
  }

  /** A token for this user and tenant; `role: 'admin'` adds the role claim that lets it manage the tenant. */
  async issue(userId: string, tenantId: string, ttlSecs = 12 * 3600, role?: string): Promise<string> {
    const claims = { [this.claimNames.tenantClaim]: tenantId, ...(role ? { [this.claimNames.roleClaim]: role } : {}) };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${ttlSecs}s`)
      .sign(this.key);
  }

  /** The verified claims, or undefined for a missing, malformed, expired or forged token. */
  async verify(authorization: string | undefined): Promise<JWTPayload | undefined> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match?.[1]) return undefined;
    try {
      const { payload } = await jwtVerify(match[1], this.key, {
        issuer: DEV_ISSUER,
        audience: DEV_AUDIENCE,
        algorithms: ['HS256'],
      });
      return payload;
    } catch {
      return undefined;
    }
  }
}
