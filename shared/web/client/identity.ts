/**
 * Where the page's bearer token comes from. Locally the page asks the dev server for one. On
 * AWS the embedding application hands it over, either
 *  - in the URL fragment, `/#token=<JWT>` (never sent to a server; removed from the address bar), or
 *  - by `postMessage`: the page posts `{ type: 'pierre:ready' }` to its parent (or opener), which
 *    answers `{ type: 'pierre:token', token }` from an origin listed in PIERRE_ALLOWED_RETURN_ORIGINS.
 * A handed-over token lives in sessionStorage (this tab only, gone when it closes); a dev token
 * in memory only. When a token is refused the page posts `{ type: 'pierre:token-expired' }` and
 * waits for the next one.
 */
export interface PageConfig {
  devTokens: boolean;
  /** Origins allowed to hand over a token by postMessage. */
  tokenOrigins: string[];
}

export const TOKEN_KEY = 'pierre.token';
export const MESSAGE = { ready: 'pierre:ready', token: 'pierre:token', expired: 'pierre:token-expired' } as const;

function tokenFromFragment(): string | undefined {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = params.get('token');
  if (!token) return undefined;
  history.replaceState(history.state, '', `${location.pathname}${location.search}`);
  return token;
}

function embedder(): Window | undefined {
  if (window.parent !== window) return window.parent;
  return window.opener ? (window.opener as Window) : undefined;
}

export class TokenSource {
  private token: string | undefined;
  private waiting: Array<(token: string) => void> = [];

  constructor(private readonly config: PageConfig) {
    window.addEventListener('message', (event: MessageEvent) => {
      const data = event.data as { type?: unknown; token?: unknown } | null;
      if (!data || data.type !== MESSAGE.token || typeof data.token !== 'string' || !data.token) return;
      if (!this.config.tokenOrigins.includes(event.origin) || event.source !== embedder()) return;
      this.accept(data.token);
    });
  }

  private accept(token: string, remember = true): void {
    this.token = token;
    if (remember) sessionStorage.setItem(TOKEN_KEY, token);
    for (const resolve of this.waiting.splice(0)) resolve(token);
  }

  private async devToken(): Promise<string> {
    const answer = await fetch('dev/token', { cache: 'no-store' });
    if (!answer.ok) throw new Error('The development server did not issue a token');
    return ((await answer.json()) as { token: string }).token;
  }

  /** The current token, waiting for the embedding application when there is none yet. */
  async get(): Promise<string> {
    if (this.token) return this.token;
    const handed = tokenFromFragment() ?? sessionStorage.getItem(TOKEN_KEY) ?? undefined;
    if (handed) {
      this.accept(handed);
      return handed;
    }
    if (this.config.devTokens) {
      this.accept(await this.devToken(), false);
      return this.token!;
    }
    const waiting = new Promise<string>((resolve) => this.waiting.push(resolve));
    embedder()?.postMessage({ type: MESSAGE.ready }, '*');
    return waiting;
  }

  /** Whether a token may still arrive by itself (a parent can answer `ready`). */
  get canWait(): boolean {
    return this.config.devTokens || embedder() !== undefined;
  }

  /** The API refused the token: forget it and ask for a new one. */
  refused(): void {
    this.token = undefined;
    sessionStorage.removeItem(TOKEN_KEY);
    if (!this.config.devTokens) embedder()?.postMessage({ type: MESSAGE.expired }, '*');
  }
}
