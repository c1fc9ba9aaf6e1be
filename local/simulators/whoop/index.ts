/**
 * The WHOOP simulator: Ory-Hydra-style OAuth at /oauth/oauth2/{auth,token} (client credentials
 * in the form body, state of at least 8 characters, PKCE when a challenge is sent, a refresh
 * token only with `offline`, rotation on refresh), the developer API v2 under /developer with
 * per-scope access, nextToken collections and the per-app limits (100 a minute, 10,000 a day)
 * reported in X-RateLimit-* headers, revoke by DELETE /developer/v2/user/access, and webhooks
 * signed base64(HMAC-SHA256(client secret, timestamp + body)).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { hash32 } from '../../../shared/providers/synthetic/generator';
import {
  form,
  isFailure,
  json,
  OAuthServer,
  SimulatorBase,
  WindowLimiter,
  type IssuedTokens,
  type OAuthFailure,
  type ProviderSimulator,
  type Route,
  type SimRequest,
  type SimResponse,
  type SimulatorOptions,
  type WindowUsage,
} from '../kit';
import { page } from './collections';
import { WhoopUserData, type Dated } from './data';

export const WHOOP_SIM_CLIENT = { clientId: 'sim-whoop-client', clientSecret: 'sim-whoop-secret' };
const WHOOP_SCOPES = ['offline', 'read:profile', 'read:body_measurement', 'read:workout', 'read:sleep', 'read:recovery', 'read:cycles'];
const ACCESS_TTL_SECS = 3_600;
const MIN_STATE_LENGTH = 8;

const OAUTH_ERRORS: Record<OAuthFailure['error'], { status: number; description: string }> = {
  invalid_request: {
    status: 400,
    description:
      'The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.',
  },
  invalid_client: {
    status: 401,
    description: 'Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).',
  },
  invalid_grant: {
    status: 400,
    description:
      'The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
  },
  unauthorized_client: { status: 400, description: 'The client is not authorized to request a token using this method.' },
};

function oauthError(failure: OAuthFailure): SimResponse {
  const known = OAUTH_ERRORS[failure.error];
  return json(known.status, { error: failure.error, error_description: known.description, error_hint: failure.description, status_code: known.status });
}

class WhoopSimulator extends SimulatorBase {
  readonly name = 'whoop';
  readonly displayName = 'WHOOP';
  private readonly users = new Map<number, WhoopUserData>();

  constructor(options: SimulatorOptions) {
    super(
      new OAuthServer({
        clients: [WHOOP_SIM_CLIENT],
        accessTtlSecs: ACCESS_TTL_SECS,
        rotateRefreshTokens: true,
        // Hydra verifies PKCE whenever the authorize request carried a challenge.
        requirePkce: false,
        refreshScope: 'offline',
        now: options.now,
      }),
      new WindowLimiter(
        [
          { name: 'minute', limit: 100, sizeSecs: 60 },
          { name: 'day', limit: 10_000, sizeSecs: 86_400 },
        ],
        options.now,
      ),
      options.now,
    );
  }

  env(mountUrl: string): Record<string, string> {
    return {
      PIERRE_WHOOP_CLIENT_ID: WHOOP_SIM_CLIENT.clientId,
      PIERRE_WHOOP_CLIENT_SECRET: WHOOP_SIM_CLIENT.clientSecret,
      PIERRE_WHOOP_AUTH_URL: `${mountUrl}/oauth/oauth2/auth`,
      PIERRE_WHOOP_TOKEN_URL: `${mountUrl}/oauth/oauth2/token`,
      PIERRE_WHOOP_API_BASE_URL: `${mountUrl}/developer`,
      PIERRE_WHOOP_REVOKE_URL: `${mountUrl}/developer/v2/user/access`,
    };
  }

  /** WHOOP user ids are integers like 10129. */
  protected override newUserId(): string {
    return String(10_128 + this.nextUserNumber());
  }

  protected routes(): Route[] {
    const collection = (path: RegExp, scope: string, records: (user: WhoopUserData, now: number) => Dated[]): Route => ({
      method: 'GET',
      path,
      handle: (request) => this.data(request, scope, (user, now) => page(request.url.searchParams, records(user, now), now)),
    });
    const one = (path: RegExp, scope: string, records: (user: WhoopUserData, now: number) => Dated[]): Route => ({
      method: 'GET',
      path,
      handle: (request, [id]) =>
        this.data(request, scope, (user, now) => {
          const found = records(user, now).find((r) => r.id === id);
          return found ? json(200, found.json) : json(404, { message: 'No resource found' });
        }),
    });
    return [
      { method: 'GET', path: /^\/oauth\/oauth2\/auth$/, handle: (request) => this.authorizeRequest(request) },
      { method: 'POST', path: /^\/oauth\/oauth2\/token$/, handle: (request) => this.token(request) },
      { method: 'DELETE', path: /^\/developer\/v2\/user\/access$/, handle: (request) => this.revokeAccess(request) },
      collection(/^\/developer\/v2\/activity\/workout$/, 'read:workout', (u, now) => u.workouts(now)),
      one(/^\/developer\/v2\/activity\/workout\/([^/]+)$/, 'read:workout', (u, now) => u.workouts(now)),
      collection(/^\/developer\/v2\/activity\/sleep$/, 'read:sleep', (u, now) => u.sleeps(now)),
      one(/^\/developer\/v2\/activity\/sleep\/([^/]+)$/, 'read:sleep', (u, now) => u.sleeps(now)),
      collection(/^\/developer\/v2\/recovery$/, 'read:recovery', (u, now) => u.recoveries(now)),
      collection(/^\/developer\/v2\/cycle$/, 'read:cycles', (u, now) => u.cycles(now)),
      one(/^\/developer\/v2\/cycle\/(\d+)$/, 'read:cycles', (u, now) => u.cycles(now)),
      {
        method: 'GET',
        path: /^\/developer\/v2\/user\/profile\/basic$/,
        handle: (request) => this.data(request, 'read:profile', (user) => json(200, user.profileJson())),
      },
      {
        method: 'GET',
        path: /^\/developer\/v2\/user\/measurement\/body$/,
        handle: (request) => this.data(request, 'read:body_measurement', (user, now) => json(200, user.bodyJson(now))),
      },
    ];
  }

  // ---- OAuth ---------------------------------------------------------------------------------

  private authorizeRequest(request: SimRequest): SimResponse {
    const query = request.url.searchParams;
    const failure = this.oauth.checkAuthorize(query);
    if (failure) return oauthError(failure);
    const back = new URL(query.get('redirect_uri')!);
    const refuse = (error: string, description: string): SimResponse => {
      back.searchParams.set('error', error);
      back.searchParams.set('error_description', description);
      const state = query.get('state');
      if (state !== null) back.searchParams.set('state', state);
      return { status: 302, headers: { location: back.toString() } };
    };
    const state = query.get('state') ?? '';
    if (state.length < MIN_STATE_LENGTH) {
      return refuse('invalid_state', `The state is missing or has less than ${MIN_STATE_LENGTH} characters and is therefore considered too weak.`);
    }
    const unknown = (query.get('scope') ?? '').split(/\s+/).filter((s) => s && !WHOOP_SCOPES.includes(s));
    if (unknown.length > 0) return refuse('invalid_scope', `The requested scope is invalid, unknown, or malformed: ${unknown.join(' ')}`);
    return this.authorize(request, { scopeSeparator: /\s+/ });
  }

  /** Client credentials travel in the form body (client_secret_post), as WHOOP documents. */
  private token(request: SimRequest): SimResponse {
    const params = form(request);
    const clientId = params.get('client_id');
    const denied = this.oauth.checkClient(clientId, params.get('client_secret'));
    if (denied) return oauthError(denied);
    const grantType = params.get('grant_type');
    let issued: IssuedTokens | OAuthFailure;
    let withRefresh = true;
    if (grantType === 'authorization_code') {
      issued = this.oauth.exchangeCode({
        clientId: clientId!,
        code: params.get('code'),
        redirectUri: params.get('redirect_uri'),
        codeVerifier: params.get('code_verifier'),
      });
    } else if (grantType === 'refresh_token') {
      issued = this.oauth.refreshTokens(clientId!, params.get('refresh_token'));
      // A new refresh token comes back only when the refresh asks for `offline` again.
      withRefresh = (params.get('scope') ?? '').split(/\s+/).includes('offline');
    } else {
      return json(400, {
        error: 'unsupported_grant_type',
        error_description: 'The authorization grant type is not supported by the authorization server.',
        status_code: 400,
      });
    }
    if (isFailure(issued)) return oauthError(issued);
    const body: Record<string, unknown> = {
      access_token: issued.accessToken,
      expires_in: Math.max(0, issued.expiresAt - Math.floor(this.now() / 1000)),
      scope: issued.scopes.join(' '),
      token_type: 'bearer',
    };
    if (issued.refreshToken && withRefresh) body['refresh_token'] = issued.refreshToken;
    return json(200, body, { 'cache-control': 'no-store', pragma: 'no-cache' });
  }

  /** Revokes the grant behind the bearer token (its access and refresh tokens): 204. */
  private async revokeAccess(request: SimRequest): Promise<SimResponse> {
    const guarded = await this.guard(request);
    if ('response' in guarded) return guarded.response;
    this.oauth.revoke(guarded.grant.accessToken);
    return { status: 204, headers: guarded.headers };
  }

  // ---- data ----------------------------------------------------------------------------------

  private whoopUser(grant: IssuedTokens): WhoopUserData {
    const id = /^\d{1,15}$/.test(grant.userId) ? Number(grant.userId) : hash32(grant.userId);
    let user = this.users.get(id);
    if (!user) {
      user = new WhoopUserData(id);
      this.users.set(id, user);
    }
    return user;
  }

  private async data(request: SimRequest, scope: string, answer: (user: WhoopUserData, nowMs: number) => SimResponse): Promise<SimResponse> {
    const guarded = await this.guard(request);
    if ('response' in guarded) return guarded.response;
    if (!guarded.grant.scopes.includes(scope)) {
      return json(403, { message: `The access token was not granted the ${scope} scope` }, guarded.headers);
    }
    const response = answer(this.whoopUser(guarded.grant), this.now());
    return { ...response, headers: { ...guarded.headers, ...response.headers } };
  }

  protected override unauthorized(): SimResponse {
    return json(401, { message: 'Authorization was not valid' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
  }

  // ---- rate limits ---------------------------------------------------------------------------

  /** The window closest to being used up (equal remaining: the shorter one). */
  private closest(usage: WindowUsage[]): WindowUsage | undefined {
    return [...usage].sort((a, b) => a.limit - a.used - (b.limit - b.used) || a.resetsAt - b.resetsAt)[0];
  }

  protected usageHeaders(usage: WindowUsage[]): Record<string, string> {
    const closest = this.closest(usage);
    if (!closest) return {};
    const nowSecs = Math.floor(this.now() / 1000);
    const policies = usage.map((w) => `${w.limit};window=${windowSecs(w.name)}`);
    return {
      'X-RateLimit-Limit': [String(closest.limit), ...policies].join(', '),
      'X-RateLimit-Remaining': String(Math.max(0, closest.limit - closest.used)),
      'X-RateLimit-Reset': String(Math.max(0, closest.resetsAt - nowSecs)),
    };
  }

  protected rateLimited(usage: WindowUsage[]): SimResponse {
    return { status: 429, headers: { ...this.usageHeaders(usage), 'content-type': 'text/plain; charset=utf-8' }, body: 'Too Many Requests' };
  }

  // ---- webhooks ------------------------------------------------------------------------------

  /** POSTs `{user_id, id, type, trace_id}` signed over timestamp + raw body with the client secret. */
  protected async deliverWebhook(target: string, event: unknown): Promise<number> {
    const given = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
    const body = JSON.stringify({
      user_id: given['user_id'] ?? 10_129,
      id: given['id'] ?? randomUUID(),
      type: given['type'] ?? 'workout.updated',
      trace_id: given['trace_id'] ?? randomUUID(),
    });
    const timestamp = String(this.now());
    const signature = createHmac('sha256', WHOOP_SIM_CLIENT.clientSecret)
      .update(timestamp + body)
      .digest('base64');
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-WHOOP-Signature': signature, 'X-WHOOP-Signature-Timestamp': timestamp },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    await response.body?.cancel();
    return response.status;
  }
}

function windowSecs(name: string): number {
  return name === 'day' ? 86_400 : 60;
}

export function createWhoopSimulator(options: SimulatorOptions): ProviderSimulator {
  return new WhoopSimulator(options);
}
