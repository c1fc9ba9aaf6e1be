/**
 * The Strava simulator: OAuth (authorize with granted scopes on the redirect, token endpoint
 * with client credentials in the body or query, rotating refresh tokens, deauthorize, and the
 * `oauth/revoke` reported for 2027-06-01), the API v3 routes the client uses with generated
 * per-athlete data (also under `/api-v3`, standing for the reported new API host), application-wide rate
 * limits in 15-minute and daily windows (overall and read), push subscriptions and events.
 */
import {
  OAuthServer,
  SimulatorBase,
  WindowLimiter,
  bearer,
  form,
  isFailure,
  json,
  type IssuedTokens,
  type Route,
  type SimRequest,
  type SimResponse,
  type WindowUsage,
} from '../kit';
import { activityStats, athleteIdOf, AthleteStore, type SimActivity } from './data';
import {
  authorizationError,
  badRequest,
  detailedActivity,
  detailedAthlete,
  fault,
  rateLimitExceeded,
  recordNotFound,
  summaryActivity,
  summaryAthlete,
} from './render';
import { DEFAULT_VERIFY_TOKEN, isLoopback, WebhookDesk } from './webhooks';

const CLIENT_ID = 'sim-strava-client';
const CLIENT_SECRET = 'sim-strava-secret';
/** Strava access tokens live six hours. */
const ACCESS_TTL_SECS = 21_600;
const SCOPES = ['read', 'read_all', 'profile:read_all', 'profile:write', 'activity:read', 'activity:read_all', 'activity:write'] as const;

const QUARTER_HOUR = 900;
const DAY = 86_400;
/** Real defaults of a Strava application; tests lower them through /_sim/rate-limits. */
const DEFAULT_WINDOWS = [
  { name: '15min', limit: 200, sizeSecs: QUARTER_HOUR },
  { name: 'daily', limit: 2_000, sizeSecs: DAY },
  { name: 'read_15min', limit: 100, sizeSecs: QUARTER_HOUR },
  { name: 'read_daily', limit: 1_000, sizeSecs: DAY },
];

const MAX_PER_PAGE = 200;
const DEFAULT_PER_PAGE = 30;

/** Request parameters from the query string and the body (form or JSON), the body winning. */
function params(request: SimRequest): URLSearchParams {
  const merged = new URLSearchParams(request.url.searchParams);
  if (request.body.length > 0) for (const [k, v] of form(request)) merged.set(k, v);
  return merged;
}

export class StravaSimulator extends SimulatorBase {
  readonly name = 'strava';
  readonly displayName = 'Strava';
  readonly athletes: AthleteStore;
  readonly webhooks: WebhookDesk;
  /** Strava's token endpoint takes no redirect_uri: remember the one each code was issued for. */
  private readonly codeRedirects = new Map<string, { redirectUri: string; at: number }>();

  constructor(now: () => number) {
    super(
      new OAuthServer({
        clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
        accessTtlSecs: ACCESS_TTL_SECS,
        rotateRefreshTokens: true,
        requirePkce: false,
        now,
      }),
      new WindowLimiter(DEFAULT_WINDOWS, now),
      now,
    );
    this.athletes = new AthleteStore(now);
    this.webhooks = new WebhookDesk(now);
  }

  env(mountUrl: string): Record<string, string> {
    return {
      PIERRE_STRAVA_CLIENT_ID: CLIENT_ID,
      PIERRE_STRAVA_CLIENT_SECRET: CLIENT_SECRET,
      PIERRE_STRAVA_AUTH_URL: `${mountUrl}/oauth/authorize`,
      PIERRE_STRAVA_TOKEN_URL: `${mountUrl}/oauth/token`,
      PIERRE_STRAVA_REVOKE_URL: `${mountUrl}/oauth/deauthorize`,
      PIERRE_STRAVA_API_BASE_URL: `${mountUrl}/api/v3`,
      PIERRE_STRAVA_WEBHOOK_VERIFY_TOKEN: DEFAULT_VERIFY_TOKEN,
      PIERRE_STRAVA_WEBHOOK_SUBSCRIPTION_ID: String(this.webhooks.subscriptionId),
    };
  }

  /** Athlete ids look like Strava's (eight digits). */
  protected override newUserId(): string {
    return String(28_000_000 + this.nextUserNumber() * 7_919);
  }

