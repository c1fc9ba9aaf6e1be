/** Reads the caller's identity from the API Gateway JWT authorizer claims. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { unauthorized } from '../app/errors';
import type { Identity } from '../app/identity';

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

export function identityFrom(event: APIGatewayProxyEventV2, tenantClaim: string): Identity {
  const claims = claimsOf(event);
  if (!claims) throw unauthorized();
  const userId = text(claims['sub']);
  if (!userId) throw unauthorized('The token has no subject (sub) claim');
  const tenantId = text(claims[tenantClaim]);
  if (!tenantId) throw unauthorized(`The token has no '${tenantClaim}' claim`);
  return { tenantId, userId };
}
