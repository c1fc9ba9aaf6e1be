/**
 * The Service Provider Interface: everything a fitness provider must describe and implement
 * to plug into the service. Core code only ever talks to providers through these types.
 */
import * as z from '../zod';
import { RateLimitScopeSchema } from '../models';
import type { Activity, Athlete, HealthMetrics, Lap, PersonalRecord, RecoveryMetrics, SleepSession, Stats } from '../models';
import { ALL_CAPABILITIES } from './capabilities';
import type { RateLimitUsage } from './rate-limit';
import type { SettingsSchema } from './settings';

export * from './capabilities';

const OAuthEndpointsSchema = z.object({
  authUrl: z.url(),
  tokenUrl: z.url(),
  revokeUrl: z.optional(z.url()),
});

/** A `redirect` connection: a session endpoint that answers the page to send the user to (Terra's widget). */
const WidgetEndpointsSchema = z.object({
  /** POSTed to create a session; `PIERRE_<P>_AUTH_URL` overrides it. */
  sessionUrl: z.url(),
  revokeUrl: z.optional(z.url()),
});

const OAuthParamsSchema = z.object({
  /** Joins scopes in the authorize URL: `,` for Strava, a space for most others. */
  scopeSeparator: z._default(z.string().check(z.minLength(1)), ' '),
  /** False where the authorize page takes no `scope` (Garmin: the app's portal settings decide). */
  authorizeScope: z._default(z.boolean(), true),
  pkce: z._default(z.boolean(), false),
  extraAuthorizeParams: z._default(z.record(z.string(), z.string()), {}),
  /** How client credentials reach the token endpoint: form body or HTTP Basic. */
  tokenEndpointAuth: z._default(z.enum(['body', 'basic']), 'body'),
  /** False where the code exchange takes no `redirect_uri` (Strava). */
  exchangeRedirectUri: z._default(z.boolean(), true),
  /** Extra form fields of a refresh (WHOOP: `scope=offline`, or no new refresh token comes back). */
  refreshParams: z._default(z.record(z.string(), z.string()), {}),
  /** Dotted path in the token answer to the provider's user id (Strava: `athlete.id`). */
  tokenUserIdPath: z.optional(z.string().check(z.minLength(1))),
  /**
   * Where the provider's user id is read right after the code exchange when the token answer names
   * none: a GET of `path` under the API base with the new access token, the id at the dotted
   * `idField` of its JSON answer (WHOOP's basic profile, Google's identity, Garmin's `user/id`).
   */
  identity: z.optional(
    z.object({
      path: z.string().check(z.minLength(1)),
      idField: z.string().check(z.minLength(1)),
      /** The id's shape where it must have one (it goes into URLs and webhook routing); an id of another shape fails the read. */
      idPattern: z.optional(z.string().check(z.minLength(1))),
      /** True where a failed read leaves the grant without an id instead of failing the connection (WHOOP). */
      optional: z._default(z.boolean(), false),
    }),
  ),
  /** False where the token answer's `scope` is not the user's grant (Garmin: identity-service scopes). */
  tokenScopes: z._default(z.boolean(), true),
  /**
   * How a connection is revoked at `revokeUrl`: `form` posts the access token as `revokeTokenField`
   * (with the client credentials when `revokeClientAuth`), `bearer_delete` sends DELETE with the
   * user's bearer token (WHOOP, Garmin's registration delete).
   */
  revokeStyle: z._default(z.enum(['form', 'bearer_delete']), 'form'),
  revokeTokenField: z._default(z.string().check(z.minLength(1)), 'token'),
  revokeClientAuth: z._default(z.boolean(), true),
});

const DEFAULT_OAUTH_PARAMS = z.parse(OAuthParamsSchema, {});

function isSettingsSchema(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || !('_zod' in value)) return false;
  const { def } = (value as SettingsSchema)._zod;
  return def.type === 'object' && Object.keys(def.shape).every((key) => /^[A-Z][A-Z0-9_]*$/.test(key));
}

