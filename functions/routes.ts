/**
 * The HTTP API: which route goes to which function file. The CDK stack and the local server
 * both read this table, so the deployed API and `npm start` cannot drift apart.
 */
import { RESOURCES } from '../shared/resources';

export type FunctionName =
  | 'providers'
  | 'connect'
  | 'callback'
  | 'connections'
  | 'users'
  | 'data'
  | 'jobs'
  | 'settings'
  | 'tenant-providers'
  | 'health'
  | 'mcp'
  | 'webhooks'
  | 'web'
  | 'endpoints'
  | 'events';

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway path syntax: `/activities/{provider}/{id}`. */
  path: string;
  fn: FunctionName;
  /** False for routes reached without the app's JWT (OAuth callback, health, webhooks, the page). */
  auth: boolean;
}

/** One route per row of the resource table, each served by the data function. */
const DATA_ROUTES = RESOURCES.map((r) => ({ method: 'GET', path: r.route.path, fn: 'data', auth: true }) as const);

export const ROUTES = [
  { method: 'GET', path: '/health', fn: 'health', auth: false },
  { method: 'GET', path: '/providers', fn: 'providers', auth: true },
  { method: 'GET', path: '/connect/{provider}', fn: 'connect', auth: true },
  { method: 'GET', path: '/callback/{provider}', fn: 'callback', auth: false },
  { method: 'GET', path: '/connections', fn: 'connections', auth: true },
  { method: 'DELETE', path: '/connections/{provider}', fn: 'connections', auth: true },
  { method: 'DELETE', path: '/users/me', fn: 'users', auth: true },
  ...DATA_ROUTES,
  { method: 'GET', path: '/jobs/{id}', fn: 'jobs', auth: true },
  // Source priority of merged answers (docs/merging.md): the caller's own, and the tenant's (admins).
  { method: 'GET', path: '/settings/sources', fn: 'settings', auth: true },
  { method: 'PUT', path: '/settings/sources', fn: 'settings', auth: true },
  { method: 'GET', path: '/admin/sources', fn: 'settings', auth: true },
  { method: 'PUT', path: '/admin/sources', fn: 'settings', auth: true },
  // The tenant's event endpoints and events: admins only (docs/events.md).
  { method: 'POST', path: '/admin/endpoints', fn: 'endpoints', auth: true },
  { method: 'GET', path: '/admin/endpoints', fn: 'endpoints', auth: true },
  { method: 'DELETE', path: '/admin/endpoints/{id}', fn: 'endpoints', auth: true },
  { method: 'POST', path: '/admin/endpoints/{id}/rotate-secret', fn: 'endpoints', auth: true },
  { method: 'GET', path: '/events', fn: 'events', auth: true },
  { method: 'GET', path: '/events/{id}', fn: 'events', auth: true },
  { method: 'POST', path: '/events/{id}/resend', fn: 'events', auth: true },
  { method: 'POST', path: '/mcp', fn: 'mcp', auth: true },
  { method: 'GET', path: '/mcp', fn: 'mcp', auth: true },
  { method: 'DELETE', path: '/mcp', fn: 'mcp', auth: true },
  { method: 'GET', path: '/webhooks/{provider}', fn: 'webhooks', auth: false },
  { method: 'POST', path: '/webhooks/{provider}', fn: 'webhooks', auth: false },
  // Deliveries for a tenant's own app: the URL registered with that app (docs/tenants.md).
  { method: 'GET', path: '/webhooks/{provider}/{tenant}', fn: 'webhooks', auth: false },
  { method: 'POST', path: '/webhooks/{provider}/{tenant}', fn: 'webhooks', auth: false },
  // A tenant admin's own provider apps.
  { method: 'PUT', path: '/admin/providers/{provider}', fn: 'tenant-providers', auth: true },
  { method: 'GET', path: '/admin/providers/{provider}', fn: 'tenant-providers', auth: true },
  { method: 'DELETE', path: '/admin/providers/{provider}', fn: 'tenant-providers', auth: true },
  // The connections page (it gets its token from the embedding app) and the API's description.
  { method: 'GET', path: '/', fn: 'web', auth: false },
  { method: 'GET', path: '/openapi.json', fn: 'web', auth: false },
  // Where an assistant meeting a 401 learns whom to ask for a token (RFC 9728): the API's, /mcp's.
  { method: 'GET', path: '/.well-known/oauth-protected-resource', fn: 'web', auth: false },
  { method: 'GET', path: '/.well-known/oauth-protected-resource/mcp', fn: 'web', auth: false },
] as const satisfies readonly RouteSpec[];

/** `GET /activities/{provider}/{id}`: a route as API Gateway names it (its route key). */
export type RouteKey = (typeof ROUTES)[number] extends infer R
  ? R extends { method: infer M extends string; path: infer P extends string }
    ? `${M} ${P}`
    : never
  : never;

/** Function files, one Lambda each: `functions/<name>.ts` exporting `handler`. */
export const FUNCTION_NAMES: readonly FunctionName[] = [...new Set(ROUTES.map((r) => r.fn))];

/** CORS as API Gateway answers it (the stack configures it; the local server mirrors it). */
export const CORS = {
  allowOrigins: ['*'],
  allowMethods: [...new Set(ROUTES.map((r) => r.method))],
  allowHeaders: ['authorization', 'content-type', 'cache-control'],
  maxAgeSecs: 3600,
} as const;

/** API Gateway HTTP API request limits the local server enforces the same way. */
export const GATEWAY_LIMITS = {
  /** The request line and headers together may not exceed 10,240 bytes at API Gateway. */
  maxHeaderBytes: 10_240,
  maxUrlBytes: 8_192,
} as const;
