/** Drives the local server and its provider simulators the way a user's browser would. */
import { startLocalServer, type LocalServer, type LocalServerOptions } from '../../local/app';

export interface Client {
  server: LocalServer;
  token: string;
  /** GET/DELETE on the API with the user's bearer token. */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** POST /sim/<provider>/_sim/<action> on a simulator's control API. */
  control(provider: string, action: string, body?: unknown, method?: string): Promise<Response>;
  /** GET /connect/<provider>, then the authorize redirect; returns the callback URL it leads to. */
  authorize(provider: string, query?: string): Promise<{ connect: any; callbackUrl: string }>;
  /** The whole dance: connect, authorize, callback; returns the callback response. */
  connect(provider: string): Promise<Response>;
  /** Forgets what rate-limit gates and circuits learnt, so one test's 429s or faults do not reach the next. */
  resetResilience(): Promise<void>;
}

/** A 202 job answer: the provider was limited; returns the wait it announced. */
export async function expectScheduled(res: Response): Promise<{ job_id: string; retry_after: number }> {
  const body = await res.json();
  if (res.status !== 202 || body.status !== 'scheduled' || typeof body.job_id !== 'string') {
    throw new Error(`expected a 202 scheduled job, got ${res.status} ${JSON.stringify(body)}`);
  }
  if (Number(res.headers.get('retry-after')) !== body.retry_after) throw new Error('Retry-After differs from retry_after');
  return body;
}

export interface ClientOptions {
  /**
   * The cache policy every API call asks for. Provider tests default to `bypass`
   * (`Cache-Control: no-store`): they are about what reaches the provider, which a cached
   * answer would hide. Cache tests pass `use`.
   */
  cache?: 'use' | 'bypass';
}

export async function startClient(
  options: LocalServerOptions = {},
  user = 'user-1',
  tenant = 'tenant-1',
  { cache = 'bypass' }: ClientOptions = {},
): Promise<Client> {
  const server = await startLocalServer(options);
  const token = await server.issueToken(user, tenant);
  const policy: Record<string, string> = cache === 'bypass' ? { 'cache-control': 'no-store' } : {};
  const client: Client = {
    server,
    token,
    api: (path, init = {}) => fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...policy, ...init.headers } }),
    control: (provider, action, body, method = 'POST') =>
      fetch(`${server.url}/sim/${provider}/_sim/${action}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    async authorize(provider, query = '') {
      const res = await client.api(`/connect/${provider}${query}`);
      const connect = await res.json();
      if (res.status !== 200) throw new Error(`connect ${provider} answered ${res.status}: ${JSON.stringify(connect)}`);
      const consent = await fetch(connect.authorization_url, { redirect: 'manual' });
      const location = consent.headers.get('location');
      if (consent.status !== 302 || !location) throw new Error(`authorize ${provider} answered ${consent.status}: ${await consent.text()}`);
      return { connect, callbackUrl: location };
    },
    async connect(provider) {
      const { callbackUrl } = await client.authorize(provider);
      return fetch(callbackUrl, { redirect: 'manual' });
    },
    async resetResilience() {
      const store = server.container.coordination;
      const partitions = server.container.registry.supportedProviders().map((p) => `gate#${p}`);
      for (const pk of partitions) {
        for (const sk of (await store.list(pk, 0)).keys()) await store.delete(pk, sk);
      }
      server.container.gate.forget();
    },
  };
  return client;
}
