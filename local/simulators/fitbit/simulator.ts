/**
 * The Google Health API (and Google's OAuth 2.0 endpoints) as a local simulator, behind the
 * `fitbit` provider: Google's consent page with a checkbox per scope, the token endpoint
 * (credentials in the body, PKCE S256, access tokens of about an hour, refresh tokens that do
 * not rotate and are not repeated on refresh), revoke, `users/me/identity` and `profile`, the
 * data types the client reads with filters, `pageToken` paging (and empty pages on request),
 * `dailyRollUp` with its range limits, Google's error bodies, the 300 requests per minute per
 * user quota, and webhook notifications signed with ECDSA P-256 (Tink's output: prefix and DER
 * signature) by a key it publishes itself at `/_sim/webhook-keyset`, as a Tink JSON keyset like
 * the one Google is reported to publish.
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { tinkPublicKeyset } from './tink-keyset';
import * as z from '../../../shared/zod';
import { hash32 } from '../../../shared/providers/synthetic/generator';
import {
  basicCredentials,
  controlInput,
  form,
  isFailure,
  json,
  OAuthServer,
  SimulatorBase,
  WindowLimiter,
  type IssuedTokens,
  type Route,
  type SimRequest,
  type SimResponse,
  type SimulatorOptions,
  type WindowUsage,
} from '../kit';
import { googleConsentPage } from './consent';
import { GoogleHealthUser, type SimPoint } from './data';
import { KIND_OF_TYPE, parseFilter } from './filters';

export const SIM_CLIENT_ID = 'sim-fitbit-client.apps.googleusercontent.com';
export const SIM_CLIENT_SECRET = 'sim-fitbit-secret';
export const SIM_WEBHOOK_AUTHORIZATION = 'Bearer sim-fitbit-webhook-secret';
const ACCESS_TTL_SECS = 3599;
const MINUTE_LIMIT = 300;

const SCOPE = (area: string) => `https://www.googleapis.com/auth/googlehealth.${area}.readonly`;
export const SIM_SCOPES = {
  activity: SCOPE('activity_and_fitness'),
  metrics: SCOPE('health_metrics_and_measurements'),
  sleep: SCOPE('sleep'),
  profile: SCOPE('profile'),
  location: SCOPE('location'),
  settings: SCOPE('settings'),
} as const;
const KNOWN_SCOPES = new Set<string>([...Object.values(SIM_SCOPES), SCOPE('ecg'), SCOPE('irn'), 'openid', 'email', 'profile']);

/** The scope each data type needs. */
const AREA_OF_TYPE: Readonly<Record<string, keyof typeof SIM_SCOPES>> = {
  exercise: 'activity',
  steps: 'activity',
  'total-calories': 'activity',
  sleep: 'sleep',
  'daily-resting-heart-rate': 'metrics',
  'daily-heart-rate-variability': 'metrics',
  'daily-oxygen-saturation': 'metrics',
  weight: 'metrics',
  'body-fat': 'metrics',
};
const ROLLUP_MAX_DAYS: Readonly<Record<string, number>> = { steps: 90, 'total-calories': 14 };
const SESSION_PAGE_MAX = 25;
const PAGE_MAX = 10_000;
const PAGE_DEFAULT = 1440;
const DAY_MS = 86_400_000;

