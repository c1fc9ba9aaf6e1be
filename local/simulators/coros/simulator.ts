/**
 * The COROS open API as public integrations show it (its reference is partner-only):
 * - `GET /oauth2/authorize` (client_id, redirect_uri, response_type=code, state; no scopes);
 * - `POST /oauth2/accesstoken` (form: client_id, client_secret, grant_type=authorization_code,
 *   code, redirect_uri) -> access_token, refresh_token, expires_in (30 days), openId;
 * - `POST /oauth2/refresh-token` (client_id, client_secret, grant_type=refresh_token,
 *   refresh_token) -> `{"result":"0000","message":"OK"}`: the same tokens live 30 more days;
 * - `POST /oauth2/deauthorize` (token);
 * - `GET /v2/coros/sport/list?token&openId&startDate=YYYYMMDD&endDate=YYYYMMDD` (at most 31
 *   days, last 90 days of history) and `GET /v2/user` (bearer token);
 * - failures as `result` codes inside HTTP 200 (`5006` bad or expired token, `5010` openId not
 *   the token's, `1031` bad parameters). OAuth refusal codes (5001 client, 5002 code/grant) are
 *   this simulator's choice: the real ones are not public.
 * - Rate limits are not public either: a conservative per-application limit of 60 requests a
 *   minute, answered with 429 and `Retry-After`; no usage headers.
 * - Workout push: POST `{sportDataList: [...]}` with headers `client` / `secret`.
 */
import { createHash } from 'node:crypto';
import * as z from '../../../shared/zod';
import {
  SimulatorBase,
  WindowLimiter,
  basicCredentials,
  bearer,
  controlInput,
  form,
  isFailure,
  json,
  type OAuthFailure,
  type Route,
  type SimRequest,
  type SimResponse,
  type WindowUsage,
} from '../kit';
import { CorosOAuthServer } from './oauth';
import { WorkoutBook } from './workouts';

export const COROS_SIM_CLIENT = { clientId: 'sim-coros-client', clientSecret: 'sim-coros-secret' };
const COROS_ACCESS_TTL_SECS = 2_592_000;
const COROS_MAX_RANGE_DAYS = 31;

const OK = { result: '0000', message: 'OK' } as const;
const DAY_MS = 86_400_000;

/** Refusal codes of the simulated OAuth endpoints (the real ones are not public). */
const OAUTH_RESULTS: Record<OAuthFailure['error'], string> = {
  invalid_request: '1031',
  invalid_client: '5001',
  unauthorized_client: '5001',
  invalid_grant: '5002',
};

const WebhookEventSchema = z.union([
  z.looseObject({ sportDataList: z.array(z.unknown()) }),
  z.object({ openId: z.string().check(z.minLength(1)), count: z._default(z.number().check(z.int(), z.gte(1), z.lte(50)), 1) }),
]);

const result = (code: string, message: string): SimResponse => json(200, { result: code, message });

function parseDate(value: string | null): number | undefined {
  const match = value ? /^(\d{4})(\d{2})(\d{2})$/.exec(value) : null;
  if (!match) return undefined;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  const date = new Date(ms);
  if (date.getUTCDate() !== Number(match[3]) || date.getUTCMonth() !== Number(match[2]) - 1) return undefined;
  return ms / DAY_MS;
}

export class CorosSimulator extends SimulatorBase {
  readonly name = 'coros';
  readonly displayName = 'COROS';
  readonly workouts: WorkoutBook;

  constructor(now: () => number) {
    super(
      new CorosOAuthServer({ clients: [COROS_SIM_CLIENT], accessTtlSecs: COROS_ACCESS_TTL_SECS, rotateRefreshTokens: false, requirePkce: false, now }),
      new WindowLimiter([{ name: 'minute', limit: 60, sizeSecs: 60 }], now),
      now,
    );
    this.workouts = new WorkoutBook(now);
  }

  env(mountUrl: string): Record<string, string> {
    return {
      PIERRE_COROS_CLIENT_ID: COROS_SIM_CLIENT.clientId,
      PIERRE_COROS_CLIENT_SECRET: COROS_SIM_CLIENT.clientSecret,
      PIERRE_COROS_AUTH_URL: `${mountUrl}/oauth2/authorize`,
      PIERRE_COROS_TOKEN_URL: `${mountUrl}/oauth2/accesstoken`,
      PIERRE_COROS_REFRESH_URL: `${mountUrl}/oauth2/refresh-token`,
      PIERRE_COROS_REVOKE_URL: `${mountUrl}/oauth2/deauthorize`,
      PIERRE_COROS_API_BASE_URL: mountUrl,
      PIERRE_COROS_WORKOUTS_PATH: '/v2/coros/sport/list',
      PIERRE_COROS_USER_PATH: '/v2/user',
    };
  }

  protected routes(): Route[] {
    return [
      { method: 'GET', path: /^\/oauth2\/authorize$/, handle: (req) => this.authorize(req, { scopeSeparator: /[\s,]+/ }) },
      { method: 'POST', path: /^\/oauth2\/accesstoken$/, handle: (req) => this.accessToken(req) },
      { method: 'POST', path: /^\/oauth2\/refresh-token$/, handle: (req) => this.refresh(req) },
      { method: 'POST', path: /^\/oauth2\/deauthorize$/, handle: (req) => this.deauthorize(req) },
      { method: 'GET', path: /^\/v2\/coros\/sport\/list$/, handle: (req) => this.sportList(req) },
      { method: 'GET', path: /^\/v2\/user$/, handle: (req) => this.user(req) },
    ];
  }

