/**
 * HTTP plumbing shared by provider clients: timeouts, status -> ProviderError mapping,
 * zod validation of every response. Provider folders add only what is theirs (rate-limit
 * headers, auth headers, pagination).
 */
import type * as z from '../zod';
import { ProviderError, type RateLimitScope } from '../models';
import { remainingBudgetMs } from '../context/request';
import type { RateLimitUsage } from './rate-limit';
import type { ProviderDeps } from './spi';

export interface RateLimitHint {
  retryAfterSecs: number;
  scope: RateLimitScope;
}

export interface ProviderHttpOptions {
  provider: string;
  deps: ProviderDeps;
  timeoutMs?: number;
  /** How long to wait after a 429 when `Retry-After` is absent; provider specific. */
  rateLimitHint?: (headers: Headers, nowMs: number) => RateLimitHint | undefined;
  /** Reads the provider's rate-limit usage headers, reported to `deps.observeRateLimit`. */
  rateLimitUsage?: (headers: Headers, nowMs: number) => RateLimitUsage | undefined;
}

interface RequestOptions<T> {
  url: string | URL;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  /** Sent as `application/x-www-form-urlencoded`. */
  form?: Record<string, string>;
  /** Sent as `application/json`. */
  json?: unknown;
  schema: z.ZodMiniType<T>;
  /** Maps specific statuses before the generic mapping (e.g. token endpoint 400 -> auth). */
  onStatus?: (status: number, body: string, headers: Headers) => ProviderError | undefined;
}

interface ProviderResponse<T> {
  data: T;
  status: number;
  headers: Headers;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** Seconds from a `Retry-After` header (delta-seconds or HTTP date); undefined when absent. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

export class ProviderHttp {
  private readonly timeoutMs: number;

  constructor(private readonly options: ProviderHttpOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  get provider(): string {
    return this.options.provider;
  }

  async request<T>(req: RequestOptions<T>): Promise<ProviderResponse<T>> {
    const { provider, deps } = this.options;
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    let body: string | undefined;
    if (req.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(req.form).toString();
    } else if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.json);
    }
    const timeoutMs = Math.min(this.timeoutMs, remainingBudgetMs() ?? Number.POSITIVE_INFINITY);
    const timedOut = () =>
      new ProviderError({ kind: 'timeout', provider, message: `${provider} did not answer within the time left (${Math.max(0, Math.round(timeoutMs))} ms)` });
    if (timeoutMs <= 0) throw timedOut();
    await deps.admitRequest?.();
    let response: Response;
    try {
      response = await deps.fetch(req.url, {
        method: req.method ?? 'GET',
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      });
    } catch (error) {
      if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) throw timedOut();
      throw new ProviderError({ kind: 'network', provider, message: `${provider} could not be reached` });
    }
    await this.observeUsage(response.headers);
    const text = await readText(response, provider);
    if (!response.ok) throw this.errorFor(response, text, req);
    return { data: this.parse(text, req.schema, response.status), status: response.status, headers: response.headers };
  }

  private async observeUsage(headers: Headers): Promise<void> {
    const { rateLimitUsage, deps } = this.options;
    if (!deps.observeRateLimit) return;
    await deps.observeRateLimit(rateLimitUsage?.(headers, deps.now()));
  }

  private parse<T>(text: string, schema: z.ZodMiniType<T>, status: number): T {
    const provider = this.options.provider;
    let json: unknown = null;
    if (text.trim() !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        throw new ProviderError({ kind: 'invalid_data', provider, status, message: `${provider} returned a body that is not JSON` });
      }
    }
    const result = schema.safeParse(json);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue?.path.length ? ` at '${issue.path.join('.')}'` : '';
      throw new ProviderError({
        kind: 'invalid_data',
        provider,
        status,
        message: `${provider} returned data of an unexpected shape${where}: ${issue?.message ?? 'invalid'}`,
      });
    }
    return result.data;
  }

  private errorFor<T>(response: Response, text: string, req: RequestOptions<T>): ProviderError {
    const { provider } = this.options;
    const status = response.status;
    const specific = req.onStatus?.(status, text, response.headers);
    if (specific) return specific;
    if (status === 401 || status === 403) {
      return new ProviderError({ kind: 'auth_failed', provider, status, message: `${provider} rejected the access token (HTTP ${status})` });
    }
    if (status === 404) {
      return new ProviderError({ kind: 'not_found', provider, status, message: `${provider} has no such resource` });
    }
    if (status === 429) {
      const now = this.options.deps.now();
      const fromHeader = parseRetryAfter(response.headers.get('retry-after'), now);
      const hint = this.options.rateLimitHint?.(response.headers, now);
      const retryAfterSecs = fromHeader ?? hint?.retryAfterSecs ?? 60;
      return new ProviderError({
        kind: 'rate_limited',
        provider,
        status,
        retryAfterSecs,
        rateLimitScope: hint?.scope ?? 'app',
        message: `${provider} rate limit reached; retry in ${retryAfterSecs} s`,
      });
    }
    return new ProviderError({
      kind: 'api_error',
      provider,
      status,
      retryable: status >= 500,
      message: `${provider} answered HTTP ${status}`,
    });
  }
}

async function readText(response: Response, provider: string): Promise<string> {
  try {
    return await response.text();
  } catch {
    throw new ProviderError({ kind: 'network', provider, message: `${provider} closed the connection mid-response` });
  }
}
