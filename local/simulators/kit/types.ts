/** What a provider simulator is to the local server: a request handler mounted at /sim/<name>. */
import type { IncomingHttpHeaders } from 'node:http';
import type { Snapshottable } from '../../../shared/store/snapshot';

/** What every simulator is built with. */
export interface SimulatorOptions {
  /** Epoch milliseconds; tests move time through it instead of waiting. */
  now: () => number;
}

export interface SimRequest {
  method: string;
  /** Path and query relative to the simulator's mount (`/oauth/token?x=1`). */
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as they are (set content-type yourself). */
  body?: unknown;
}

/** Snapshottable: a local run keeps a simulator's grants across restarts. */
export interface ProviderSimulator extends Snapshottable {
  /** The provider this simulator stands in for; mounted at `/sim/<name>`. */
  readonly name: string;
  handle(request: SimRequest): Promise<SimResponse>;
  /** `PIERRE_<NAME>_*` settings that point the provider's client at this simulator. */
  env(mountUrl: string): Record<string, string>;
}

const text = (request: SimRequest): string => request.body.toString('utf8');

export function form(request: SimRequest): URLSearchParams {
  const type = String(request.headers['content-type'] ?? '');
  if (type.includes('application/json')) {
    const params = new URLSearchParams();
    try {
      for (const [k, v] of Object.entries(JSON.parse(text(request)) as Record<string, unknown>)) params.set(k, String(v));
    } catch {
      /* an unparsable body has no parameters */
    }
    return params;
  }
  return new URLSearchParams(text(request));
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): SimResponse => ({
  status,
  body,
  headers,
});

export function basicCredentials(request: SimRequest): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(String(request.headers.authorization ?? ''));
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
}

export function bearer(request: SimRequest): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(String(request.headers.authorization ?? ''))?.[1];
}
