import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { handler as data } from '../../functions/data';
import { lambdaContext } from '../../local/handlers';
import { setContainer } from '../../shared/app/container';
import { AppError, SERVICE_RETRY_SECS } from '../../shared/app/errors';
import { toErrorAnswer } from '../../shared/http/errors';
import { ProviderError, PROVIDER_ERROR_KINDS } from '../../shared/models';
import { apiEvent, claimsFor } from '../support/events';

describe('ProviderError', () => {
  it('is retryable for transient kinds only', () => {
    const retryable = PROVIDER_ERROR_KINDS.filter((kind) => new ProviderError({ kind, provider: 'p', message: 'm' }).isRetryable());
    expect(retryable).toEqual(['rate_limited', 'network', 'timeout']);
    expect(new ProviderError({ kind: 'api_error', provider: 'p', message: 'm', status: 503 }).isRetryable()).toBe(true);
    expect(new ProviderError({ kind: 'api_error', provider: 'p', message: 'm', status: 400 }).isRetryable()).toBe(false);
    expect(new ProviderError({ kind: 'api_error', provider: 'p', message: 'm', status: 400, retryable: true }).isRetryable()).toBe(true);
  });

  it('survives a JSON round trip (queues, logs)', () => {
    const error = new ProviderError({
      kind: 'rate_limited',
      provider: 'strava',
      message: 'slow down',
      status: 429,
      retryAfterSecs: 120,
      rateLimitScope: 'app',
    });
    const copy = ProviderError.fromJSON(JSON.parse(JSON.stringify(error)));
    expect(copy).toMatchObject({ kind: 'rate_limited', provider: 'strava', retryAfterSecs: 120, rateLimitScope: 'app', status: 429 });
  });
});

describe('error answers', () => {
  it('maps provider errors to statuses and codes', () => {
    const answer = (kind: ProviderError['kind']) =>
      toErrorAnswer(new ProviderError({ kind, provider: 'p', message: 'm', retryAfterSecs: kind === 'rate_limited' ? 61.2 : undefined }));
    expect(answer('invalid_data')).toMatchObject({ status: 502, code: 'provider_invalid_data' });
    expect(answer('not_found')).toMatchObject({ status: 404, code: 'not_found' });
    expect(answer('unsupported_feature')).toMatchObject({ status: 400, code: 'unsupported_feature' });
    expect(answer('rate_limited')).toMatchObject({ status: 429, code: 'rate_limited', headers: { 'retry-after': '62' } });
    expect(answer('timeout')).toMatchObject({ status: 504 });
  });

  it('passes app errors through and hides unexpected ones', () => {
    expect(toErrorAnswer(new AppError(409, 'not_connected', 'x'))).toMatchObject({ status: 409, code: 'not_connected', message: 'x' });
    const hidden = toErrorAnswer(new Error('token=abc123 leaked'));
    expect(hidden).toEqual({ status: 500, code: 'internal_error', message: 'Internal error', headers: {} });
  });
});

describe('an invocation that runs out of time', () => {
  afterEach(() => setContainer(undefined));

  it('answers 503 service_timeout with Retry-After, not a 500, when the service cannot answer in time', async () => {
    // The service never finishes starting (a stalled dependency). middy's timer comes from
    // node:timers, out of fake timers' reach: the invocation is given 30 ms.
    setContainer(new Promise<never>(() => {}));
    const event = apiEvent({ path: '/activities', query: { provider: 'synthetic' }, claims: claimsFor('slow-user') });
    const result = (await data(event, lambdaContext('data', 'req-timeout', 30))) as APIGatewayProxyStructuredResultV2;
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['retry-after']).toBe(String(SERVICE_RETRY_SECS));
    expect(JSON.parse(String(result.body))).toEqual({
      error: { code: 'service_timeout', message: 'The service took too long to answer; try again shortly' },
    });
  });
});
