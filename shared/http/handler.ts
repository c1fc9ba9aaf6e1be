/**
 * The middy stack every HTTP function shares: Powertools logging context, header and event
 * normalisation, a 64 KiB body limit, JWT identity, and one error -> JSON mapping.
 */
import middy from '@middy/core';
import httpEventNormalizer from '@middy/http-event-normalizer';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { getContainer, type Container } from '../app/container-core';
import { AppError, invalidRequest } from '../app/errors';
import { CacheRequest, policyFrom, withCacheRequest } from '../cache/policy';
import type { Identity } from '../app/identity';
import { logger } from '../app/observability';
import { toErrorAnswer } from './errors';
import { withDeadline } from '../providers/deadline';
import { identityFrom } from './identity';

const MAX_BODY_BYTES = 64 * 1024;

export interface HttpAnswer {
  status: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is (the web page), with its own content-type header. */
  raw?: string;
  headers?: Record<string, string>;
}

export interface HttpContext {
  container: Container;
  identity: Identity;
  /**
   * `https://<API Gateway domain>` (for callback URLs when PIERRE_PUBLIC_BASE_URL is unset). It
   * comes from the request context, never from Host or X-Forwarded-* headers a client can set.
   */
  origin: string;
}

type Handler = (event: APIGatewayProxyEventV2, ctx: HttpContext) => Promise<HttpAnswer>;
type PublicHandler = (event: APIGatewayProxyEventV2, ctx: Omit<HttpContext, 'identity'>) => Promise<HttpAnswer>;

const BASE_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpAnswer {
  return { status, body, headers };
}

/** A non-JSON answer (HTML); `headers` must name its content-type. */
export function raw(status: number, body: string, headers: Record<string, string>): HttpAnswer {
  return { status, raw: body, headers };
}

function toResult(answer: HttpAnswer): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: answer.status,
    headers: { ...BASE_HEADERS, ...answer.headers },
    body: answer.raw ?? (answer.body === undefined ? '' : JSON.stringify(answer.body)),
  };
}

function errorResult(error: unknown): APIGatewayProxyStructuredResultV2 {
  const answer = toErrorAnswer(error);
  return toResult({ status: answer.status, headers: answer.headers, body: { error: { code: answer.code, message: answer.message } } });
}

function bodyBytes(event: APIGatewayProxyEventV2): number {
  if (!event.body) return 0;
  return Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

function originOf(event: APIGatewayProxyEventV2): string {
  return `https://${event.requestContext.domainName}`;
}

function stack(run: (event: APIGatewayProxyEventV2, container: Container) => Promise<HttpAnswer>, maxBodyBytes = MAX_BODY_BYTES) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(httpHeaderNormalizer())
    .use(httpEventNormalizer())
    .use({
      onError: async (request) => {
        request.response = errorResult(request.error);
      },
    })
    .handler(async (event, context) => {
      if (bodyBytes(event) > maxBodyBytes) {
        throw new AppError(413, 'payload_too_large', `The request body exceeds ${maxBodyBytes} bytes`);
      }
      const container = await getContainer();
      // Measured on the container's clock (Lambda's own; a test's injected one).
      return toResult(await withDeadline(context.getRemainingTimeInMillis(), () => run(event, container), container.deps.now));
    });
}

/**
 * The request's cache policy (`?cache=`, `Cache-Control`) for the caching decorator, and its
 * `X-Cache` / `Age` on the answer. Handlers never see either.
 */
async function withCachePolicy(event: APIGatewayProxyEventV2, run: () => Promise<HttpAnswer>): Promise<HttpAnswer> {
  const policy = policyFrom(event.queryStringParameters?.['cache'], event.headers?.['cache-control']);
  if (!policy) throw invalidRequest('cache', 'must be one of use, bypass, refresh');
  const request = new CacheRequest(policy);
  const answer = await withCacheRequest(request, run);
  return { ...answer, headers: { ...answer.headers, ...request.headers() } };
}

/** An HTTP function behind the JWT authorizer. */
export function authenticated(handler: Handler) {
  return stack(async (event, container) => {
    const identity = identityFrom(event, container.config.tenantClaim);
    return withCachePolicy(event, () => handler(event, { container, identity, origin: originOf(event) }));
  });
}

/** An HTTP function reached without the app's JWT (OAuth callback, health, webhooks). */
export function unauthenticated(handler: PublicHandler, options: { maxBodyBytes?: number } = {}) {
  return stack(async (event, container) => handler(event, { container, origin: originOf(event) }), options.maxBodyBytes);
}
