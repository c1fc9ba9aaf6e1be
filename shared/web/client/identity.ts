/**
 * Where the page's bearer token comes from. Locally the page asks the dev server for one. On
 * AWS the embedding application hands it over, either
 *  - by `postMessage` (recommended): the page posts `{ type: 'pierre:ready' }` to its parent (or
 *    opener), which answers `{ type: 'pierre:token', token }` from an origin listed in
 *    PIERRE_ALLOWED_RETURN_ORIGINS, or
 *  - in the URL fragment, `/#token=<JWT>` (never sent to a server; removed from the address bar).
 *    Anyone can make such a link, so a fragment token never replaces a token of another user the
 *    tab already holds without the person's say: the page asks (see `TokenEvents.offer`).
 * A handed-over token lives in sessionStorage (this tab only, gone when it closes); a dev token
 * in memory only. When a token is refused the page posts `{ type: 'pierre:token-expired' }` and
 * waits for the next one. Whoever the current token names is shown on the page.
 */
export interface PageConfig {
  devTokens: boolean;
  /** Origins allowed to hand over a token by postMessage. */
  tokenOrigins: string[];
  /** The JWT claim naming the tenant (PIERRE_TENANT_CLAIM). */
  tenantClaim: string;
}

const TOKEN_KEY = 'pierre.token';
const MESSAGE = { ready: 'pierre:ready', token: 'pierre:token', expired: 'pierre:token-expired' } as const;

/** Who a token acts for, as its claims say (read, not verified: the API verifies). */
export interface Who {
  user: string;
  tenant: string;
}

const MAX_SHOWN = 80;
// Control and bidirectional-formatting characters could make one name look like another.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const DECEPTIVE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g;

function shown(value: unknown): string {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
  const clean = text.replace(DECEPTIVE, '\ufffd');
  return clean.length > MAX_SHOWN ? `${clean.slice(0, MAX_SHOWN)}…` : clean;
}

function whoOf(token: string, tenantClaim: string): Who | undefined {
  try {
    const payload = token.split('.')[1] ?? '';
    const bytes = Uint8Array.from(atob(payload.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    const who = { user: shown(claims['sub']), tenant: shown(claims[tenantClaim]) };
    return who.user && who.tenant ? who : undefined;
  } catch {
    return undefined;
  }
}

/** `alice@acme`, or a phrase when the token names no one the page can read. */
export const whoText = (who: Who | undefined): string => (who ? `${who.user}@${who.tenant}` : 'an unknown user');

const sameWho = (a: Who | undefined, b: Who | undefined) => a !== undefined && b !== undefined && a.user === b.user && a.tenant === b.tenant;

/** What the page shows about identity. */
export interface TokenEvents {
  /** The token in use changed (undefined: none, waiting for one). */
  identity(who: Who | undefined): void;
  /** A link carried a token of someone else than the tab holds; `decide(true)` switches to it. */
  offer(offered: Who | undefined, current: Who | undefined, decide: (switchTo: boolean) => void): void;
}

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

  constructor(
    private readonly config: PageConfig,
    private readonly events: TokenEvents,
  ) {
    window.addEventListener('message', (event: MessageEvent) => {
      const data = event.data as { type?: unknown; token?: unknown } | null;
      if (!data || data.type !== MESSAGE.token || typeof data.token !== 'string' || !data.token) return;
      if (!this.config.tokenOrigins.includes(event.origin) || event.source !== embedder()) return;
      this.accept(data.token);
    });
    window.addEventListener('hashchange', () => this.takeFragment());
    const held = sessionStorage.getItem(TOKEN_KEY);
    if (held) this.accept(held);
    this.takeFragment();
  }

  private who(token: string | undefined): Who | undefined {
    return token === undefined ? undefined : whoOf(token, this.config.tenantClaim);
  }

  /** A token from the address bar: taken when the tab holds none (or one of the same person), else offered. */
  private takeFragment(): void {
    const offered = tokenFromFragment();
    if (!offered || offered === this.token) return;
    const current = this.who(this.token);
    if (!this.token || sameWho(this.who(offered), current)) {
      this.accept(offered);
      return;
    }
    this.events.offer(this.who(offered), current, (switchTo) => {
      if (switchTo) this.accept(offered);
    });
  }

  private accept(token: string, remember = true): void {
    this.token = token;
    if (remember) sessionStorage.setItem(TOKEN_KEY, token);
    this.events.identity(this.who(token));
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
    this.events.identity(undefined);
    if (!this.config.devTokens) embedder()?.postMessage({ type: MESSAGE.expired }, '*');
  }
}