  protected routes(): Route[] {
    return [
      { method: 'GET', path: /^\/oauth\/authorize$/, handle: (r) => this.authorizeRoute(r) },
      { method: 'POST', path: /^\/oauth\/token$/, handle: (r) => this.tokenRoute(r) },
      { method: 'POST', path: /^\/oauth\/deauthorize$/, handle: (r) => this.deauthorizeRoute(r) },
      { method: 'POST', path: /^\/oauth\/revoke$/, handle: (r) => this.revokeRoute(r) },
      { method: 'GET', path: /^\/(?:api\/v3|api-v3)\/athlete$/, handle: (r) => this.athleteRoute(r) },
      { method: 'GET', path: /^\/(?:api\/v3|api-v3)\/athlete\/activities$/, handle: (r) => this.activitiesRoute(r) },
      { method: 'GET', path: /^\/(?:api\/v3|api-v3)\/activities\/([^/]+)$/, handle: (r, [id]) => this.activityRoute(r, id!) },
      { method: 'GET', path: /^\/(?:api\/v3|api-v3)\/athletes\/([^/]+)\/stats$/, handle: (r, [id]) => this.statsRoute(r, id!) },
      { method: 'POST', path: /^\/(?:api\/v3|api-v3)\/push_subscriptions$/, handle: (r) => this.createSubscription(r) },
      { method: 'GET', path: /^\/(?:api\/v3|api-v3)\/push_subscriptions$/, handle: (r) => this.listSubscriptions(r) },
      { method: 'DELETE', path: /^\/(?:api\/v3|api-v3)\/push_subscriptions\/(\d+)$/, handle: (r, [id]) => this.deleteSubscription(r, id!) },
    ];
  }

  /** Strava's answer to a missing, unknown, expired or revoked access token. */
  protected override unauthorized(): SimResponse {
    return json(401, authorizationError('Athlete', 'access_token', 'invalid'));
  }

  // ---- rate limits ----------------------------------------------------------------------------

  protected usageHeaders(usage: WindowUsage[]): Record<string, string> {
    const of = (name: string) => usage.find((w) => w.name === name) ?? { limit: 0, used: 0 };
    const pair = (a: string, b: string, key: 'limit' | 'used') => `${of(a)[key]},${of(b)[key]}`;
    return {
      'x-ratelimit-limit': pair('15min', 'daily', 'limit'),
      'x-ratelimit-usage': pair('15min', 'daily', 'used'),
      'x-readratelimit-limit': pair('read_15min', 'read_daily', 'limit'),
      'x-readratelimit-usage': pair('read_15min', 'read_daily', 'used'),
    };
  }

  /** 429 with the usage headers and no Retry-After, as Strava answers. */
  protected rateLimited(usage: WindowUsage[]): SimResponse {
    return json(429, rateLimitExceeded(), this.usageHeaders(usage));
  }

  // ---- OAuth ----------------------------------------------------------------------------------

  private authorizeRoute(request: SimRequest): SimResponse {
    const query = request.url.searchParams;
    if (!this.oauth.client(query.get('client_id'))) return json(400, badRequest('Application', 'client_id', 'invalid'));
    const redirect = query.get('redirect_uri');
    if (!redirect || !URL.canParse(redirect)) return json(400, badRequest('Application', 'redirect_uri', 'invalid'));
    if (query.get('response_type') !== 'code') return json(400, badRequest('Application', 'response_type', 'invalid'));
    const requested = (query.get('scope') ?? 'read').split(',').filter(Boolean);
    if (requested.some((s) => !(SCOPES as readonly string[]).includes(s))) return json(400, badRequest('Authorize', 'scope', 'invalid'));
    const prompt = query.get('approval_prompt');
    if (prompt !== null && prompt !== 'force' && prompt !== 'auto') return json(400, badRequest('Authorize', 'approval_prompt', 'invalid'));
    // Strava has no PKCE: challenge parameters are ignored.
    const url = new URL(request.url);
    url.searchParams.delete('code_challenge');
    url.searchParams.delete('code_challenge_method');
    if (!url.searchParams.get('scope')) url.searchParams.set('scope', 'read');
    const answer = this.authorize({ ...request, url }, { scopeSeparator: ',', scopeInRedirect: { separator: ',' } });
    const location = answer.headers?.['location'];
    const code = location ? new URL(location).searchParams.get('code') : null;
    if (code) this.rememberCode(code, redirect);
    return answer;
  }

  private rememberCode(code: string, redirectUri: string): void {
    const now = this.now();
    if (this.codeRedirects.size > 1_000) {
      for (const [key, value] of this.codeRedirects) if (now - value.at > 600_000) this.codeRedirects.delete(key);
    }
    this.codeRedirects.set(code, { redirectUri, at: now });
  }

