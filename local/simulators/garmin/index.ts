/**
 * The Garmin Connect Developer Program, simulated: OAuth 2.0 with PKCE (consent at
 * `/oauth2Confirm`, tokens at `/di-oauth2-service/oauth/token` with the client secret in the
 * form body, rotating refresh tokens), the Wellness API's user endpoints and its 24-hour
 * upload-window pulls, a per-app minute rate limit, and unsigned notifications.
 */
import { randomUUID } from 'node:crypto';
import * as z from '../../../shared/zod';
import {
  OAuthServer,
  SimulatorBase,
  WindowLimiter,
  form,
  controlInput,
  isFailure,
  json,
  type IssuedTokens,
  type OAuthFailure,
  type ProviderSimulator,
  type Route,
  type SimRequest,
  type SimResponse,
  type SimulatorOptions,
  type WindowUsage,
} from '../kit';
import { GarminDataStore, SUMMARY_TYPES, garminUserId, type GarminSummaryType } from './data';
import { WebhookShorthandSchema, notificationBody, postNotification } from './webhooks';

const GARMIN_SIM_CLIENT = { clientId: 'sim-garmin-client', clientSecret: 'sim-garmin-secret' };
/** Access tokens live 24 hours, refresh tokens about 90 days (not enforced here). */
const ACCESS_TTL_SECS = 86_400;
const REFRESH_TTL_SECS = 7_775_999;
/** Evaluation keys: about 100 requests per minute per app (unverified). */
const DEFAULT_MINUTE_LIMIT = 100;
/** The permissions the simulated app is configured for in its developer portal. */
const APP_PERMISSIONS = ['ACTIVITY_EXPORT', 'HEALTH_EXPORT'];
/** What Garmin's token endpoint reports as `scope` (identity-service scopes, not data permissions). */
const TOKEN_SCOPE = 'PARTNER_WRITE PARTNER_READ CONNECT_READ CONNECT_WRITE';
const MAX_RANGE_SECS = 86_400;

const REST = '/wellness-api/rest';
const PULL = new RegExp(`^${REST}/(${SUMMARY_TYPES.join('|')})$`);
const BACKFILL = new RegExp(`^${REST}/backfill/(${SUMMARY_TYPES.join('|')})$`);
/** The longest range one backfill request may ask for: 30 days of activities, 90 of the health summaries. */
const BACKFILL_MAX_SECS: Record<GarminSummaryType, number> = {
  activities: 30 * 86_400,
  sleeps: 90 * 86_400,
  dailies: 90 * 86_400,
  hrv: 90 * 86_400,
  bodyComps: 90 * 86_400,
};

/** A backfill Garmin accepted: it pushes the summaries later (here: when a test asks, /_sim/backfills). */
interface BackfillRequest {
  userId: string;
  type: GarminSummaryType;
  start: number;
  end: number;
  delivered: boolean;
}

const BackfillDeliverySchema = z.object({ target: z.url() });

const error = (status: number, message: string, headers: Record<string, string> = {}) => json(status, { errorMessage: message }, headers);

class GarminSimulator extends SimulatorBase {
  readonly name = 'garmin';
  readonly displayName = 'Garmin Connect';
  readonly data: GarminDataStore;
  private mountUrl = 'https://apis.garmin.com';
  /** Every backfill request accepted, by user, type and range (a repeat answers 409). */
  private readonly backfills = new Map<string, BackfillRequest>();
  /** Permissions a user changed after connecting (userPermissionsChange). */
  private readonly permissionChanges = new Map<string, string[]>();

  constructor(options: SimulatorOptions) {
    const oauth = new OAuthServer({
      clients: [GARMIN_SIM_CLIENT],
      accessTtlSecs: ACCESS_TTL_SECS,
      rotateRefreshTokens: true,
      requirePkce: true,
      now: options.now,
    });
    super(oauth, new WindowLimiter([{ name: 'minute', limit: DEFAULT_MINUTE_LIMIT, sizeSecs: 60 }], options.now), options.now);
    this.data = new GarminDataStore(options.now);
  }

  env(mountUrl: string): Record<string, string> {
    this.mountUrl = mountUrl;
    return {
      PIERRE_GARMIN_CLIENT_ID: GARMIN_SIM_CLIENT.clientId,
      PIERRE_GARMIN_CLIENT_SECRET: GARMIN_SIM_CLIENT.clientSecret,
      PIERRE_GARMIN_AUTH_URL: `${mountUrl}/oauth2Confirm`,
      PIERRE_GARMIN_TOKEN_URL: `${mountUrl}/di-oauth2-service/oauth/token`,
      PIERRE_GARMIN_API_BASE_URL: `${mountUrl}${REST}`,
      PIERRE_GARMIN_REVOKE_URL: `${mountUrl}${REST}/user/registration`,
    };
  }

