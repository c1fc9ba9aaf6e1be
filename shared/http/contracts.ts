/**
 * What each route of the route table takes and answers, as zod schemas: the source of the
 * OpenAPI document (shared/http/openapi.ts). The input schemas are the ones the handlers parse
 * with, the answer schemas the ones the use cases and MCP tools publish, so the document
 * follows the code. `Record<RouteKey, ...>` makes a route without a contract a type error.
 */
import * as z from '../zod';
import * as answers from '../app/answers';
import type { RouteKey } from '../../functions/routes';
import { RESOURCES, type ResourceRow } from '../resources';
import { SourcePrioritySchema, TenantPriorityAnswerSchema, UserPriorityAnswerSchema } from '../app/source-priority';
import { ConnectQuerySchema, JobPathSchema, ProviderPathSchema, ProvidersQuerySchema, WebhookPathSchema } from './query';
import { TenantAppAnswerSchema, TenantAppBodySchema, TenantAppDeletedSchema } from '../app/tenant-providers';
import { EndpointBodySchema, EndpointPathSchema, EventPathSchema, EventsQuerySchema } from '../events/answers';

/** Every public error code and the statuses it comes with. */
export const ERROR_CODES = {
  invalid_request: { statuses: [400], when: 'A bad parameter; the message names the field' },
  invalid_state: { statuses: [400], when: 'Unknown, expired or replayed OAuth state' },
  access_denied: { statuses: [400], when: 'The user refused the authorization' },
  code_exchange_failed: { statuses: [400], when: 'The provider refused the authorization code' },
  insufficient_scope: { statuses: [400], when: 'A required scope was not granted (nothing stored)' },
  unsupported_feature: { statuses: [400], when: 'The provider lacks the capability' },
  unauthorized: { statuses: [401], when: 'Missing or bad JWT, or no sub / tenant claim' },
  forbidden: { statuses: [403], when: "The route needs a tenant admin's token (role claim `admin`)" },
  tenant_credentials_required: {
    statuses: [403],
    when: 'The deployment lends no global app to tenants (PIERRE_REQUIRE_TENANT_CREDENTIALS) and the tenant has none of its own at this provider',
  },
  webhook_rejected: { statuses: [401], when: 'A webhook delivery was refused: one answer whatever the reason' },
  not_found: { statuses: [404], when: 'Unknown route, activity, or a provider without webhooks' },
  unsupported_provider: { statuses: [404], when: 'The provider is not registered; the message lists the supported ones' },
  method_not_allowed: { statuses: [405], when: 'The method is not served on this path' },
  not_connected: { statuses: [409], when: 'Connect the provider first' },
  tenant_app_unreadable: { statuses: [409], when: "The tenant's own app at the provider cannot be read (sealed with a retired key): its admin sets it again" },
  too_many_endpoints: { statuses: [409], when: 'The tenant has the most event endpoints allowed; delete one first' },
  reauthorization_required: { statuses: [409], when: 'The stored connection can no longer be used; connect again' },
  provider_auth_failed: { statuses: [409], when: 'The provider refused the stored tokens; connect again' },
  payload_too_large: { statuses: [413], when: 'Body over 64 KiB (6 MiB for webhooks)' },
  uri_too_long: { statuses: [414], when: "The URL exceeds the gateway's limit" },
  rate_limited: { statuses: [429], when: 'The provider is rate limiting; Retry-After says when to come back' },
  headers_too_large: { statuses: [431], when: "The headers exceed the gateway's limit" },
  provider_error: { statuses: [502], when: 'The provider failed' },
  provider_invalid_data: { statuses: [502], when: 'The provider answered nonsense' },
  provider_unavailable: { statuses: [502, 503], when: 'The provider cannot be reached (or its circuit is open)' },
  provider_not_configured: { statuses: [503], when: 'The provider has no client credentials; the message names the variables' },
  service_unavailable: { statuses: [503], when: 'The service cannot start; Retry-After: 5' },
  provider_timeout: { statuses: [504], when: 'The provider did not answer in the time left' },
  service_timeout: { statuses: [503], when: 'The invocation ran out of time before it finished; Retry-After says when to try again' },
} as const satisfies Record<string, { statuses: readonly number[]; when: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface Answer {
  description: string;
  /** JSON body; absent for an empty body. */
  schema?: z.ZodMiniType;
  /** Defaults to application/json. */
  contentType?: string;
  headers?: Record<string, { description: string; schema: z.ZodMiniType }>;
}

export interface RouteContract {
  summary: string;
  description?: string;
  tag: string;
  path?: z.ZodMiniType;
  query?: z.ZodMiniType;
  /** The request's JSON body. */
  body?: { description: string; schema: z.ZodMiniType };
  /** Reads provider data through the cache: takes `cache` / Cache-Control, answers X-Cache / Age. */
  cached?: boolean;
  answers: Partial<Record<number, Answer>>;
  errors: readonly ErrorCode[];
}

// Errors any route can meet before or around its handler (the gateway, a failed start).
const GATEWAY_ERRORS = ['payload_too_large', 'uri_too_long', 'headers_too_large', 'service_unavailable'] as const;
const AUTH_ERRORS = ['unauthorized', 'invalid_request', ...GATEWAY_ERRORS] as const;
const PROVIDER_CALL_ERRORS = [
  'unsupported_provider',
  'not_connected',
  'reauthorization_required',
  'provider_auth_failed',
  'rate_limited',
  'provider_error',
  'provider_invalid_data',
  'provider_unavailable',
  'provider_timeout',
  'provider_not_configured',
  'tenant_credentials_required',
  'tenant_app_unreadable',
] as const;
const ADMIN_ERRORS = [...AUTH_ERRORS, 'forbidden'] as const;
const DATA_ERRORS = [...AUTH_ERRORS, ...PROVIDER_CALL_ERRORS, 'unsupported_feature'] as const;

const ok = (description: string, schema: z.ZodMiniType): Partial<Record<number, Answer>> => ({ 200: { description, schema } });

const JsonRpcId = z.union([z.string(), z.number(), z.null()]);
export const JsonRpcRequestSchema = z
  .object({
    jsonrpc: z.literal('2.0'),
    id: z.optional(JsonRpcId).check(z.describe('Absent for a notification')),
    method: z.string().check(z.describe('initialize, tools/list, tools/call, ...')),
    params: z.optional(z.record(z.string(), z.unknown())),
  })
  .check(z.describe('One JSON-RPC 2.0 message'));
export const JsonRpcResponseSchema = z
  .object({
    jsonrpc: z.literal('2.0'),
    id: JsonRpcId,
    result: z.optional(z.record(z.string(), z.unknown())),
    error: z.optional(z.object({ code: z.number().check(z.int()), message: z.string(), data: z.optional(z.unknown()) })),
  })
  .check(z.describe('One JSON-RPC 2.0 answer: result or error'));
const McpAnswerSchema = z.union([JsonRpcResponseSchema, z.array(JsonRpcResponseSchema)]);

const WebhookAnswerSchema = z
  .record(z.string(), z.unknown())
  .check(
    z.describe(
      '`{"ok":true}` (with `ignored_users` when the delivery named more users than one delivery may touch), or what the provider expects (Strava: `{"hub.challenge"}`)',
    ),
  );

const mcpMethodNotAllowed = {
  summary: 'Not served: the MCP endpoint is stateless (no SSE stream, no session)',
  tag: 'MCP',
  answers: {},
  errors: ['method_not_allowed', ...AUTH_ERRORS],
} satisfies RouteContract;

const ProtectedResourceMetadataSchema = z.object({
  resource: z.string(),
  authorization_servers: z.optional(z.array(z.string())),
  scopes_supported: z.array(z.string()),
  bearer_methods_supported: z.array(z.string()),
  resource_name: z.string(),
  resource_documentation: z.string(),
});
const protectedResource = (of: string): RouteContract => ({
  summary: `OAuth protected resource metadata of ${of} (RFC 9728): the authorization server that issues its tokens, and the scopes`,
  tag: 'Web',
  answers: ok('Protected resource metadata', ProtectedResourceMetadataSchema),
  errors: GATEWAY_ERRORS,
});

const webhook = (method: 'GET' | 'POST', tenant = false): RouteContract => ({
  summary: (method === 'GET' ? 'Webhook subscription validation (Strava, Fitbit)' : 'A provider webhook delivery') + (tenant ? ", for a tenant's own app" : ''),
  description: tenant
    ? "No JWT: verified with the tenant's own app settings, applied to that tenant's connections only (docs/tenants.md)."
    : 'No JWT: the provider signs or otherwise proves the delivery (docs/webhooks.md).',
  tag: 'Webhooks',
  path: tenant ? WebhookPathSchema : ProviderPathSchema,
  answers: {
    200: { description: 'Accepted', schema: WebhookAnswerSchema },
    204: { description: 'Accepted, nothing to answer' },
  },
  errors: ['webhook_rejected', 'not_found', 'unsupported_provider', 'invalid_request', 'service_timeout', ...GATEWAY_ERRORS],
});

const scheduled: Answer = {
  description: 'The provider is limited and nothing is cached: the read is queued as a job; poll GET /jobs/{id}',
  schema: answers.ScheduledAnswerSchema,
  headers: {
    'retry-after': { description: 'Seconds until the job is due', schema: z.string() },
    location: { description: '/jobs/{job_id}', schema: z.string() },
  },
};

/** A data route's contract, from its row of the resource table. */
const dataContract = (r: ResourceRow): RouteContract => ({
  summary: r.route.summary,
  tag: 'Data',
  ...(r.input.in === 'path' ? { path: r.input.schema } : { query: r.input.schema }),
  cached: true,
  answers: { ...ok(r.route.summary, r.answer), 202: scheduled },
  errors: [...DATA_ERRORS, ...r.route.extraErrors],
});

const DATA_CONTRACTS = Object.fromEntries(RESOURCES.map((r) => [`GET ${r.route.path}`, dataContract(r)])) as Record<DataRouteKey, RouteContract>;

type DataRouteKey = `GET ${ResourceRow['route']['path']}`;

export const CONTRACTS: Record<RouteKey, RouteContract> = {
  'GET /health': {
    summary: 'Service health',
    tag: 'Service',
    answers: ok('The service is up', answers.HealthAnswerSchema),
    errors: GATEWAY_ERRORS,
  },
  'GET /providers': {
    summary: 'Registered providers, their capabilities and your status',
    tag: 'Connections',
    query: ProvidersQuerySchema,
    answers: ok('Every registered provider', answers.ProvidersAnswerSchema),
    errors: AUTH_ERRORS,
  },
  'GET /connect/{provider}': {
    summary: 'Start connecting a provider',
    description:
      "OAuth providers answer with the consent page to open; providers without OAuth are connected at once. `return_to` must be on the service's own origin or listed in PIERRE_ALLOWED_RETURN_ORIGINS.",
    tag: 'Connections',
    path: ProviderPathSchema,
    query: ConnectQuerySchema,
    answers: ok('The authorization URL, or connected', answers.ConnectAnswerSchema),
    errors: [
      ...AUTH_ERRORS,
      'unsupported_provider',
      'provider_not_configured',
      'tenant_credentials_required',
      'tenant_app_unreadable',
      'provider_error',
      'provider_unavailable',
      'provider_timeout',
      'rate_limited',
    ],
  },
  'GET /callback/{provider}': {
    summary: "The provider's redirect after consent",
    description:
      'No JWT: the identity comes from the single-use state. With a `return_to`, every outcome is a 302 to it with `provider`, `status` (connected or error) and `error=<code>`. Without one, a browser (`Accept` preferring `text/html`) gets an HTML page saying in words what happened, with the same status; any other client the JSON described here.',
    tag: 'Connections',
    path: ProviderPathSchema,
    query: z.record(z.string(), z.string().check(z.maxLength(4096))).check(z.describe('code, state, scope, error: as the provider sends them')),
    answers: {
      200: { description: 'Connected', schema: answers.CallbackAnswerSchema },
      302: {
        description: 'Back to return_to with ?provider=&status=connected|error[&error=<code>]',
        headers: { location: { description: 'The return_to URL with the outcome', schema: z.string() } },
      },
    },
    errors: [
      'invalid_request',
      'invalid_state',
      'access_denied',
      'code_exchange_failed',
      'insufficient_scope',
      'unsupported_provider',
      'provider_error',
      'provider_invalid_data',
      'provider_unavailable',
      'provider_timeout',
      'rate_limited',
      ...GATEWAY_ERRORS,
    ],
  },
  'GET /connections': {
    summary: 'Your connection to every registered provider',
    tag: 'Connections',
    answers: ok('Status per provider', answers.ConnectionsAnswerSchema),
    errors: AUTH_ERRORS,
  },
  'DELETE /connections/{provider}': {
    summary: 'Disconnect: revoke at the provider (best effort) and delete the tokens',
    tag: 'Connections',
    path: ProviderPathSchema,
    answers: ok('Disconnected', answers.DisconnectAnswerSchema),
    errors: [...AUTH_ERRORS, 'unsupported_provider'],
  },
  'DELETE /users/me': {
    summary: 'Erase the caller: revoke at every provider (best effort) and delete everything kept of them',
    description:
      'Answers a receipt (counts per kind, the revoke outcome per provider). Idempotent: once done, it answers a receipt of nothing. What does not fit one invocation is finished by a queued continuation: 202 with `retry_after`; ask again to see what is left (docs/erasure.md).',
    tag: 'Connections',
    answers: {
      200: { description: 'Erased: the receipt', schema: answers.ErasureReceiptSchema },
      202: { description: 'Partly erased; a queued continuation deletes the rest', schema: answers.ErasureReceiptSchema },
    },
    errors: AUTH_ERRORS,
  },
  ...DATA_CONTRACTS,
  'GET /jobs/{id}': {
    summary: 'A queued read (from a 202): its status, and its data once it succeeded',
    tag: 'Data',
    path: JobPathSchema,
    answers: ok("The caller's job", answers.JobAnswerSchema),
    errors: [...AUTH_ERRORS, 'not_found'],
  },
  'GET /settings/sources': {
    summary: 'Your source priority: which provider wins when provider=all merges copies of one record',
    description: "The tenant's order, your override and the order each merged resource follows (docs/merging.md).",
    tag: 'Settings',
    answers: ok('The orders', UserPriorityAnswerSchema),
    errors: AUTH_ERRORS,
  },
  'PUT /settings/sources': {
    summary: 'Set your source priority (replaces your override; {} removes it)',
    description: "A resource you list replaces the tenant's order for it; one you leave out follows the tenant's. Names must be registered providers.",
    tag: 'Settings',
    body: { description: 'An order per merged resource', schema: SourcePrioritySchema },
    answers: ok('The orders after the change', UserPriorityAnswerSchema),
    errors: AUTH_ERRORS,
  },
  'GET /admin/sources': {
    summary: "The tenant's source priority (admins)",
    tag: 'Settings',
    answers: ok("The tenant's order", TenantPriorityAnswerSchema),
    errors: ADMIN_ERRORS,
  },
  'PUT /admin/sources': {
    summary: "Set the tenant's source priority (admins; replaces it, {} removes it)",
    tag: 'Settings',
    body: { description: 'An order per merged resource', schema: SourcePrioritySchema },
    answers: ok("The tenant's order after the change", TenantPriorityAnswerSchema),
    errors: ADMIN_ERRORS,
  },
  'POST /admin/endpoints': {
    summary: 'Add an event endpoint for your tenant (admins); its signing secret is shown only here',
    description: 'Events are POSTed to it signed per Standard Webhooks (docs/events.md). At most 10 endpoints per tenant.',
    tag: 'Events',
    body: { description: 'The URL and the event types wanted', schema: EndpointBodySchema },
    answers: { 201: { description: 'Added', schema: answers.EndpointCreatedAnswerSchema } },
    errors: [...ADMIN_ERRORS, 'too_many_endpoints'],
  },
  'GET /admin/endpoints': {
    summary: "Your tenant's event endpoints (admins), without their secrets",
    tag: 'Events',
    answers: ok('The endpoints', answers.EndpointsAnswerSchema),
    errors: ADMIN_ERRORS,
  },
  'DELETE /admin/endpoints/{id}': {
    summary: 'Remove an event endpoint (admins)',
    tag: 'Events',
    path: EndpointPathSchema,
    answers: ok('Removed', answers.EndpointDeletedAnswerSchema),
    errors: [...ADMIN_ERRORS, 'not_found'],
  },
  'POST /admin/endpoints/{id}/rotate-secret': {
    summary: 'A new signing secret (admins); the previous one keeps signing beside it for 24 hours',
    tag: 'Events',
    path: EndpointPathSchema,
    answers: ok('The new secret, shown only here', answers.SecretRotatedAnswerSchema),
    errors: [...ADMIN_ERRORS, 'not_found'],
  },
  'GET /events': {
    summary: "Your tenant's events, oldest first, and its disabled endpoints (admins)",
    tag: 'Events',
    query: EventsQuerySchema,
    answers: ok('A page of events', answers.EventsAnswerSchema),
    errors: ADMIN_ERRORS,
  },
  'GET /events/{id}': {
    summary: 'One event with its delivery attempts (admins)',
    tag: 'Events',
    path: EventPathSchema,
    answers: ok('The event', answers.EventAnswerSchema),
    errors: [...ADMIN_ERRORS, 'not_found'],
  },
  'POST /events/{id}/resend': {
    summary: 'Deliver an event again, same webhook-id, to every endpoint that wants it (admins)',
    tag: 'Events',
    path: EventPathSchema,
    answers: { 202: { description: 'Queued', schema: answers.ResendAnswerSchema } },
    errors: [...ADMIN_ERRORS, 'not_found'],
  },
  'POST /mcp': {
    summary: 'Model Context Protocol (Streamable HTTP, stateless): the same data as tools',
    description: 'Send `Accept: application/json, text/event-stream`. Malformed JSON-RPC is answered by the MCP SDK with a JSON-RPC error object and HTTP 400.',
    tag: 'MCP',
    body: { description: 'A JSON-RPC message or a batch', schema: z.union([JsonRpcRequestSchema, z.array(JsonRpcRequestSchema)]) },
    answers: {
      200: { description: 'JSON-RPC answer(s)', schema: McpAnswerSchema },
      202: { description: 'Only notifications were sent: no answer' },
    },
    errors: AUTH_ERRORS,
  },
  'GET /mcp': mcpMethodNotAllowed,
  'DELETE /mcp': mcpMethodNotAllowed,
  'GET /webhooks/{provider}': webhook('GET'),
  'POST /webhooks/{provider}': webhook('POST'),
  'GET /webhooks/{provider}/{tenant}': webhook('GET', true),
  'POST /webhooks/{provider}/{tenant}': webhook('POST', true),
  'PUT /admin/providers/{provider}': {
    summary: "Set your tenant's own app at a provider (tenant admins)",
    description:
      "Its client credentials, scopes, redirect URI and webhook settings replace the deployment's for your tenant's connections; secrets are stored sealed and never answered. Connections made with another app must connect again.",
    tag: 'Admin',
    path: ProviderPathSchema,
    body: { description: 'The app', schema: TenantAppBodySchema },
    answers: ok('The app, without its secrets', TenantAppAnswerSchema),
    errors: [...ADMIN_ERRORS, 'unsupported_provider'],
  },
  'GET /admin/providers/{provider}': {
    summary: "Your tenant's own app at a provider, without its secrets (tenant admins)",
    tag: 'Admin',
    path: ProviderPathSchema,
    answers: ok('The app, without its secrets', TenantAppAnswerSchema),
    errors: [...ADMIN_ERRORS, 'unsupported_provider', 'not_found'],
  },
  'DELETE /admin/providers/{provider}': {
    summary: "Remove your tenant's own app: its connections go back to the deployment's app (tenant admins)",
    tag: 'Admin',
    path: ProviderPathSchema,
    answers: ok('Deleted', TenantAppDeletedSchema),
    errors: [...ADMIN_ERRORS, 'unsupported_provider', 'not_found'],
  },
  'GET /': {
    summary: 'The connections page (HTML) for people',
    description:
      'Lists the providers with Connect and Disconnect, recent activities and a weekly chart. It takes its JWT from the embedding application (URL fragment `#token=` or postMessage; docs/connections-page.md).',
    tag: 'Web',
    answers: { 200: { description: 'The page', contentType: 'text/html', schema: z.string() } },
    errors: GATEWAY_ERRORS,
  },
  'GET /openapi.json': {
    summary: 'This document',
    tag: 'Web',
    answers: { 200: { description: 'OpenAPI 3.1', schema: z.record(z.string(), z.unknown()) } },
    errors: GATEWAY_ERRORS,
  },
  'GET /.well-known/oauth-protected-resource': protectedResource('the API'),
  'GET /.well-known/oauth-protected-resource/mcp': protectedResource('the MCP endpoint'),
};