export const ProviderDescriptorSchema = z
  .object({
    /** Lower-case id; also forms the `PIERRE_<NAME>_*` configuration keys. */
    name: z.string().check(
      z.regex(/^[a-z][a-z0-9_]{1,31}$/, 'lower-case letters, digits and _'),
      z.refine((name) => name !== 'all', "'all' is reserved: it asks for every connected provider"),
    ),
    displayName: z.string().check(z.minLength(1)),
    capabilities: z.number().check(z.int(), z.gte(0), z.lte(ALL_CAPABILITIES)),
    /**
     * How a user connects: `oauth2` (authorization code, `oauthEndpoints`), `redirect` (a widget
     * session at `widgetEndpoints` whose page sends the user back to the callback: Terra), or `none`
     * (always connected, like the synthetic provider).
     */
    connection: z.enum(['oauth2', 'redirect', 'none']),
    oauthEndpoints: z.optional(OAuthEndpointsSchema),
    widgetEndpoints: z.optional(WidgetEndpointsSchema),
    oauthParams: z._default(OAuthParamsSchema, DEFAULT_OAUTH_PARAMS),
    apiBaseUrl: z.url(),
    defaultScopes: z._default(z.array(z.string().check(z.minLength(1))), []),
    /** Scopes without which the connection is useless; a callback missing one is refused. */
    requiredScopes: z._default(z.array(z.string().check(z.minLength(1))), []),
    /** Whether the implementation handles webhooks (`handleWebhook`). */
    webhooks: z._default(z.boolean(), false),
    /**
     * Whether the provider's terms let its data into an AI assistant's context (the MCP tools):
     * `allowed` is the default of PIERRE_<P>_AI_ACCESS, `terms` what is known of its stance
     * (the README's provider table, docs/ai-access.md).
     */
    aiUse: z._default(z.object({ allowed: z.boolean(), terms: z.string().check(z.minLength(1)) }), {
      allowed: true,
      terms: 'no restriction known',
    }),
    /**
     * The `PIERRE_<NAME>_<KEY>` settings that verify its webhook deliveries (a shared secret, a
     * verify token, a subscription id): a tenant with its own app sets its own (sealed, never answered).
     */
    webhookSettings: z._default(z.array(z.string().check(z.regex(/^[A-Z][A-Z0-9_]*$/))), []),
    /**
     * Whether its notifications bring every new record (inline, or a callback to pull once): from
     * the connection on, the records store then holds the user's data completely (Garmin, COROS).
     */
    pushesData: z._default(z.boolean(), false),
    /**
     * Whether history is asked for rather than read (`requestHistory`): the provider sends it
     * later by push (Garmin's backfill endpoints). Otherwise history backfill reads it page by page.
     */
    historyByRequest: z._default(z.boolean(), false),
    /** Which of stats and personal records the service derives from `recentActivities`. */
    derivedFromActivities: z._default(z.array(z.enum(['stats', 'personal_records'])), []),
    /**
     * The implementation's `retiredConnection`, where it has one: asked synchronously on every
     * call, so it lives with the descriptor rather than in the lazily loaded client.
     */
    retiredConnection: z.optional(z.custom<(grant: StoredGrant) => string | undefined>((value) => typeof value === 'function')),
    /**
     * Where the provider reports rate-limit usage in the conventional `X-RateLimit-*` trio over one
     * fixed window; providers with their own headers (Strava, WHOOP, Terra) parse them in code.
     */
    rateLimitHeaders: z.optional(
      z.object({
        windowName: z.string().check(z.minLength(1)),
        windowSecs: z.number().check(z.int(), z.positive()),
        scope: RateLimitScopeSchema,
      }),
    ),
    /**
     * How collections page: `offset` (page numbers or offsets: Strava, synthetic), `time_windows`
     * (no paging: the client walks date windows, shared/providers/time-spans.ts: Garmin, COROS,
     * Terra) or `cursor` (a token in the answer asks for the next page, shared/providers/pagination.ts).
     */
    pagination: z._default(
      z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('offset') }),
        z.object({ kind: z.literal('time_windows') }),
        z.object({
          kind: z.literal('cursor'),
          /** Query parameter carrying the token (`nextToken`, `pageToken`). */
          tokenParam: z.string().check(z.minLength(1)),
          /** Answer fields: the page's items and the next token. */
          itemsField: z.string().check(z.minLength(1)),
          nextField: z.string().check(z.minLength(1)),
          /** Whether an empty page or a repeated token ends the walk (WHOOP), or only a missing token does (Google: an empty page may repeat it). */
          emptyPageEnds: z.boolean(),
        }),
      ]),
      { kind: 'offset' },
    ),
    /**
     * The provider's own settings (`PIERRE_<P>_<KEY>`) as a zod object keyed by `<KEY>`, built with
     * shared/providers/settings.ts; parsed at start-up (`readSettings`), its typed values read by the client.
     */
    settings: z.optional(z.custom<SettingsSchema>(isSettingsSchema)),
  })
  .check(
    z.refine((d) => d.connection !== 'oauth2' || d.oauthEndpoints !== undefined, {
      message: 'oauth2 providers need oauthEndpoints',
      path: ['oauthEndpoints'],
    }),
    z.refine((d) => d.connection !== 'redirect' || d.widgetEndpoints !== undefined, {
      message: 'redirect providers need widgetEndpoints',
      path: ['widgetEndpoints'],
    }),
  );