  protected override newUserId(): string {
    return garminUserId(this.nextUserNumber());
  }

  protected routes(): Route[] {
    return [
      { method: 'GET', path: /^\/oauth2Confirm$/, handle: (r) => this.oauth2Confirm(r) },
      { method: 'POST', path: /^\/di-oauth2-service\/oauth\/token$/, handle: (r) => this.token(r) },
      { method: 'GET', path: new RegExp(`^${REST}/user/id$`), handle: (r) => this.userId(r) },
      { method: 'GET', path: new RegExp(`^${REST}/user/permissions$`), handle: (r) => this.permissions(r) },
      { method: 'DELETE', path: new RegExp(`^${REST}/user/registration$`), handle: (r) => this.deregister(r) },
      { method: 'GET', path: PULL, handle: (r, [type]) => this.pull(r, type as GarminSummaryType) },
      { method: 'GET', path: BACKFILL, handle: (r, [type]) => this.backfill(r, type as GarminSummaryType) },
    ];
  }

  // ---- OAuth ----------------------------------------------------------------------------------

  /**
   * Garmin's authorize page ignores any `scope`: it lists the permissions configured for the
   * app, each of which the user may switch off (scripted through /_sim/consent `scopes`).
   */
  private oauth2Confirm(request: SimRequest): SimResponse {
    const url = new URL(request.url);
    url.searchParams.set('scope', APP_PERMISSIONS.join(' '));
    return this.authorize({ ...request, url }, { scopeSeparator: ' ' });
  }

  private token(request: SimRequest): SimResponse {
    const params = form(request);
    const clientId = params.get('client_id');
    const badClient = this.oauth.checkClient(clientId, params.get('client_secret'));
    if (badClient) return this.oauthError(401, badClient);
    let issued: IssuedTokens | OAuthFailure;
    switch (params.get('grant_type')) {
      case 'authorization_code':
        issued = this.oauth.exchangeCode({
          clientId: clientId!,
          code: params.get('code'),
          redirectUri: params.get('redirect_uri'),
          codeVerifier: params.get('code_verifier'),
        });
        break;
      case 'refresh_token':
        issued = this.oauth.refreshTokens(clientId!, params.get('refresh_token'));
        break;
      default:
        return json(400, { error: 'unsupported_grant_type', error_description: 'grant_type must be authorization_code or refresh_token' });
    }
    if (isFailure(issued)) return this.oauthError(400, issued);
    return json(200, {
      access_token: issued.accessToken,
      expires_in: Math.max(0, issued.expiresAt - Math.floor(this.now() / 1000) - 1),
      token_type: 'bearer',
      refresh_token: issued.refreshToken,
      scope: TOKEN_SCOPE,
      jti: randomUUID(),
      refresh_token_expires_in: REFRESH_TTL_SECS,
    });
  }

  private oauthError(status: number, failure: OAuthFailure): SimResponse {
    return json(status, { error: failure.error, error_description: failure.description });
  }

  // ---- Wellness API -----------------------------------------------------------------------------

  private grantedPermissions(grant: IssuedTokens): string[] {
    return this.permissionChanges.get(grant.userId) ?? grant.scopes;
  }

  private async userId(request: SimRequest): Promise<SimResponse> {
    const guarded = await this.guard(request);
    if ('response' in guarded) return guarded.response;
    return json(200, { userId: guarded.grant.userId }, guarded.headers);
  }

  private async permissions(request: SimRequest): Promise<SimResponse> {
    const guarded = await this.guard(request);
    if ('response' in guarded) return guarded.response;
    return json(200, this.grantedPermissions(guarded.grant), guarded.headers);
  }

  /** Deregistration: every token of the user for this app stops working; 204. */
  private async deregister(request: SimRequest): Promise<SimResponse> {
    const guarded = await this.guard(request);
    if ('response' in guarded) return guarded.response;
    this.oauth.revokeUser(guarded.grant.userId);
    return { status: 204, headers: guarded.headers };
  }

