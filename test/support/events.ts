/** Real API Gateway HTTP API (payload 2.0) events for handler tests, built like the gateway does. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { buildEvent, matchRoute } from '../../local/apigw';
import { lambdaContext, HANDLERS } from '../../local/handlers';

export interface EventInput {
  method?: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string>;
  /** JWT authorizer claims; omit for an unauthenticated request. */
  claims?: Record<string, string>;
  body?: string;
  headers?: Record<string, string>;
}

export function apiEvent(input: EventInput): APIGatewayProxyEventV2 {
  const method = input.method ?? 'GET';
  const matched = matchRoute(method, input.path);
  if (!matched || matched === 'method' || matched === 'encoding') throw new Error(`no route for ${method} ${input.path}`);
  const url = new URL(`https://api.example.com${input.path}`);
  for (const [key, value] of Object.entries(input.query ?? {})) url.searchParams.set(key, value);
  const body = Buffer.from(input.body ?? '');
  return buildEvent({
    method,
    url,
    headers: { host: 'api.example.com', 'x-forwarded-proto': 'https', 'content-type': 'application/json', ...input.headers },
    body,
    matched,
    claims: input.claims,
    sourceIp: '203.0.113.9',
    domainName: 'api.example.com',
  });
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  json: any;
}

/** Routes the event to its function file (as API Gateway would) and parses the answer. */
export async function invoke(input: EventInput): Promise<Answer> {
  const event = apiEvent(input);
  const matched = matchRoute(event.requestContext.http.method, event.rawPath);
  if (!matched || matched === 'method' || matched === 'encoding') throw new Error('unreachable');
  const { handler } = await HANDLERS[matched.route.fn]();
  const result = (await handler(event, lambdaContext('test', event.requestContext.requestId))) as APIGatewayProxyStructuredResultV2;
  const text = result.body ?? '';
  return {
    status: result.statusCode ?? 200,
    headers: (result.headers ?? {}) as Record<string, string>,
    json: text ? JSON.parse(text) : undefined,
  };
}

export const claimsFor = (userId: string, tenantId = 'tenant-a') => ({ sub: userId, tenant_id: tenantId });
