import * as z from '../zod';

export const PROVIDER_ERROR_KINDS = [
  'auth_failed',
  /** The user did not grant the scope this data needs (other data of the connection still works). */
  'insufficient_scope',
  'token_refresh_failed',
  'not_found',
  'rate_limited',
  'unsupported_feature',
  'network',
  'timeout',
  'api_error',
  'invalid_data',
  'circuit_open',
] as const;
const ProviderErrorKindSchema = z.enum(PROVIDER_ERROR_KINDS);
export type ProviderErrorKind = z.infer<typeof ProviderErrorKindSchema>;

/** Whether a rate limit applies to the whole application or to one user's connection. */
export const RateLimitScopeSchema = z.enum(['app', 'user']);
export type RateLimitScope = z.infer<typeof RateLimitScopeSchema>;

/** The serialisable description of a provider failure (what crosses SQS and logs). */
const ProviderErrorDataSchema = z.object({
  kind: ProviderErrorKindSchema,
  provider: z.string(),
  message: z.string(),
  status: z.optional(z.number().check(z.int())),
  retry_after_secs: z.optional(z.number().check(z.nonnegative())),
  rate_limit_scope: z.optional(RateLimitScopeSchema),
  retryable: z.optional(z.boolean()),
});
export type ProviderErrorData = z.infer<typeof ProviderErrorDataSchema>;

/**
 * A failure talking to a fitness provider, in provider-neutral terms.
 * Messages must never contain tokens, codes or secrets: they reach logs and clients.
 */
export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly provider: string;
  readonly status: number | undefined;
  readonly retryAfterSecs: number | undefined;
  readonly rateLimitScope: RateLimitScope | undefined;
  private readonly retryableOverride: boolean | undefined;

  constructor(data: {
    kind: ProviderErrorKind;
    provider: string;
    message: string;
    status?: number;
    retryAfterSecs?: number;
    rateLimitScope?: RateLimitScope;
    retryable?: boolean;
  }) {
    super(data.message);
    this.name = 'ProviderError';
    this.kind = data.kind;
    this.provider = data.provider;
    this.status = data.status;
    this.retryAfterSecs = data.retryAfterSecs;
    this.rateLimitScope = data.rateLimitScope;
    this.retryableOverride = data.retryable;
  }

  /** Transient failures worth another attempt; rate limits are retried later, not now. */
  isRetryable(): boolean {
    switch (this.kind) {
      case 'network':
      case 'timeout':
      case 'rate_limited':
        return true;
      case 'api_error':
        return this.retryableOverride ?? (this.status !== undefined && this.status >= 500);
      default:
        return false;
    }
  }

  toJSON(): ProviderErrorData {
    return {
      kind: this.kind,
      provider: this.provider,
      message: this.message,
      ...(this.status !== undefined && { status: this.status }),
      ...(this.retryAfterSecs !== undefined && { retry_after_secs: this.retryAfterSecs }),
      ...(this.rateLimitScope !== undefined && { rate_limit_scope: this.rateLimitScope }),
      retryable: this.isRetryable(),
    };
  }

  static fromJSON(data: ProviderErrorData): ProviderError {
    return new ProviderError({
      kind: data.kind,
      provider: data.provider,
      message: data.message,
      status: data.status,
      retryAfterSecs: data.retry_after_secs,
      rateLimitScope: data.rate_limit_scope,
      retryable: data.retryable,
    });
  }

  static unsupported(provider: string, feature: string): ProviderError {
    return new ProviderError({
      kind: 'unsupported_feature',
      provider,
      message: `Provider '${provider}' does not support ${feature}`,
    });
  }
}
