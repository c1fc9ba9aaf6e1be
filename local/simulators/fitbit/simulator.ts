/**
 * The Fitbit Web API as a local simulator: www.fitbit.com's authorize page, api.fitbit.com's
 * token / revoke endpoints (HTTP Basic client auth, PKCE S256, 8-hour access tokens, rotating
 * refresh tokens), the data endpoints the client uses, the per-user hourly rate limit with its
 * headers, Fitbit's error bodies, and a subscription sender that signs like Fitbit.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { hash32 } from '../../../shared/providers/synthetic/generator';
import {
  basicCredentials,
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
import { FitbitUser, unitsOf, type Units } from './data';

export const SIM_CLIENT_ID = 'sim-fitbit-client';
export const SIM_CLIENT_SECRET = 'sim-fitbit-secret';
export const SIM_VERIFICATION_CODE = 'sim-fitbit-verification-code';
export const ACCESS_TTL_SECS = 28_800;
export const HOURLY_LIMIT = 150;

/** Every scope Fitbit knows; any other is refused with `invalid_scope`. */
const KNOWN_SCOPES = new Set([
  'activity', 'cardio_fitness', 'electrocardiogram', 'heartrate', 'irregular_rhythm_notifications', 'location',
  'nutrition', 'oxygen_saturation', 'profile', 'respiratory_rate', 'settings', 'sleep', 'social', 'temperature', 'weight',
]);

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const LIST_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?$/;
const DAY_MS = 86_400_000;

/** `{"errors":[{"errorType","fieldName","message"}],"success":false}`: Fitbit's error body. */
export function fitbitError(status: number, errorType: string, message: string, headers: Record<string, string> = {}, fieldName?: string): SimResponse {
  return json(status, { errors: [{ errorType, ...(fieldName && { fieldName }), message }], success: false }, headers);
}

/** A renderer's refusal (validation error) instead of a body. */
class Refusal {
  constructor(readonly response: SimResponse) {}
}

function refuse(errorType: string, message: string, fieldName: string): Refusal {
  return new Refusal(fitbitError(400, errorType, message, {}, fieldName));
}

const NotificationSchema = z.object({
  collectionType: z.string().min(1),
  date: z.string().optional(),
  ownerId: z.string().min(1),
  ownerType: z.string().default('user'),
  subscriptionId: z.string().default('1'),
});
const WebhookEventSchema = z.union([z.object({ verify: z.string() }), NotificationSchema, z.array(NotificationSchema).min(1)]);

export class FitbitSimulator extends SimulatorBase {
  readonly name = 'fitbit';
  readonly displayName = 'Fitbit';
  private readonly users = new Map<string, FitbitUser>();
  private mountUrl: string | undefined;
  private userCount = 0;

  constructor(options: SimulatorOptions) {
    super(
      new OAuthServer({
        clients: [{ clientId: SIM_CLIENT_ID, clientSecret: SIM_CLIENT_SECRET }],
        accessTtlSecs: ACCESS_TTL_SECS,
        rotateRefreshTokens: true,
        requirePkce: true,
        now: options.now,
      }),
      new WindowLimiter([{ name: 'hour', limit: HOURLY_LIMIT, sizeSecs: 3600 }], options.now),
      options.now,
    );
  }

  env(mountUrl: string): Record<string, string> {
    this.mountUrl = mountUrl;
    return {
      PIERRE_FITBIT_CLIENT_ID: SIM_CLIENT_ID,
      PIERRE_FITBIT_CLIENT_SECRET: SIM_CLIENT_SECRET,
      PIERRE_FITBIT_AUTH_URL: `${mountUrl}/oauth2/authorize`,
      PIERRE_FITBIT_TOKEN_URL: `${mountUrl}/oauth2/token`,
      PIERRE_FITBIT_REVOKE_URL: `${mountUrl}/oauth2/revoke`,
      PIERRE_FITBIT_API_BASE_URL: mountUrl,
      PIERRE_FITBIT_SUBSCRIBER_VERIFICATION_CODE: SIM_VERIFICATION_CODE,
    };
  }

  /** Fitbit's encoded user ids: six characters of [0-9A-Z]. */
  protected override newUserId(): string {
    this.userCount += 1;
    return hash32(`fitbit-user-${this.userCount}`).toString(36).toUpperCase().padStart(6, '0').slice(-6);
  }

  protected override rateLimitKey(grant: IssuedTokens): string {
    return `${grant.clientId}|${grant.userId}`;
  }