  private tokenResponse(issued: IssuedTokens, withAthlete: boolean) {
    const nowSecs = Math.floor(this.now() / 1000);
    return {
      token_type: 'Bearer',
      expires_at: issued.expiresAt,
      expires_in: issued.expiresAt - nowSecs,
      refresh_token: issued.refreshToken,
      access_token: issued.accessToken,
      ...(withAthlete && { athlete: summaryAthlete(this.athletes.athlete(athleteIdOf(issued.userId))) }),
    };
  }

  private tokenRoute(request: SimRequest): SimResponse {
    const p = params(request);
    const clientId = p.get('client_id');
    if (this.oauth.checkClient(clientId, p.get('client_secret'))) return json(401, authorizationError('Application', '', 'invalid'));
    const grant = p.get('grant_type') ?? (p.has('code') ? 'authorization_code' : null);
    if (grant === 'authorization_code') {
      const code = p.get('code');
      if (!code) return json(400, badRequest('AuthorizationCode', 'code', 'missing'));
      const remembered = this.codeRedirects.get(code);
      this.codeRedirects.delete(code);
      const issued = this.oauth.exchangeCode({ clientId: clientId!, code, redirectUri: remembered?.redirectUri ?? null, codeVerifier: null });
      if (isFailure(issued)) return json(400, badRequest('AuthorizationCode', 'code', 'invalid'));
      return json(200, this.tokenResponse(issued, true));
    }
    if (grant === 'refresh_token') {
      const refresh = p.get('refresh_token');
      if (!refresh) return json(400, badRequest('RefreshToken', 'refresh_token', 'missing'));
      const issued = this.oauth.refreshTokens(clientId!, refresh);
      if (isFailure(issued)) return json(400, badRequest('RefreshToken', 'refresh_token', 'invalid'));
      return json(200, this.tokenResponse(issued, false));
    }
    return json(400, badRequest('Application', 'grant_type', 'invalid'));
  }

  /** Revokes every token the athlete gave this application, and tells the subscription. */
  private deauthorizeRoute(request: SimRequest): SimResponse {
    const token = params(request).get('access_token') ?? bearer(request);
    const grant = this.oauth.authenticate(token ?? undefined);
    if (!grant) return json(401, authorizationError('Athlete', 'access_token', 'invalid'));
    this.oauth.revokeUser(grant.userId);
    this.webhooks.announceDeauthorization(athleteIdOf(grant.userId));
    return json(200, { access_token: grant.accessToken });
  }

  /**
   * The revocation reported for 2027-06-01 (`oauth/revoke`): the token as `token` with the app's
   * credentials, OAuth token revocation style; an `access_token` parameter is refused (tokens
   * only in headers by then). It ends the athlete's grant like deauthorize.
   */
  private revokeRoute(request: SimRequest): SimResponse {
    const p = params(request);
    if (p.has('access_token')) return json(400, badRequest('Token', 'access_token', 'not allowed'));
    const client = this.oauth.client(p.get('client_id'));
    if (!client || client.clientSecret !== p.get('client_secret')) return json(401, authorizationError('Application', 'client_id', 'invalid'));
    const grant = this.oauth.authenticate(p.get('token') ?? undefined);
    // RFC 7009: an unknown or already revoked token is not an error.
    if (grant) {
      this.oauth.revokeUser(grant.userId);
      this.webhooks.announceDeauthorization(athleteIdOf(grant.userId));
    }
    return json(200, {});
  }

  // ---- API ------------------------------------------------------------------------------------

  private canReadActivities(grant: IssuedTokens): boolean {
    return grant.scopes.includes('activity:read') || grant.scopes.includes('activity:read_all');
  }

  private visible(grant: IssuedTokens, activity: SimActivity): boolean {
    return !activity.private || grant.scopes.includes('activity:read_all');
  }

  private async athleteRoute(request: SimRequest): Promise<SimResponse> {
    const guarded = await this.guard(request);
    if ('response' in guarded) return guarded.response;
    const athlete = this.athletes.athlete(athleteIdOf(guarded.grant.userId));
    return json(200, detailedAthlete(athlete), guarded.headers);
  }