export type ProviderDescriptor = z.output<typeof ProviderDescriptorSchema>;
export type ProviderDescriptorInput = z.input<typeof ProviderDescriptorSchema>;

const parsed = new WeakMap<ProviderDescriptorInput, ProviderDescriptor>();

/**
 * The one place a descriptor is validated (the registry, the lazy factory and the implementation
 * all ask here): each descriptor object is parsed once and the result shared.
 */
export function parseDescriptor(input: ProviderDescriptorInput): ProviderDescriptor {
  let descriptor = parsed.get(input);
  if (!descriptor) {
    descriptor = ProviderDescriptorSchema.parse(input);
    parsed.set(input, descriptor);
  }
  return descriptor;
}

/**
 * Whether a provider's calls leave the process. One whose API sits under the reserved
 * `.invalid` domain (RFC 2606: it never resolves), as the synthetic provider's, makes none.
 */
export function callsNetwork(descriptor: Pick<ProviderDescriptorInput, 'apiBaseUrl'>): boolean {
  return !new URL(descriptor.apiBaseUrl).hostname.endsWith('.invalid');
}

/** A descriptor after `PIERRE_<NAME>_*` configuration has been applied. */
export interface ProviderConfig {
  name: string;
  clientId: string | undefined;
  clientSecret: string | undefined;
  authUrl: string | undefined;
  tokenUrl: string | undefined;
  revokeUrl: string | undefined;
  apiBaseUrl: string;
  scopes: string[];
  /** Explicit callback URL; when unset the service derives `<public base URL>/callback/<name>`. */
  redirectUri: string | undefined;
  /** False when a provider that needs client credentials has none. */
  configured: boolean;
  /** Every other `PIERRE_<NAME>_<KEY>` value, keyed by `<KEY>` (e.g. `SEED`, `WEBHOOK_SECRET`). */
  settings: Readonly<Record<string, string>>;
}

/** Who the call is for, and with which credential. Providers keep no per-user state. */
export interface ProviderSession {
  tenantId: string;
  userId: string;
  accessToken: string;
  providerUserId?: string | undefined;
}

export interface ActivityQuery {
  limit: number;
  offset: number;
  /** Only activities that started before this instant. */
  before?: Date | undefined;
  /** Only activities that started after this instant. */
  after?: Date | undefined;
}

export interface DateRange {
  start: Date;
  end: Date;
}

export interface TokenSet {
  accessToken: string;
  refreshToken?: string | undefined;
  /** Epoch seconds. */
  expiresAt?: number | undefined;
  scopes: string[];
  providerUserId?: string | undefined;
}