/** `{"error":{"code","message","status","details":[ErrorInfo]}}`: Google's error body. */
function googleError(code: number, status: string, message: string, reason?: string, headers: Record<string, string> = {}): SimResponse {
  const details = reason
    ? [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com', metadata: { service: 'health.googleapis.com' } }]
    : [];
  return json(code, { error: { code, message, status, details } }, headers);
}

/** Token-endpoint errors are OAuth's flat `{error, error_description}`. */
const oauthError = (status: number, error: string, description: string) => json(status, { error, error_description: description });

const NotificationInput = z.object({
  healthUserId: z.string().check(z.minLength(1)),
  dataType: z.string().check(z.minLength(1)),
  operation: z._default(z.enum(['UPSERT', 'DELETE']), 'UPSERT'),
  intervals: z.optional(z.array(z.unknown())),
});
const WebhookEventSchema = z.object({
  verification: z._default(z.boolean(), false),
  /** The Authorization header: the configured one when absent, none when null. */
  authorization: z.optional(z.nullable(z.string())),
  notifications: z.optional(z.union([NotificationInput, z.array(NotificationInput)])),
  /** `valid` signs the body; `forged` signs other bytes; `retired` uses the rotated-out key; `missing` sends none. */
  signature: z._default(z.enum(['valid', 'forged', 'retired', 'missing']), 'valid'),
});

interface SigningKey {
  /** Tink's key id: a 32-bit unsigned number. */
  keyId: number;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

function newSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyId = createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest()
    .readUInt32BE(0);
  return { keyId, privateKey, publicKey };
}

/** Tink's output: 0x01, the 4-byte key id, then the DER signature; base64. */
function signBody(key: SigningKey, body: string): string {
  const prefix = Buffer.alloc(5);
  prefix[0] = 0x01;
  prefix.writeUInt32BE(key.keyId, 1);
  const signature = sign('sha256', Buffer.from(body), { key: key.privateKey, dsaEncoding: 'der' });
  return Buffer.concat([prefix, signature]).toString('base64');
}

const pageToken = (offset: number, fingerprint: number) => Buffer.from(`${offset}:${fingerprint}`).toString('base64url');

export class FitbitSimulator extends SimulatorBase {
  readonly name = 'fitbit';
  readonly displayName = 'Fitbit (Google Health)';
  private readonly users = new Map<string, GoogleHealthUser>();
  /** Codes whose authorize request asked for offline access: only they get a refresh token. */
  private readonly offlineCodes = new Set<string>();
  private signingKey = newSigningKey();
  private retiredKey: SigningKey | undefined;
  /** How often the keyset was fetched (tests check the client caches it). */
  keysetFetches = 0;
  private emptyPages = 0;
  private quotaAnswer: { retryAfter?: number | undefined; messageRetry: boolean } = { messageRetry: false };

  constructor(options: SimulatorOptions) {
    super(
      new OAuthServer({
        clients: [{ clientId: SIM_CLIENT_ID, clientSecret: SIM_CLIENT_SECRET }],
        accessTtlSecs: ACCESS_TTL_SECS,
        rotateRefreshTokens: false,
        requirePkce: false,
        now: options.now,
      }),
      new WindowLimiter([{ name: 'minute', limit: MINUTE_LIMIT, sizeSecs: 60 }], options.now),
      options.now,
    );
  }

  env(mountUrl: string): Record<string, string> {
    return {
      PIERRE_FITBIT_CLIENT_ID: SIM_CLIENT_ID,
      PIERRE_FITBIT_CLIENT_SECRET: SIM_CLIENT_SECRET,
      PIERRE_FITBIT_AUTH_URL: `${mountUrl}/o/oauth2/v2/auth`,
      PIERRE_FITBIT_TOKEN_URL: `${mountUrl}/token`,
      PIERRE_FITBIT_REVOKE_URL: `${mountUrl}/revoke`,
      PIERRE_FITBIT_API_BASE_URL: `${mountUrl}/v4`,
      PIERRE_FITBIT_WEBHOOK_AUTHORIZATION: SIM_WEBHOOK_AUTHORIZATION,
      PIERRE_FITBIT_WEBHOOK_KEYSET_URL: `${mountUrl}/_sim/webhook-keyset`,
    };
  }

  /** healthUserIds: letters and digits, 20 characters. */
  protected override newUserId(): string {
    const number = this.nextUserNumber();
    const h = (n: number) => hash32(`google-health-${number}-${n}`).toString(36).padStart(7, '0').slice(-7);
    return `${h(1)}${h(2)}${h(3)}`.slice(0, 20);
  }

  protected override rateLimitKey(grant: IssuedTokens): string {
    return `${grant.clientId}|${grant.userId}`;
  }

  /** Google sends no rate-limit usage headers. */
  protected usageHeaders(_usage: WindowUsage[]): Record<string, string> {
    return {};
  }

  protected rateLimited(usage: WindowUsage[]): SimResponse {
    const reset = new Date((usage[0]?.resetsAt ?? Math.floor(this.now() / 1000) + 60) * 1000).toISOString().replace('.000Z', 'Z');
    const message = `Quota exceeded for quota metric 'Requests per minute per user' of service 'health.googleapis.com'.${this.quotaAnswer.messageRetry ? ` Retry after ${reset}` : ''}`;
    const headers: Record<string, string> = this.quotaAnswer.retryAfter !== undefined ? { 'retry-after': String(this.quotaAnswer.retryAfter) } : {};
    return googleError(429, 'RESOURCE_EXHAUSTED', message, 'RATE_LIMIT_EXCEEDED', headers);
  }

  protected override unauthorized(): SimResponse {
    return googleError(
      401,
      'UNAUTHENTICATED',
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
      'ACCESS_TOKEN_EXPIRED',
      { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
    );
  }

  private user(id: string): GoogleHealthUser {
    let user = this.users.get(id);
    if (!user) {
      if (this.users.size >= 256) this.users.clear();
      user = new GoogleHealthUser(id, this.now);
      this.users.set(id, user);
    }
    return user;
  }

  protected routes(): Route[] {
    const user = '(me|[A-Za-z0-9-]{1,63})';
    return [
      { method: 'GET', path: /^\/o\/oauth2\/v2\/auth$/, handle: (req) => this.authorizeEndpoint(req) },
      { method: 'POST', path: /^\/token$/, handle: (req) => this.tokenEndpoint(req) },
      { method: 'POST', path: /^\/revoke$/, handle: (req) => this.revokeEndpoint(req) },
      {
        method: 'GET',
        path: new RegExp(`^/v4/users/${user}/identity$`),
        handle: this.data(undefined, (u) => ({ name: 'users/me/identity', healthUserId: u.healthUserId, legacyUserId: this.legacyId(u.healthUserId) })),
      },
      { method: 'GET', path: new RegExp(`^/v4/users/${user}/profile$`), handle: this.data('profile', (u) => u.profileBody()) },
      { method: 'GET', path: new RegExp(`^/v4/users/${user}/dataTypes/([a-z-]+)/dataPoints$`), handle: this.typed((u, req, type) => this.list(u, req, type)) },
      {
        method: 'GET',
        path: new RegExp(`^/v4/users/${user}/dataTypes/([a-z-]+)/dataPoints/([^/:]+)$`),
        handle: this.typed((u, _req, type, id) => this.getPoint(u, type, id!)),
      },
      {
        method: 'POST',
        path: new RegExp(`^/v4/users/${user}/dataTypes/([a-z-]+)/dataPoints:dailyRollUp$`),
        handle: this.typed((u, req, type) => this.dailyRollUp(u, req, type)),
      },
    ];
  }

  private legacyId(healthUserId: string): string {
    return hash32(`legacy-${healthUserId}`).toString(36).toUpperCase().padStart(6, '0').slice(-6);
  }

  // ---- OAuth -------------------------------------------------------------------------------

  private authorizeEndpoint(request: SimRequest): SimResponse {
    const q = request.url.searchParams;
    const scope = q.get('scope');
    if (!scope) return oauthError(400, 'invalid_request', 'Missing required parameter: scope');
    const unknown = scope.split(' ').filter((s) => s && !KNOWN_SCOPES.has(s));
    if (unknown.length > 0) return oauthError(400, 'invalid_scope', `Some requested scopes were invalid: ${unknown.join(' ').slice(0, 200)}`);
    const method = q.get('code_challenge_method');
    if (q.get('code_challenge') && method !== 'S256' && method !== 'plain') return oauthError(400, 'invalid_request', 'Invalid code_challenge_method');
    const answer = this.authorize(request, { scopeSeparator: ' ', page: googleConsentPage });
    const location = answer.headers?.['location'];
    if (answer.status !== 302 || !location) return answer;
    const back = new URL(location);
    const code = back.searchParams.get('code');
    if (code && q.get('access_type') === 'offline') this.offlineCodes.add(code);
    return answer;
  }

  /** Google takes client credentials in the body (HTTP Basic works too). */
  private clientOf(params: URLSearchParams, request: SimRequest): { clientId: string } | SimResponse {
    const basic = basicCredentials(request);
    const id = params.get('client_id') ?? basic?.id;
    const secret = params.get('client_secret') ?? basic?.secret;
    if (this.oauth.checkClient(id, secret)) return oauthError(401, 'invalid_client', 'The OAuth client was not found.');
    return { clientId: id! };
  }

  private tokenEndpoint(request: SimRequest): SimResponse {
    const params = form(request);
    const client = this.clientOf(params, request);
    if ('status' in client) return client;
    const grantType = params.get('grant_type');
    if (grantType === 'authorization_code') {
      const code = params.get('code');
      if (!code) return oauthError(400, 'invalid_request', 'Missing required parameter: code');
      const offline = this.offlineCodes.delete(code);
      const issued = this.oauth.exchangeCode({
        clientId: client.clientId,
        code,
        redirectUri: params.get('redirect_uri'),
        codeVerifier: params.get('code_verifier'),
      });
      if (isFailure(issued)) return oauthError(400, issued.error, 'Malformed auth code.');
      return json(200, {
        access_token: issued.accessToken,
        expires_in: ACCESS_TTL_SECS,
        ...(offline && { refresh_token: issued.refreshToken }),
        scope: issued.scopes.join(' '),
        token_type: 'Bearer',
      });
    }
    if (grantType === 'refresh_token') {
      const issued = this.oauth.refreshTokens(client.clientId, params.get('refresh_token'));
      if (isFailure(issued)) return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
      // No refresh_token here: Google's stays valid and is not repeated.
      return json(200, { access_token: issued.accessToken, expires_in: ACCESS_TTL_SECS, scope: issued.scopes.join(' '), token_type: 'Bearer' });
    }
    return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${(grantType ?? '').slice(0, 40)}`);
  }

  private revokeEndpoint(request: SimRequest): SimResponse {
    const token = form(request).get('token') ?? request.url.searchParams.get('token');
    if (!token || !this.oauth.revoke(token)) return oauthError(400, 'invalid_token', 'Token expired or revoked');
    return json(200, {});
  }

  // ---- data --------------------------------------------------------------------------------

  /** Guard (faults, bearer token, per-user quota), then the user in the path and the scope. */
  private data(area: keyof typeof SIM_SCOPES | undefined, render: (user: GoogleHealthUser, request: SimRequest, params: string[]) => unknown): Route['handle'] {
    return async (request, params) => {
      const guarded = await this.guard(request);
      if ('response' in guarded) return guarded.response;
      const { grant } = guarded;
      const [owner, ...rest] = params;
      if (owner !== 'me' && owner !== grant.userId) return googleError(403, 'PERMISSION_DENIED', 'The caller does not have permission', 'PERMISSION_DENIED');
      const granted =
        area === undefined ? grant.scopes.some((s) => s !== SIM_SCOPES.location && s.includes('googlehealth.')) : grant.scopes.includes(SIM_SCOPES[area]);
      if (!granted) return googleError(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.', 'MISSING_OAUTH_SCOPE');
      const result = render(this.user(grant.userId), request, rest);
      return isResponse(result) ? result : json(200, result);
    };
  }

  /** A data-type route: the type must exist here and its scope be granted. */
  private typed(render: (user: GoogleHealthUser, request: SimRequest, type: string, id?: string) => unknown): Route['handle'] {
    return async (request, params) => {
      const type = params[1] ?? '';
      const area = AREA_OF_TYPE[type];
      if (!area) return googleError(400, 'INVALID_ARGUMENT', `Unknown or unsupported data type: ${type.slice(0, 40)}`, 'INVALID_DATA_TYPE');
      return this.data(area, (user, req, rest) => render(user, req, type, rest[1]))(request, params);
    };
  }

  private list(user: GoogleHealthUser, request: SimRequest, type: string): unknown {
    if (!KIND_OF_TYPE[type]) return googleError(400, 'INVALID_ARGUMENT', `${type} cannot be listed`, 'INVALID_DATA_TYPE');
    const q = request.url.searchParams;
    const filterText = q.get('filter') ?? '';
    const filter = parseFilter(type, filterText);
    if (!filter.ok) return googleError(400, 'INVALID_ARGUMENT', filter.message, filter.reason);
    const session = type === 'exercise' || type === 'sleep';
    const sizeText = q.get('pageSize');
    if (sizeText !== null && !/^\d{1,6}$/.test(sizeText)) return googleError(400, 'INVALID_ARGUMENT', 'Invalid pageSize', 'INVALID_ARGUMENT');
    const requested = sizeText === null || Number(sizeText) === 0 ? (session ? SESSION_PAGE_MAX : PAGE_DEFAULT) : Number(sizeText);
    const size = Math.min(requested, session ? SESSION_PAGE_MAX : PAGE_MAX);
    const fingerprint = hash32(`${type}|${filterText}`);
    let offset = 0;
    const token = q.get('pageToken');
    if (token) {
      const [at, print] = Buffer.from(token, 'base64url').toString('utf8').split(':');
      if (!/^\d+$/.test(at ?? '') || Number(print) !== fingerprint) return googleError(400, 'INVALID_ARGUMENT', 'Invalid page token', 'INVALID_PAGE_TOKEN');
      offset = Number(at);
    }
    const matching = user.points(type).filter(filter.test);
    if (this.emptyPages > 0 && offset < matching.length) {
      // An empty page that still carries a token: the client must go on.
      this.emptyPages -= 1;
      return { dataPoints: [], nextPageToken: pageToken(offset, fingerprint) };
    }
    const page = matching.slice(offset, offset + size);
    const next = offset + size < matching.length ? pageToken(offset + size, fingerprint) : undefined;
    return { dataPoints: page.map((p: SimPoint) => p.body), ...(next && { nextPageToken: next }) };
  }

  private getPoint(user: GoogleHealthUser, type: string, id: string): unknown {
    const point = user.points(type).find((p) => p.id === id);
    return point?.body ?? googleError(404, 'NOT_FOUND', `Data point not found: ${type}/${id.slice(0, 64)}`);
  }

  private dailyRollUp(user: GoogleHealthUser, request: SimRequest, type: string): unknown {
    const maxDays = ROLLUP_MAX_DAYS[type];
    if (!maxDays) return googleError(400, 'INVALID_ARGUMENT', `${type} has no daily roll-up here`, 'INVALID_DATA_TYPE');
    const DateSchema = z.object({
      year: z.number().check(z.int(), z.gte(1), z.lte(9999)),
      month: z.number().check(z.int(), z.gte(1), z.lte(12)),
      day: z.number().check(z.int(), z.gte(1), z.lte(31)),
    });
    const parsed = z
      .object({
        range: z.object({ start: z.object({ date: DateSchema }), end: z.object({ date: DateSchema }) }),
        windowSizeDays: z._default(z.number().check(z.int(), z.gte(1)), 1),
      })
      .safeParse(safeJson(request.body.toString('utf8')));
    if (!parsed.success) return googleError(400, 'INVALID_ARGUMENT', 'Invalid DailyRollUpDataPointsRequest', 'INVALID_ARGUMENT');
    const day = (d: { year: number; month: number; day: number }) =>
      `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
    const start = day(parsed.data.range.start.date);
    const end = day(parsed.data.range.end.date);
    if (Number.isNaN(Date.parse(start)) || Number.isNaN(Date.parse(end))) return googleError(400, 'INVALID_ARGUMENT', 'Invalid date', 'INVALID_ARGUMENT');
    if (start >= end) return googleError(400, 'INVALID_ARGUMENT', 'The range start must be before its end', 'INVALID_TIME_RANGE');
    if ((Date.parse(end) - Date.parse(start)) / DAY_MS > maxDays) {
      return googleError(400, 'INVALID_ARGUMENT', `The range for ${type} may span at most ${maxDays} days`, 'INVALID_TIME_RANGE');
    }
    if (parsed.data.windowSizeDays !== 1) return googleError(400, 'INVALID_ARGUMENT', 'Only windowSizeDays 1 is simulated', 'INVALID_ARGUMENT');
    return { rollupDataPoints: user.dailyTotals(type as 'steps' | 'total-calories', start, end) };
  }

  // ---- controls and webhooks ---------------------------------------------------------------

  protected override extraControl(request: SimRequest, action: string, body: unknown): SimResponse | undefined {
    switch (`${request.method} ${action}`) {
      case 'GET webhook-keyset':
        this.keysetFetches += 1;
        return json(200, tinkPublicKeyset([this.signingKey]), { 'cache-control': 'public, max-age=3600' });
      case 'POST rotate-webhook-key':
        this.retiredKey = this.signingKey;
        this.signingKey = newSigningKey();
        return json(200, { kid: String(this.signingKey.keyId), retired: String(this.retiredKey.keyId) });
      case 'POST empty-pages':
        this.emptyPages = controlInput(z.object({ count: z.number().check(z.int(), z.gte(0), z.lte(100)) }), body).count;
        return json(204, undefined);
      case 'POST quota-answer': {
        const q = controlInput(z.object({ retry_after: z.optional(z.number().check(z.int(), z.gte(0))), message_retry: z._default(z.boolean(), false) }), body);
        this.quotaAnswer = { retryAfter: q.retry_after, messageRetry: q.message_retry };
        return json(204, undefined);
      }
      default:
        return undefined;
    }
  }

  /**
   * `{verification: true}` posts Google's `{"type":"verification"}`; otherwise
   * `notifications` (one object or an array, sent as given) as `{"data": {...}}`, signed as
   * `signature` says, with the configured Authorization unless `authorization` overrides it.
   */
  protected async deliverWebhook(target: string, event: unknown): Promise<number> {
    const e = controlInput(WebhookEventSchema, event, 'event');
    const wrap = (n: z.infer<typeof NotificationInput>) => ({
      data: {
        version: '1',
        healthUserId: n.healthUserId,
        operation: n.operation,
        dataType: n.dataType,
        intervals: n.intervals ?? [
          { physicalTimeInterval: { startTime: new Date(this.now() - 3_600_000).toISOString(), endTime: new Date(this.now()).toISOString() } },
        ],
      },
    });
    const payload = e.verification
      ? { type: 'verification' }
      : Array.isArray(e.notifications)
        ? e.notifications.map(wrap)
        : e.notifications
          ? wrap(e.notifications)
          : [];
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Google-Health-API-Webhooks' };
    const authorization = e.authorization === undefined ? SIM_WEBHOOK_AUTHORIZATION : e.authorization;
    if (authorization !== null) headers['authorization'] = authorization;
    if (!e.verification && e.signature !== 'missing') {
      const key = e.signature === 'retired' ? (this.retiredKey ?? this.signingKey) : this.signingKey;
      headers['x-healthapi-signature'] = signBody(key, e.signature === 'forged' ? `${body} ` : body);
    }
    const response = await fetch(target, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(5_000) });
    return response.status;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isResponse(value: unknown): value is SimResponse {
  return (
    typeof value === 'object' && value !== null && 'status' in value && typeof (value as { status: unknown }).status === 'number' && !('dataPoints' in value)
  );
}