  private async activitiesRoute(request: SimRequest): Promise<SimResponse> {
    const guarded = await this.guard(request);
    if ('response' in guarded) return guarded.response;
    const { grant, headers } = guarded;
    if (!this.canReadActivities(grant)) return json(401, authorizationError('AccessToken', 'activity:read_permission', 'missing'), headers);
    const query = request.url.searchParams;
    const ints: Record<string, number | undefined> = {};
    for (const name of ['before', 'after', 'page', 'per_page']) {
      const raw = query.get(name);
      if (raw === null || raw === '') continue;
      if (!/^\d+$/.test(raw)) return json(400, badRequest('Application', name, 'invalid'), headers);
      ints[name] = Number(raw);
    }
    const nowSecs = Math.floor(this.now() / 1000);
    if (ints['after'] !== undefined && ints['after'] > nowSecs + DAY) return json(400, badRequest('Application', 'after', 'future'), headers);
    const page = Math.max(1, ints['page'] ?? 1);
    const perPage = Math.min(MAX_PER_PAGE, Math.max(1, ints['per_page'] ?? DEFAULT_PER_PAGE));
    const beforeMs = ints['before'] !== undefined ? ints['before'] * 1000 : Number.POSITIVE_INFINITY;
    const afterMs = ints['after'] !== undefined ? ints['after'] * 1000 : Number.NEGATIVE_INFINITY;
    const athlete = this.athletes.athlete(athleteIdOf(grant.userId));
    let list = this.athletes.history(athlete.id).filter((a) => this.visible(grant, a) && a.startMs < beforeMs && a.startMs > afterMs);
    // With `after`, Strava lists from that instant forwards: oldest first.
    if (ints['after'] !== undefined) list = list.reverse();
    const slice = list.slice((page - 1) * perPage, page * perPage);
    return json(
      200,
      slice.map((a) => summaryActivity(a, athlete)),
      headers,
    );
  }

  private async activityRoute(request: SimRequest, id: string): Promise<SimResponse> {
    const guarded = await this.guard(request);
    if ('response' in guarded) return guarded.response;
    const { grant, headers } = guarded;
    if (!this.canReadActivities(grant)) return json(401, authorizationError('AccessToken', 'activity:read_permission', 'missing'), headers);
    const athlete = this.athletes.athlete(athleteIdOf(grant.userId));
    const found = /^\d{1,19}$/.test(id) ? this.athletes.find(athlete.id, Number(id)) : undefined;
    if (!found || !this.visible(grant, found)) return json(404, recordNotFound('Activity', 'id'), headers);
    return json(200, detailedActivity(found, athlete), headers);
  }

  /** Only the authenticated athlete's own stats are available. */
  private async statsRoute(request: SimRequest, id: string): Promise<SimResponse> {
    const guarded = await this.guard(request);
    if ('response' in guarded) return guarded.response;
    const { grant, headers } = guarded;
    const athleteId = athleteIdOf(grant.userId);
    if (!/^\d+$/.test(id)) return json(404, recordNotFound('Athlete', 'id'), headers);
    if (Number(id) !== athleteId) return json(403, fault('Forbidden', 'Athlete', 'id', 'forbidden'), headers);
    return json(200, activityStats(this.athletes.history(athleteId), this.now()), headers);
  }

  // ---- push subscriptions ---------------------------------------------------------------------

  private clientOf(request: SimRequest): { ok: true; p: URLSearchParams } | { ok: false; response: SimResponse } {
    const p = params(request);
    if (this.oauth.checkClient(p.get('client_id'), p.get('client_secret'))) {
      return { ok: false, response: json(401, authorizationError('Application', 'client_id', 'invalid')) };
    }
    return { ok: true, p };
  }

  private async createSubscription(request: SimRequest): Promise<SimResponse> {
    const client = this.clientOf(request);
    if (!client.ok) return client.response;
    const callbackUrl = client.p.get('callback_url');
    const verifyToken = client.p.get('verify_token') ?? '';
    if (!callbackUrl || !URL.canParse(callbackUrl)) return json(400, badRequest('PushSubscription', 'callback url', 'invalid'));
    if (this.webhooks.subscription) return json(400, badRequest('PushSubscription', '', 'already exists'));
    // The simulator only ever calls loopback addresses.
    if (!isLoopback(callbackUrl) || !(await this.webhooks.validateCallback(callbackUrl, verifyToken))) {
      return json(400, badRequest('PushSubscription', 'callback url', 'GET to callback URL does not return 200'));
    }
    return json(201, { id: this.webhooks.create(callbackUrl).id });
  }

  private listSubscriptions(request: SimRequest): SimResponse {
    const client = this.clientOf(request);
    if (!client.ok) return client.response;
    const s = this.webhooks.subscription;
    return json(
      200,
      s ? [{ id: s.id, resource_state: 2, application_id: 1, callback_url: s.callbackUrl, created_at: s.createdAt, updated_at: s.createdAt }] : [],
    );
  }

  private deleteSubscription(request: SimRequest, id: string): SimResponse {
    const client = this.clientOf(request);
    if (!client.ok) return client.response;
    if (!this.webhooks.delete(Number(id))) return json(404, recordNotFound('PushSubscription', 'id'));
    return { status: 204 };
  }

  protected deliverWebhook(target: string, event: unknown): Promise<number> {
    return this.webhooks.deliver(target, event);
  }
}