  /** COROS openIds are opaque 32-character hex strings. */
  protected override newUserId(): string {
    return createHash('sha256').update(`coros-open-id:${super.newUserId()}`).digest('hex').slice(0, 32);
  }

  // ---- OAuth ------------------------------------------------------------------------------------

  /** Form body first, then the query string (integrations send either), then HTTP Basic. */
  private params(request: SimRequest): URLSearchParams {
    const params = new URLSearchParams(request.url.searchParams);
    for (const [key, value] of form(request)) params.set(key, value);
    const basic = basicCredentials(request);
    if (basic && !params.get('client_id')) {
      params.set('client_id', basic.id);
      params.set('client_secret', basic.secret);
    }
    return params;
  }

  private refusal(failure: OAuthFailure): SimResponse {
    return result(OAUTH_RESULTS[failure.error], failure.description);
  }

  private accessToken(request: SimRequest): SimResponse {
    const params = this.params(request);
    const clientId = params.get('client_id') ?? '';
    const badClient = this.oauth.checkClient(clientId, params.get('client_secret'));
    if (badClient) return this.refusal(badClient);
    if (params.get('grant_type') !== 'authorization_code') return result(OAUTH_RESULTS.invalid_request, 'grant_type must be authorization_code');
    const issued = this.oauth.exchangeCode({ clientId, code: params.get('code'), redirectUri: params.get('redirect_uri'), codeVerifier: null });
    if (isFailure(issued)) return this.refusal(issued);
    return json(200, {
      access_token: issued.accessToken,
      refresh_token: issued.refreshToken,
      expires_in: COROS_ACCESS_TTL_SECS,
      openId: issued.userId,
    });
  }

  private refresh(request: SimRequest): SimResponse {
    const params = this.params(request);
    const clientId = params.get('client_id') ?? '';
    const badClient = this.oauth.checkClient(clientId, params.get('client_secret'));
    if (badClient) return this.refusal(badClient);
    if (params.get('grant_type') !== 'refresh_token') return result(OAUTH_RESULTS.invalid_request, 'grant_type must be refresh_token');
    const extended = this.oauth.refreshTokens(clientId, params.get('refresh_token'));
    if (isFailure(extended)) return this.refusal(extended);
    return json(200, OK);
  }

  private deauthorize(request: SimRequest): SimResponse {
    const token = this.params(request).get('token') ?? undefined;
    if (!this.oauth.revoke(token)) return this.unauthorized();
    return json(200, OK);
  }

  // ---- data -------------------------------------------------------------------------------------

  private async sportList(request: SimRequest): Promise<SimResponse> {
    const query = request.url.searchParams;
    const guarded = await this.guard(request, query.get('token') ?? undefined);
    if ('response' in guarded) return guarded.response;
    if (query.get('openId') !== guarded.grant.userId) return result('5010', 'openId does not match the access token');
    const first = parseDate(query.get('startDate'));
    const last = parseDate(query.get('endDate'));
    if (first === undefined || last === undefined || first > last) return result('1031', 'startDate and endDate must be dates (YYYYMMDD), startDate first');
    if (last - first + 1 > COROS_MAX_RANGE_DAYS) return result('1031', `the date range must not exceed ${COROS_MAX_RANGE_DAYS} days`);
    return json(200, { ...OK, data: this.workouts.between(guarded.grant.userId, first, last) }, guarded.headers);
  }

  private async user(request: SimRequest): Promise<SimResponse> {
    const guarded = await this.guard(request, bearer(request) ?? request.url.searchParams.get('token') ?? undefined);
    if ('response' in guarded) return guarded.response;
    const openId = guarded.grant.userId;
    return json(200, { ...OK, data: { openId, nickname: this.workouts.profile(openId).username } }, guarded.headers);
  }

  protected override unauthorized(): SimResponse {
    return result('5006', 'access token is invalid or expired');
  }

  protected rateLimited(usage: WindowUsage[]): SimResponse {
    const nowSecs = Math.floor(this.now() / 1000);
    const full = usage.filter((w) => w.used >= w.limit);
    const resetsAt = Math.max(...(full.length ? full : usage).map((w) => w.resetsAt));
    return json(429, { message: 'Too Many Requests' }, { 'retry-after': String(Math.max(1, resetsAt - nowSecs)) });
  }

  /** COROS sends no rate-limit usage headers. */
  protected usageHeaders(): Record<string, string> {
    return {};
  }

  // ---- workout push ---------------------------------------------------------------------------

  /** `event` is a ready `{sportDataList}` or `{openId, count}` (that user's latest workouts). */
  protected async deliverWebhook(target: string, event: unknown): Promise<number> {
    const parsed = controlInput(WebhookEventSchema, event, 'event');
    const body =
      'sportDataList' in parsed ? parsed : { sportDataList: this.workouts.latest(parsed.openId, parsed.count).map((w) => ({ openId: parsed.openId, ...w })) };
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', client: COROS_SIM_CLIENT.clientId, secret: COROS_SIM_CLIENT.clientSecret },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    return response.status;
  }
}