  protected usageHeaders(usage: WindowUsage[]): Record<string, string> {
    const hour = usage[0];
    if (!hour) return {};
    const nowSecs = Math.floor(this.now() / 1000);
    return {
      'fitbit-rate-limit-limit': String(hour.limit),
      'fitbit-rate-limit-remaining': String(Math.max(0, hour.limit - hour.used)),
      'fitbit-rate-limit-reset': String(Math.max(0, hour.resetsAt - nowSecs)),
    };
  }

  protected rateLimited(usage: WindowUsage[]): SimResponse {
    return fitbitError(429, 'too_many_requests', 'Too Many Requests', this.usageHeaders(usage));
  }

  protected override unauthorized(): SimResponse {
    return fitbitError(
      401,
      'invalid_token',
      'Access token invalid or expired. Visit https://dev.fitbit.com/docs/oauth2 for more information on the Fitbit Web API authorization process.',
      { 'www-authenticate': 'Bearer realm="api.fitbit.com"' },
    );
  }

  private user(id: string): FitbitUser {
    let user = this.users.get(id);
    if (!user) {
      if (this.users.size >= 256) this.users.clear();
      user = new FitbitUser(id, this.now);
      this.users.set(id, user);
    }
    return user;
  }

  protected routes(): Route[] {
    const range = (resource: string) => new RegExp(`^/1/user/([^/]+)/${resource}/date/([^/]+)/([^/]+)\\.json$`);
    return [
      { method: 'GET', path: /^\/oauth2\/authorize$/, handle: (req) => this.authorizeEndpoint(req) },
      { method: 'POST', path: /^\/oauth2\/token$/, handle: (req) => this.tokenEndpoint(req) },
      { method: 'POST', path: /^\/oauth2\/revoke$/, handle: (req) => this.revokeEndpoint(req) },
      { method: 'GET', path: /^\/1\/user\/([^/]+)\/profile\.json$/, handle: this.data('profile', (user, _req, _p, units) => user.renderProfile(units)) },
      { method: 'GET', path: /^\/1\/user\/([^/]+)\/activities\/list\.json$/, handle: this.data('activity', (user, req, _p, units) => this.activityList(user, req, units)) },
      {
        method: 'GET',
        path: /^\/1\.2\/user\/([^/]+)\/sleep\/date\/([^/]+)\/([^/]+)\.json$/,
        handle: this.data('sleep', (user, _req, p) => this.dated(user, p, 100, (s, e) => ({ sleep: user.sleepLogs(s, e) }))),
      },
      {
        method: 'GET',
        path: range('body/log/weight'),
        handle: this.data('weight', (user, _req, p, units) => this.dated(user, p, 31, (s, e) => user.weightLogs(s, e, units))),
      },
      { method: 'GET', path: range('hrv'), handle: this.data('heartrate', (user, _req, p) => this.dated(user, p, 30, (s, e) => user.hrv(s, e))) },
      { method: 'GET', path: range('spo2'), handle: this.data('oxygen_saturation', (user, _req, p) => this.dated(user, p, 30, (s, e) => user.spo2(s, e))) },
      { method: 'GET', path: range('activities/heart'), handle: this.data('heartrate', (user, _req, p) => this.dated(user, p, 366, (s, e) => user.heart(s, e))) },
      {
        method: 'GET',
        path: range('activities/steps'),
        handle: this.data('activity', (user, _req, p) => this.dated(user, p, 1095, (s, e) => user.series('steps', s, e))),
      },
      {
        method: 'GET',
        path: range('activities/calories'),
        handle: this.data('activity', (user, _req, p) => this.dated(user, p, 1095, (s, e) => user.series('calories', s, e))),
      },
    ];
  }

  // ---- OAuth -------------------------------------------------------------------------------

  /** Fitbit sends no granted scopes on the redirect (they come with the token) and adds `#_=_`. */
  private authorizeEndpoint(request: SimRequest): SimResponse {
    const scope = request.url.searchParams.get('scope');
    if (!scope) return fitbitError(400, 'invalid_request', 'Missing parameters: scope');
    const unknown = scope.split(/\s+/).filter((s) => s && !KNOWN_SCOPES.has(s));
    if (unknown.length > 0) return fitbitError(400, 'invalid_scope', `Invalid scope: ${unknown.join(' ')}`);
    const answer = this.authorize(request, { scopeSeparator: /\s+/ });
    const location = answer.headers?.['location'];
    if (answer.status !== 302 || !location) return answer;
    const back = new URL(location);
    if (back.searchParams.get('error') === 'access_denied') back.searchParams.set('error_description', 'The user denied the request.');
    else back.hash = '_=_';
    return { ...answer, headers: { ...answer.headers, location: back.toString() } };
  }