export interface AuthorizationRequest {
  tenantId: string;
  userId: string;
  state: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge?: string | undefined;
}

export interface CodeExchange {
  /** Every query parameter of the callback (some providers return more than `code`). */
  query: Readonly<Record<string, string>>;
  redirectUri: string;
  codeVerifier?: string | undefined;
}

export interface FitnessProvider {
  readonly descriptor: ProviderDescriptor;
  readonly config: ProviderConfig;

  authorizationUrl(request: AuthorizationRequest): Promise<string>;
  exchangeCode(exchange: CodeExchange): Promise<TokenSet>;
  refreshToken(refreshToken: string): Promise<TokenSet>;
  revokeToken(session: ProviderSession): Promise<void>;

  getAthlete(session: ProviderSession): Promise<Athlete>;
  getActivities(session: ProviderSession, query: ActivityQuery): Promise<Activity[]>;
  getActivity(session: ProviderSession, id: string): Promise<Activity>;
  getStats(session: ProviderSession): Promise<Stats>;
  getPersonalRecords(session: ProviderSession): Promise<PersonalRecord[]>;
  getSleepSessions(session: ProviderSession, range: DateRange): Promise<SleepSession[]>;
  getRecoveryMetrics(session: ProviderSession, range: DateRange): Promise<RecoveryMetrics[]>;
  getHealthMetrics(session: ProviderSession, range: DateRange): Promise<HealthMetrics[]>;
  /** Optional: a provider without it answers unsupported_feature (shared/providers/forwarding.ts). */
  getActivityLaps?(session: ProviderSession, id: string): Promise<Lap[]>;

  /**
   * The newest activities (at most 1,000) that `derivedFromActivities` resources are computed
   * from; the caching decorator caches them once and derives those resources itself.
   */
  recentActivities?(session: ProviderSession): Promise<Activity[]>;
  /** Which of stats and personal records are `shared/providers/derive` over `recentActivities`. */
  readonly derivedFromActivities?: readonly DerivedResource[];

  /**
   * Asks the provider to send the user's history of `range` by push (descriptor `historyByRequest`).
   * `duplicate`: the provider already had this request (Garmin answers 409), which is no error.
   */
  requestHistory?(session: ProviderSession, range: DateRange): Promise<'accepted' | 'duplicate'>;

  /** Cheap reachability probe; throws a ProviderError when the provider is unhealthy. */
  healthCheck(): Promise<void>;

  /**
   * Verifies and reads one webhook delivery (`GET`/`POST /webhooks/<name>`). Optional: a
   * provider without webhooks leaves it out and the endpoint answers 404 for it.
   */
  handleWebhook?(request: WebhookRequest): Promise<WebhookResult>;

  /**
   * Optional: pulls a notification's callback URL (`WebhookEvent.pullUrl`, under the provider's
   * API base) with the user's session, once, and returns its records normalized.
   */
  pullNotification?(session: ProviderSession, url: string): Promise<DeliveredRecords[]>;

  /**
   * Optional: a message when a stored connection was made against an API the provider no
   * longer serves, so its tokens can never work (Fitbit's retired Web API). Such a connection
   * is marked revoked on first use and the user must connect again.
   */
  retiredConnection?(connection: StoredGrant): string | undefined;
}

/** What a provider may look at in a stored connection. */
export interface StoredGrant {
  scopes: readonly string[];
  providerUserId?: string | undefined;
}

export type DerivedResource = 'stats' | 'personal_records';

/** One webhook delivery as it reached us; `rawBody` is byte-exact (signatures cover it). */
export interface WebhookRequest {
  method: 'GET' | 'POST';
  query: Readonly<Record<string, string>>;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string>>;
  rawBody: Buffer;
}

/** Cached data a webhook event can make stale. `activities` covers lists, single activities, stats and records. */
export const WEBHOOK_RESOURCES = ['athlete', 'activities', 'sleep', 'recovery', 'health_metrics'] as const;
export type WebhookResource = (typeof WEBHOOK_RESOURCES)[number];

