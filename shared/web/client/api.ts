/** The API seen from the page: same origin, bearer token, `{ error: { code, message } }` failures. */
import type { TokenSource } from './identity';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class Api {
  constructor(private readonly tokens: TokenSource) {}

  async call<T>(path: string, init: RequestInit = {}, retried = false): Promise<T> {
    const token = await this.tokens.get();
    // Relative to the page, so the API may sit under a path prefix.
    const answer = await fetch(path.replace(/^\//, ''), {
      ...init,
      headers: { ...init.headers, authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    if (answer.status === 401 && !retried) {
      this.tokens.refused();
      return this.call(path, init, true);
    }
    const body = (await answer.json().catch(() => undefined)) as { error?: { code: string; message: string } } | undefined;
    if (!answer.ok) {
      throw new ApiError(answer.status, body?.error?.code ?? 'unknown', body?.error?.message ?? `HTTP ${answer.status}`);
    }
    return body as T;
  }
}