  private clientOf(request: SimRequest): { clientId: string } | SimResponse {
    const credentials = basicCredentials(request);
    if (!credentials) {
      return fitbitError(
        401,
        'invalid_client',
        'Invalid authorization header format. The header was not recognized to be a valid header for any of known implementations or a client_id was not specified in case of a public client',
      );
    }
    if (this.oauth.checkClient(credentials.id, credentials.secret)) {
      return fitbitError(401, 'invalid_client', 'Invalid authorization header. Client id and/or client secret are not valid.');
    }
    return { clientId: credentials.id };
  }

  private tokenEndpoint(request: SimRequest): SimResponse {
    const client = this.clientOf(request);
    if ('status' in client) return client;
    if (!String(request.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
      return fitbitError(400, 'invalid_request', 'The request body must be application/x-www-form-urlencoded');
    }
    const params = form(request);
    const grantType = params.get('grant_type');
    let issued;
    if (grantType === 'authorization_code') {
      if (!params.get('code')) return fitbitError(400, 'invalid_request', 'Missing parameters: code');
      issued = this.oauth.exchangeCode({
        clientId: client.clientId,
        code: params.get('code'),
        redirectUri: params.get('redirect_uri'),
        codeVerifier: params.get('code_verifier'),
      });
    } else if (grantType === 'refresh_token') {
      if (!params.get('refresh_token')) return fitbitError(400, 'invalid_request', 'Missing parameters: refresh_token');
      issued = this.oauth.refreshTokens(client.clientId, params.get('refresh_token'));
    } else {
      return fitbitError(400, 'unsupported_grant_type', `The grant_type '${grantType ?? ''}' is not supported`);
    }
    if (isFailure(issued)) {
      const what = grantType === 'refresh_token' ? 'Refresh token invalid' : 'Authorization code invalid';
      return fitbitError(
        400,
        issued.error,
        `${what}: ${issued.description}. Visit https://dev.fitbit.com/docs/oauth2 for more information on the Fitbit Web API authorization process.`,
      );
    }
    return json(200, {
      access_token: issued.accessToken,
      expires_in: ACCESS_TTL_SECS,
      refresh_token: issued.refreshToken,
      scope: issued.scopes.join(' '),
      token_type: 'Bearer',
      user_id: issued.userId,
    });
  }

  /** RFC 7009: revoking an unknown token also answers 200. */
  private revokeEndpoint(request: SimRequest): SimResponse {
    const client = this.clientOf(request);
    if ('status' in client) return client;
    const token = form(request).get('token');
    if (!token) return fitbitError(400, 'invalid_request', 'Missing parameters: token');
    this.oauth.revoke(token);
    return { status: 200, headers: { 'content-type': 'application/json;charset=UTF-8' }, body: '' };
  }

  // ---- data --------------------------------------------------------------------------------

  /** Guard (faults, bearer token, hourly per-user limit), then owner and scope checks. */
  private data(
    scope: string,
    render: (user: FitbitUser, request: SimRequest, params: string[], units: Units) => unknown,
  ): Route['handle'] {
    return async (request, params) => {
      const guarded = await this.guard(request);
      if ('response' in guarded) return guarded.response;
      const { grant, headers } = guarded;
      const owner = params[0];
      if (owner !== '-' && owner !== grant.userId) {
        return fitbitError(403, 'insufficient_permissions', 'The caller is not authorized to access the resource requested.', headers);
      }
      if (!grant.scopes.includes(scope)) {
        return fitbitError(403, 'insufficient_scope', `This application does not have permission to access ${scope} data.`, headers);
      }
      const result = render(this.user(grant.userId), request, params.slice(1), unitsOf(request.headers['accept-language']));
      if (result instanceof Refusal) return { ...result.response, headers: { ...headers, ...result.response.headers } };
      return json(200, result, headers);
    };
  }

  /** A `{start}/{end}` range: dates (or `today`), start not after end, at most `maxDays`. */
  private dated(user: FitbitUser, params: string[], maxDays: number, render: (start: string, end: string) => unknown): unknown {
    const [rawStart = '', rawEnd = ''] = params;
    const start = rawStart === 'today' ? user.today() : rawStart;
    const end = rawEnd === 'today' ? user.today() : rawEnd;
    for (const [field, value] of [['startDate', start], ['endDate', end]] as const) {
      if (!DATE.test(value) || Number.isNaN(Date.parse(value))) {
        return refuse('validation', `Invalid date:${value.slice(0, 32)}`, field);
      }
    }
    if (start > end) return refuse('validation', 'Start date must be before end date', 'startDate');
    if ((Date.parse(end) - Date.parse(start)) / DAY_MS + 1 > maxDays) {
      return refuse('validation', `The maximum date range is ${maxDays} days`, 'endDate');
    }
    return render(start, end);
  }

  /**
   * `GET /1/user/-/activities/list.json`: exactly one of beforeDate (with sort=desc) and
   * afterDate (with sort=asc), both read in the user's local time; limit 1-100; `next` links
   * carry the offset of the following page.
   */
  private activityList(user: FitbitUser, request: SimRequest, units: Units): unknown {
    const q = request.url.searchParams;
    const beforeDate = q.get('beforeDate');
    const afterDate = q.get('afterDate');
    if ((beforeDate === null) === (afterDate === null)) {
      return refuse('validation', 'Either beforeDate or afterDate must be specified (but not both)', 'beforeDate');
    }
    const bound = (beforeDate ?? afterDate)!;
    if (!LIST_DATE.test(bound) || Number.isNaN(Date.parse(`${bound.length === 10 ? `${bound}T00:00:00` : bound}Z`))) {
      return refuse('validation', `Invalid date: ${bound.slice(0, 32)}`, beforeDate !== null ? 'beforeDate' : 'afterDate');
    }
    const sort = q.get('sort');
    if (sort !== (beforeDate !== null ? 'desc' : 'asc')) {
      return refuse('validation', `Sort must be ${beforeDate !== null ? 'desc with beforeDate' : 'asc with afterDate'}`, 'sort');
    }
    const limit = Number(q.get('limit'));
    if (!/^\d+$/.test(q.get('limit') ?? '') || limit < 1 || limit > 100) {
      return refuse('validation', 'Limit must be between 1 and 100', 'limit');
    }
    const offset = Number(q.get('offset'));
    if (!/^\d+$/.test(q.get('offset') ?? '')) return refuse('validation', 'Offset is required', 'offset');

    const wall = Date.parse(`${bound.length === 10 ? `${bound}T00:00:00` : bound}Z`);
    const all = user
      .activities()
      .filter((a) => (beforeDate !== null ? a.localMs < wall : a.localMs > wall))
      .sort((a, b) => (sort === 'desc' ? b.startMs - a.startMs : a.startMs - b.startMs));
    const page = all.slice(offset, offset + limit);
    const link = (at: number) => {
      const params = new URLSearchParams({ offset: String(at), limit: String(limit), sort });
      params.set(beforeDate !== null ? 'beforeDate' : 'afterDate', bound);
      return `${this.base(request)}/1/user/-/activities/list.json?${params.toString()}`;
    };
    return {
      activities: page.map((a) => user.renderActivity(a, units)),
      pagination: {
        ...(beforeDate !== null ? { beforeDate } : { afterDate }),
        limit,
        next: offset + limit < all.length ? link(offset + limit) : '',
        offset,
        previous: offset > 0 ? link(Math.max(0, offset - limit)) : '',
        sort,
      },
    };
  }

  private base(request: SimRequest): string {
    return this.mountUrl ?? `http://${String(request.headers.host ?? '127.0.0.1')}/sim/fitbit`;
  }

  // ---- subscriptions -----------------------------------------------------------------------

  /**
   * `{verify: CODE}` performs Fitbit's subscriber check (`GET target?verify=CODE`); anything
   * else is one notification or an array of them, posted signed with
   * base64(HMAC-SHA1(body, client_secret + "&")). `userRevokedAccess` also revokes the user's
   * tokens here first, as the user did at Fitbit.
   */
  protected async deliverWebhook(target: string, event: unknown): Promise<number> {
    const parsed = WebhookEventSchema.parse(event);
    if (!Array.isArray(parsed) && 'verify' in parsed) {
      const url = new URL(target);
      url.searchParams.set('verify', parsed.verify);
      return (await fetch(url, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(5_000) })).status;
    }
    const today = new Date(this.now()).toISOString().slice(0, 10);
    const notifications = (Array.isArray(parsed) ? parsed : [parsed]).map((n) => ({
      collectionType: n.collectionType,
      date: n.date ?? today,
      ownerId: n.ownerId,
      ownerType: n.ownerType,
      subscriptionId: n.subscriptionId,
    }));
    for (const n of notifications) if (n.collectionType === 'userRevokedAccess') this.oauth.revokeUser(n.ownerId);
    const body = JSON.stringify(notifications);
    const signature = createHmac('sha1', `${SIM_CLIENT_SECRET}&`).update(body).digest('base64');
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-fitbit-signature': signature, 'user-agent': 'Fitbit-Subscriber/1.0' },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(5_000),
    });
    return response.status;
  }
}
