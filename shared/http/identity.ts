/** Reads the caller's identity from the API Gateway JWT authorizer claims. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { unauthorized } from '../app/errors';
import { identityProblem, type Identity } from '../app/identity';

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

export function identityFrom(event: APIGatewayProxyEventV2, tenantClaim: string): Identity {
  const claims = claimsOf(event);
  if (!claims) throw unauthorized();
  const userId = claim(claims, 'sub');
  const tenantId = claim(claims, tenantClaim);
  return { tenantId, userId };
}
