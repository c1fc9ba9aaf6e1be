/** Reads the caller's identity from the API Gateway JWT authorizer claims. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { unauthorized } from '../app/errors';
import { ADMIN_ROLE, identityProblem, type Identity } from '../app/identity';

type Claims = Record<string, string | number | boolean | string[]>;

function claimsOf(event: APIGatewayProxyEventV2): Claims | undefined {
  const context = event.requestContext as { authorizer?: { jwt?: { claims?: Claims } } };
  return context.authorizer?.jwt?.claims;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** A claim naming the user or tenant, refused (401) before any flow starts when absent or unusable. */
function claim(claims: Claims, name: string): string {
  const value = text(claims[name]);
  if (!value) throw unauthorized(name === 'sub' ? 'The token has no subject (sub) claim' : `The token has no '${name}' claim`);
  const problem = identityProblem(value);
  if (problem) throw unauthorized(`The token's '${name}' claim ${problem}`);
  return value;
}

/** The role claim holds one role, or a list of them (Cognito groups come as a list). */
function hasRole(value: unknown, role: string): boolean {
  return Array.isArray(value) ? value.includes(role) : value === role;
}

export function identityFrom(event: APIGatewayProxyEventV2, claimNames: { tenantClaim: string; roleClaim: string }): Identity {
  const claims = claimsOf(event);
  if (!claims) throw unauthorized();
  const userId = claim(claims, 'sub');
  const tenantId = claim(claims, claimNames.tenantClaim);
  return hasRole(claims[claimNames.roleClaim], ADMIN_ROLE) ? { tenantId, userId, admin: true } : { tenantId, userId };
}
