/**
 * The middy stack every HTTP function shares: Powertools logging context, header and event
 * normalisation, a 64 KiB body limit, JWT identity, and one error -> JSON mapping.
 */
import middy from '@middy/core';
import httpEventNormalizer from '@middy/http-event-normalizer';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Container, ContainerSource } from '../app/container-core';
import { AppError, invalidRequest } from '../app/errors';
import { roundedJson } from '../models/precision';
import { CacheRequest, policyFrom } from '../cache/policy';
import { newRequestContext, runRequest, type RequestStart } from '../context/request';
import type { Identity } from '../app/identity';
import { logger, serverErrorMetric } from '../app/observability';
import { toErrorAnswer } from './errors';
import { identityFrom } from './identity';
import { bearerChallenge } from './protected-resource';

const MAX_BODY_BYTES = 64 * 1024;

export interface HttpAnswer {
  status: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is (the web page), with its own content-type header. */
  raw?: string;
  headers?: Record<string, string>;
}

interface HttpContext {
  container: Container;
  identity: Identity;
  /**
   * `https://<API Gateway domain>` (for callback URLs when PIERRE_PUBLIC_BASE_URL is unset). It
   * comes from the request context, never from Host or X-Forwarded-* headers a client can set.
   */
  origin: string;
}

/**
 * What a function's entry names: where its container comes from (`providerContainer` from
 * shared/app/container.ts when it calls providers, `coreContainer` from container-core.ts when
 * it never does, so its bundle holds no provider code), and its body limit.
 */
export interface EntryOptions {
  container: ContainerSource;
  maxBodyBytes?: number;
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
    body: answer.raw ?? (answer.body === undefined ? '' : roundedJson(answer.body)),
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

async function countServerError(request: { event: APIGatewayProxyEventV2; response: APIGatewayProxyStructuredResultV2 | null }): Promise<void> {
  if ((request.response?.statusCode ?? 500) >= 500) serverErrorMetric(request.event.routeKey ?? 'unknown');
}

/** The invocation's part of the request context: its time budget, measured on the container's clock (Lambda's own; a test's injected one). */
type Open = (event: APIGatewayProxyEventV2, container: Container, start: RequestStart) => Promise<HttpAnswer>;

function stack(options: EntryOptions, open: Open) {
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  return (
    middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(httpHeaderNormalizer())
      .use(httpEventNormalizer())
      // Every 5xx is counted by route, whether it came from an error or an answer (Lambda's Errors sees neither).
      // Registered before the error answer: middy runs onError in reverse, so this one sees the response it set.
      .use({
        after: countServerError,
        onError: countServerError,
      })
      .use({
        onError: async (request) => {
          request.response = errorResult(request.error);
        },
      })
      .handler(async (event, context) => {
        if (bodyBytes(event) > maxBodyBytes) {
          throw new AppError(413, 'payload_too_large', `The request body exceeds ${maxBodyBytes} bytes`);
        }
        const container = await options.container();
        return toResult(await open(event, container, { remainingMs: context.getRemainingTimeInMillis(), now: container.deps.now }));
      })
  );
}

/** The request's cache policy (`?cache=`, `Cache-Control`) for the caching decorator; handlers never see it. */
function cacheRequestOf(event: APIGatewayProxyEventV2): CacheRequest {
  const policy = policyFrom(event.queryStringParameters?.['cache'], event.headers?.['cache-control']);
  if (!policy) throw invalidRequest('cache', 'must be one of use, bypass, refresh');
  return new CacheRequest(policy);
}

/** The caller's identity; a refusal (401) says where an assistant learns how to sign in (RFC 9728). */
function identityOf(event: APIGatewayProxyEventV2, container: Container): Identity {
  try {
    return identityFrom(event, container.config);
  } catch (error) {
    if (!(error instanceof AppError) || error.status !== 401) throw error;
    const challenge = bearerChallenge(container.config.publicBaseUrl ?? originOf(event), event.rawPath);
    throw new AppError(401, error.code, error.message, { ...error.headers, 'www-authenticate': challenge });
  }
}

/** An HTTP function behind the JWT authorizer; what the cache did is told in `X-Cache` / `Age`. */
export function authenticated(handler: Handler, options: EntryOptions) {
  return stack(options, async (event, container, start) => {
    const identity = identityOf(event, container);
    const cache = cacheRequestOf(event);
    const context = newRequestContext({ ...start, cache, caller: identity });
    const answer = await runRequest(context, () => handler(event, { container, identity, origin: originOf(event) }));
    return { ...answer, headers: { ...answer.headers, ...cache.headers() } };
  });
}

/** An HTTP function reached without the app's JWT (OAuth callback, health, webhooks). */
export function unauthenticated(handler: PublicHandler, options: EntryOptions) {
  return stack(options, (event, container, start) => runRequest(newRequestContext(start), () => handler(event, { container, origin: originOf(event) })));
}