  /** A pull: summaries uploaded in [uploadStartTimeInSeconds, uploadEndTimeInSeconds), at most 24 hours. */
  private async pull(request: SimRequest, type: GarminSummaryType): Promise<SimResponse> {
    const guarded = await this.guard(request);
    if ('response' in guarded) return guarded.response;
    const query = request.url.searchParams;
    const start = query.get('uploadStartTimeInSeconds');
    const end = query.get('uploadEndTimeInSeconds');
    if (start === null || end === null || !/^\d+$/.test(start) || !/^\d+$/.test(end)) {
      return error(400, 'uploadStartTimeInSeconds and uploadEndTimeInSeconds are required (epoch seconds)');
    }
    const from = Number(start);
    const to = Number(end);
    if (to <= from) return error(400, 'uploadEndTimeInSeconds must be after uploadStartTimeInSeconds');
    if (to - from > MAX_RANGE_SECS) return error(400, `timestamp range of ${MAX_RANGE_SECS} seconds exceeded`);
    const needs = type === 'activities' ? 'ACTIVITY_EXPORT' : 'HEALTH_EXPORT';
    // A permission the user switched off: that summary type is simply not shared (assumed).
    if (!this.grantedPermissions(guarded.grant).includes(needs)) return json(200, [], guarded.headers);
    return json(200, this.data.uploadedBetween(guarded.grant.userId, type, from, to), guarded.headers);
  }

  /**
   * A backfill request: summaries whose own time is in [summaryStartTimeInSeconds,
   * summaryEndTimeInSeconds), sent later by push; 202 at once, 409 for a request already made.
   */
  private async backfill(request: SimRequest, type: GarminSummaryType): Promise<SimResponse> {
    const guarded = await this.guard(request);
    if ('response' in guarded) return guarded.response;
    const query = request.url.searchParams;
    const start = query.get('summaryStartTimeInSeconds');
    const end = query.get('summaryEndTimeInSeconds');
    if (start === null || end === null || !/^\d+$/.test(start) || !/^\d+$/.test(end)) {
      return error(400, 'summaryStartTimeInSeconds and summaryEndTimeInSeconds are required (epoch seconds)');
    }
    const from = Number(start);
    const to = Number(end);
    if (to <= from) return error(400, 'summaryEndTimeInSeconds must be after summaryStartTimeInSeconds');
    if (to - from > BACKFILL_MAX_SECS[type]) return error(400, `timestamp range of ${BACKFILL_MAX_SECS[type]} seconds exceeded`);
    const key = JSON.stringify([guarded.grant.userId, type, from, to]);
    if (this.backfills.has(key)) return error(409, 'Duplicate backfill detected', guarded.headers);
    this.backfills.set(key, { userId: guarded.grant.userId, type, start: from, end: to, delivered: false });
    return { status: 202, headers: guarded.headers };
  }

  /** `GET /_sim/backfills`: the requests made; `POST /_sim/backfills {target}`: push what each undelivered one covers to `target`. */
  protected override async extraControl(request: SimRequest, action: string, body: unknown): Promise<SimResponse | undefined> {
    if (action !== 'backfills') return undefined;
    if (request.method === 'GET') return json(200, [...this.backfills.values()]);
    if (request.method !== 'POST') return undefined;
    const { target } = controlInput(BackfillDeliverySchema, body);
    const host = new URL(target).hostname;
    if (host !== '127.0.0.1' && host !== 'localhost') return json(400, { message: 'pushes go to loopback only' });
    const pushes: { type: GarminSummaryType; summaries: number; status: number }[] = [];
    for (const backfill of this.backfills.values()) {
      if (backfill.delivered) continue;
      backfill.delivered = true;
      const summaries = this.data.summariesBetween(backfill.userId, backfill.type, backfill.start, backfill.end);
      if (summaries.length === 0) continue;
      pushes.push({ type: backfill.type, summaries: summaries.length, status: await postNotification(target, { [backfill.type]: summaries }) });
    }
    return json(200, { pushes });
  }

  // ---- rate limits, errors, notifications -----------------------------------------------------

  protected rateLimited(usage: WindowUsage[]): SimResponse {
    const nowSecs = Math.floor(this.now() / 1000);
    const resetsAt = Math.max(...usage.map((w) => w.resetsAt));
    return error(429, 'Rate limit exceeded', { 'retry-after': String(Math.max(1, resetsAt - nowSecs)) });
  }

  /** Garmin documents no rate-limit usage headers. */
  protected usageHeaders(): Record<string, string> {
    return {};
  }

  protected override unauthorized(): SimResponse {
    return error(401, 'Unauthorized: the access token is invalid, expired or revoked');
  }

  protected async deliverWebhook(target: string, event: unknown): Promise<number> {
    const shorthand = WebhookShorthandSchema.safeParse(event);
    if (!shorthand.success) return postNotification(target, event);
    const body = notificationBody(shorthand.data, { apiBaseUrl: `${this.mountUrl}${REST}`, data: this.data, nowMs: this.now() });
    if (shorthand.data.type === 'deregistration') this.oauth.revokeUser(shorthand.data.user_id);
    if (shorthand.data.type === 'permissions') this.permissionChanges.set(shorthand.data.user_id, shorthand.data.permissions);
    return postNotification(target, body);
  }
}

export function createGarminSimulator(options: SimulatorOptions): ProviderSimulator {
  return new GarminSimulator(options);
}
