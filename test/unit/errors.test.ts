import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/app/errors';
import { toErrorAnswer } from '../../shared/http/errors';
import { ProviderError, PROVIDER_ERROR_KINDS } from '../../shared/models';

describe('ProviderError', () => {
  it('is retryable for transient kinds only', () => {
    const retryable = PROVIDER_ERROR_KINDS.filter((kind) => new ProviderError({ kind, provider: 'p', message: 'm' }).isRetryable());
    expect(retryable).toEqual(['rate_limited', 'network', 'timeout']);
    expect(new ProviderError({ kind: 'api_error', provider: 'p', message: 'm', status: 503 }).isRetryable()).toBe(true);
    expect(new ProviderError({ kind: 'api_error', provider: 'p', message: 'm', status: 400 }).isRetryable()).toBe(false);
    expect(new ProviderError({ kind: 'api_error', provider: 'p', message: 'm', status: 400, retryable: true }).isRetryable()).toBe(true);
  });

  it('survives a JSON round trip (queues, logs)', () => {
    const error = new ProviderError({ kind: 'rate_limited', provider: 'strava', message: 'slow down', status: 429, retryAfterSecs: 120, rateLimitScope: 'app' });
    const copy = ProviderError.fromJSON(JSON.parse(JSON.stringify(error)));
    expect(copy).toMatchObject({ kind: 'rate_limited', provider: 'strava', retryAfterSecs: 120, rateLimitScope: 'app', status: 429 });
  });
});

describe('error answers', () => {
  it('maps provider errors to statuses and codes', () => {
    const answer = (kind: ProviderError['kind']) => toErrorAnswer(new ProviderError({ kind, provider: 'p', message: 'm', retryAfterSecs: kind === 'rate_limited' ? 61.2 : undefined }));
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