/** A provider's event in provider-neutral terms. */
export interface WebhookEvent {
  /** The provider-side user id, as stored in the connection's `providerUserId`. */
  providerUserId: string;
  /** `deauthorized`: the user revoked our access at the provider. */
  kind: 'data' | 'deauthorized';
  /** What became stale (empty for a deauthorization, which drops everything). */
  changed: readonly WebhookResource[];
  /** The provider's id of the one item that changed, when the event names one. */
  objectId?: string | undefined;
  /** When the provider says it happened (epoch ms), where it says so; an older deauthorization than the connection's last update is ignored. */
  occurredAtMs?: number | undefined;
  /** What happened to `objectId` (Strava): a create or update is fetched once and stored, a delete removes it from the store. */
  aspect?: 'create' | 'update' | 'delete' | undefined;
  /**
   * Records the delivery carries itself (a push): stored as they come when the delivery is
   * authenticated. Read only for the users a delivery may touch, so a huge body costs no mapping.
   */
  records?: (() => readonly DeliveredRecords[]) | undefined;
  /** Where to pull the records from, once (Garmin's ping): a URL under the provider's API base, read with `pullNotification`. */
  pullUrl?: string | undefined;
}

/** The resources the records store keeps (docs/records.md). */
type RecordResourceName = 'activities' | 'sleep' | 'recovery' | 'health_metrics';

/** Normalized records of one resource, as a push carried them or a ping's pull returned them. */
export interface DeliveredRecords {
  resource: RecordResourceName;
  /**
   * `id`: the provider's id, or the calendar day of a daily record; `at`: the instant the
   * provider's own reads filter by (an activity's start, a Garmin night's wake-up day).
   */
  records: readonly { id: string; at: string; value: Activity | SleepSession | RecoveryMetrics | HealthMetrics }[];
  /** Each record holds only part of its day (Garmin's dailies, HRV, body composition): merged field by field into the stored one. */
  partial?: boolean | undefined;
}

export type WebhookResult =
  /** A subscription handshake: answer exactly this, touch nothing. */
  | { kind: 'challenge'; status: number; body?: unknown; headers?: Readonly<Record<string, string>> }
  /**
   * Refused (bad signature, stale timestamp, not ours, unreadable): every refusal answers the
   * same status and body whatever the reason, so a stranger learns nothing by counting;
   * `reason` is only logged, never a secret.
   */
  | { kind: 'rejected'; reason: string }
  /** The sender proved who it is, but the delivery cannot be checked now (a keyset out of reach): 503, so it comes again. */
  | { kind: 'unavailable'; reason: string }
  /**
   * Events; `ack` overrides the default `200 {"ok":true}` answer where a provider expects another.
   * `authenticated`: the delivery proved its sender (a signature, a secret only the provider
   * holds). Events of an unauthenticated one (Strava's unsigned events, Garmin's without a
   * configured secret) may only mark cached data stale, and a deauthorization among them is
   * confirmed with the provider before anything is revoked.
   */
  | { kind: 'events'; events: readonly WebhookEvent[]; authenticated: boolean; ack?: { status: number; body?: unknown } };

/** What a provider may use from its surroundings; injected so tests and Lambda share code. */
export interface ProviderDeps {
  fetch: typeof globalThis.fetch;
  /** Epoch milliseconds. */
  now: () => number;
  /**
   * Asked before every provider request (the rate-limit gate); rejects with a `rate_limited`
   * ProviderError to keep the request from being made.
   */
  admitRequest?: () => Promise<void>;
  /** Receives the rate-limit usage of every answer, `undefined` when it reported none. */
  observeRateLimit?: (usage: RateLimitUsage | undefined) => void | Promise<void>;
}

export interface ProviderFactory {
  readonly descriptor: ProviderDescriptorInput;
  create(config: ProviderConfig, deps: ProviderDeps): FitnessProvider;
}
