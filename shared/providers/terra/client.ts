/**
 * The Terra client. Terra is an aggregator reached with an API key (`dev-id` + `x-api-key`
 * headers on every request), not OAuth: a user connects through a Terra widget session, which
 * redirects back to our callback with the Terra `user_id`; that id is the whole "credential"
 * of the connection (there is no user token, no expiry and no refresh).
 */
import type * as z from '../../zod';
import { ProviderError, type Activity, type Athlete, type HealthMetrics, type SleepSession } from '../../models';
import { BaseProvider } from '../base';
import type {
  ActivityQuery,
  AuthorizationRequest,
  CodeExchange,
  DateRange,
  ProviderConfig,
  ProviderDeps,
  ProviderSession,
  TokenSet,
  WebhookRequest,
  WebhookResult,
} from '../spi';
import { TERRA_DESCRIPTOR } from './descriptor';
import { activityFromTerra, athleteFromTerra, healthFromTerra, sleepFromTerra } from './mapping';
import { terraRateLimitHint, terraRateLimitUsage } from './rate-limit';
import { checkReferenceId, referenceIdFor } from './reference';
import { terraWebhook, terraWebhookSecret } from './webhook';
import {
  ActivityResponseSchema,
  AthleteResponseSchema,
  BodyResponseSchema,
  DailyResponseSchema,
  DeauthResponseSchema,
  SleepResponseSchema,
  UserInfoResponseSchema,
  WidgetSessionResponseSchema,
  type TerraBody,
  type TerraDaily,
} from './schemas';
import { backwardWindows, DAY_MS, forwardWindows, HORIZON_DAYS, windowParams, type TimeWindow } from './windows';

/** Optional `PIERRE_TERRA_LANGUAGE` (widget language, default `en`). */
const LANGUAGE_SETTING = 'LANGUAGE';
/** Optional `PIERRE_TERRA_PROVIDERS`: comma-separated sources the widget offers (e.g. `GARMIN,OURA`). */
const PROVIDERS_SETTING = 'PROVIDERS';
/** How many activities stats and personal records look at, newest first. */
const DERIVE_MAX_ACTIVITIES = 1_000;
/** Terra may file a workout under its end date: each activity request reaches one day further. */
const ACTIVITY_MARGIN_MS = DAY_MS;

type DataEndpoint = 'activity' | 'sleep' | 'body' | 'daily';

export class TerraProvider extends BaseProvider {
  constructor(config: ProviderConfig, deps: ProviderDeps) {
    super(TERRA_DESCRIPTOR, config, deps, { rateLimitHint: terraRateLimitHint, rateLimitUsage: terraRateLimitUsage });
  }

  async handleWebhook(request: WebhookRequest): Promise<WebhookResult> {
    return terraWebhook(request, terraWebhookSecret(this.config), this.deps.now());
  }

  // ---- connection ---------------------------------------------------------------------------

  /** Creates a widget session and returns its URL: the page where the user picks a source and logs in. */
  override async authorizationUrl(request: AuthorizationRequest): Promise<string> {
    if (!this.config.authUrl) throw new Error('terra has no widget-session URL configured');
    const referenceId = referenceIdFor(this.apiKey(), request.state, request);
    const body: Record<string, string> = {
      reference_id: referenceId,
      auth_success_redirect_url: withQuery(request.redirectUri, { state: request.state }),
      // The failure page lands on our callback too, marked so it is refused as not granted.
      auth_failure_redirect_url: withQuery(request.redirectUri, { state: request.state, error: 'access_denied' }),
      language: this.config.settings[LANGUAGE_SETTING]?.trim() || 'en',
    };
    const providers = this.config.settings[PROVIDERS_SETTING]?.trim();
    if (providers) body['providers'] = providers;
    const { data } = await this.http.request({
      url: this.config.authUrl,
      method: 'POST',
      headers: this.apiHeaders(),
      json: body,
      schema: WidgetSessionResponseSchema,
      onStatus: (status) => this.credentialError(status) ?? (status === 410 ? this.retiredWidgetEndpoint() : undefined),
    });
    return data.url;
  }

  /** Terra answers 410 on `generateWidgetSession` (deprecated 2026-11-03) for newer accounts. */
  private retiredWidgetEndpoint(): ProviderError {
    return new ProviderError({
      kind: 'api_error',
      provider: this.name,
      status: 410,
      retryable: false,
      message: `terra retired the widget-session endpoint at PIERRE_TERRA_AUTH_URL; set it to ${TERRA_DESCRIPTOR.widgetEndpoints.sessionUrl} (or unset it for the default)`,
    });
  }

  /**
   * The widget's redirect carries `user_id`, `resource` and `reference_id`. Query parameters
   * come from the browser, so they are checked: the reference id must be the one issued for
   * this state, and Terra itself must know the user under that same reference id.
   */
  override async exchangeCode(exchange: CodeExchange): Promise<TokenSet> {
    const { query } = exchange;
    const terraUserId = query['user_id']?.trim();
    if (!terraUserId || terraUserId === 'null') {
      throw this.connectFailed('the widget redirect carries no Terra user id');
    }
    const state = query['state'] ?? '';
    if (!checkReferenceId(this.apiKey(), state, query['reference_id'])) {
      throw this.connectFailed('the widget redirect carries a reference id that was not issued for this connection');
    }
    const { data } = await this.http.request({
      url: this.apiUrl('userInfo', { user_id: terraUserId }),
      headers: this.apiHeaders(),
      schema: UserInfoResponseSchema,
      onStatus: (status) =>
        this.credentialError(status) ?? (status === 400 || status === 404 ? this.connectFailed('Terra does not know the user the widget returned') : undefined),
    });
    const user = data.user;
    if (user.user_id !== terraUserId || user.reference_id !== query['reference_id'] || data.is_authenticated === false || user.active === false) {
      throw this.connectFailed('Terra holds the returned user under another reference, or not as authenticated');
    }
    return { accessToken: terraUserId, refreshToken: undefined, expiresAt: undefined, scopes: [], providerUserId: terraUserId };
  }

  /** Access is by API key: a connection has no refresh token and never expires. */
  override refreshToken(): Promise<TokenSet> {
    return Promise.reject(
      new ProviderError({ kind: 'token_refresh_failed', provider: this.name, message: 'terra connections have no refresh token; connect again' }),
    );
  }

  /** Deauthenticates the Terra user (Terra deletes its records and revokes its access). */
  override async revokeToken(session: ProviderSession): Promise<void> {
    if (!this.config.revokeUrl) return;
    const url = new URL(this.config.revokeUrl);
    url.searchParams.set('user_id', this.terraUserId(session));
    try {
      await this.http.request({
        url,
        method: 'DELETE',
        headers: this.apiHeaders(),
        schema: DeauthResponseSchema,
        onStatus: (status) => this.credentialError(status),
      });
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'not_found') return; // already gone
      throw error;
    }
  }

  // ---- data -----------------------------------------------------------------------------------

  async getAthlete(session: ProviderSession): Promise<Athlete> {
    const userId = this.terraUserId(session);
    const { data } = await this.http.request({
      url: this.apiUrl('athlete', { user_id: userId, to_webhook: 'false' }),
      headers: this.apiHeaders(),
      schema: AthleteResponseSchema,
      onStatus: (status) => this.dataError(status),
    });
    return this.mapped(() => athleteFromTerra(data.user ?? { user_id: userId }, data.athlete, this.name));
  }

  /** Newest first; `before` / `after` are exclusive bounds on the start time. */
  async getActivities(session: ProviderSession, query: ActivityQuery): Promise<Activity[]> {
    const offset = Math.max(0, Math.floor(query.offset));
    const limit = Math.max(0, Math.floor(query.limit));
    if (limit === 0) return [];
    const found = await this.scanActivities(session, {
      beforeMs: query.before?.getTime(),
      afterMs: query.after?.getTime(),
      need: offset + limit,
    });
    return found.slice(offset, offset + limit);
  }

  /** Terra has no activity-by-id endpoint: the windows of the horizon are searched, newest first. */
  async getActivity(session: ProviderSession, id: string): Promise<Activity> {
    const found = await this.scanActivities(session, { need: Number.POSITIVE_INFINITY, stopAt: id });
    const activity = found.find((a) => a.id === id);
    if (activity) return activity;
    throw new ProviderError({
      kind: 'not_found',
      provider: this.name,
      status: 404,
      message: `No terra activity '${id.slice(0, 64)}' in the last ${HORIZON_DAYS} days`,
    });
  }

  /** One backwards scan instead of the base class's repeated offset pages. */
  override recentActivities(session: ProviderSession): Promise<Activity[]> {
    return this.scanActivities(session, { need: DERIVE_MAX_ACTIVITIES });
  }

  /** Sessions that ended within the range, oldest first. */
  override async getSleepSessions(session: ProviderSession, range: DateRange): Promise<SleepSession[]> {
    const userId = this.terraUserId(session);
    const startMs = range.start.getTime();
    const endMs = range.end.getTime();
    const byId = new Map<string, SleepSession>();
    // A night that ends in the range may start the day before it.
    for (const window of forwardWindows(startMs - DAY_MS, endMs)) {
      const { data } = await this.fetchData('sleep', userId, window, SleepResponseSchema);
      for (const raw of data) {
        const sleep = this.mapped(() => sleepFromTerra(raw, this.name));
        const ended = Date.parse(sleep.end_date);
        if (ended >= startMs && ended <= endMs) byId.set(sleep.id, sleep);
      }
    }
    return [...byId.values()].sort((a, b) => a.start_date.localeCompare(b.start_date));
  }

  /** One record per day of the range (the user's local calendar days), oldest first. */
  override async getHealthMetrics(session: ProviderSession, range: DateRange): Promise<HealthMetrics[]> {
    const userId = this.terraUserId(session);
    const first = range.start.toISOString().slice(0, 10);
    const last = range.end.toISOString().slice(0, 10);
    const daily: TerraDaily[] = [];
    const body: TerraBody[] = [];
    // Local days can be up to 14 hours off UTC: ask a day wider on both sides, then keep the range.
    for (const window of forwardWindows(range.start.getTime() - DAY_MS, range.end.getTime() + DAY_MS)) {
      const [d, b] = await Promise.all([
        this.fetchData('daily', userId, window, DailyResponseSchema),
        this.fetchData('body', userId, window, BodyResponseSchema),
      ]);
      daily.push(...d.data);
      body.push(...b.data);
    }
    return this.mapped(() => healthFromTerra(daily, body, this.name)).filter((h) => h.date >= first && h.date <= last);
  }

  // ---- plumbing -------------------------------------------------------------------------------

  /**
   * Activities started in (after, before), newest first, walking windows back from `before`
   * (or now) to the horizon; stops once `need` are found or `stopAt` (an id) is seen.
   */
  private async scanActivities(
    session: ProviderSession,
    options: { beforeMs?: number | undefined; afterMs?: number | undefined; need: number; stopAt?: string },
  ): Promise<Activity[]> {
    const userId = this.terraUserId(session);
    const endMs = options.beforeMs ?? this.deps.now();
    const floorMs = Math.max(options.afterMs ?? Number.NEGATIVE_INFINITY, endMs - HORIZON_DAYS * DAY_MS);
    const seen = new Set<string>();
    const out: Activity[] = [];
    for (const window of backwardWindows(endMs, floorMs)) {
      const { data } = await this.fetchData('activity', userId, window, ActivityResponseSchema, ACTIVITY_MARGIN_MS);
      const inWindow = data
        .map((raw) => this.mapped(() => activityFromTerra(raw, this.name)))
        .filter((a) => {
          const started = Date.parse(a.start_date);
          const keep = started >= window.start && started < window.end && started > (options.afterMs ?? Number.NEGATIVE_INFINITY);
          if (!keep || seen.has(a.id)) return false;
          seen.add(a.id);
          return true;
        })
        .sort((a, b) => Date.parse(b.start_date) - Date.parse(a.start_date));
      out.push(...inWindow);
      if (options.stopAt !== undefined && inWindow.some((a) => a.id === options.stopAt)) break;
      if (out.length >= options.need) break;
    }
    return out;
  }

  private async fetchData<T>(endpoint: DataEndpoint, userId: string, window: TimeWindow, schema: z.ZodMiniType<T>, endMarginMs = 0): Promise<T> {
    const params = windowParams({ start: window.start, end: window.end + endMarginMs });
    const { data } = await this.http.request({
      url: this.apiUrl(endpoint, { user_id: userId, ...params, to_webhook: 'false' }),
      headers: this.apiHeaders(),
      schema,
      onStatus: (status) => this.dataError(status),
    });
    return data;
  }

  private apiHeaders(): Record<string, string> {
    return { 'dev-id': this.config.clientId ?? '', 'x-api-key': this.apiKey() };
  }

  private apiKey(): string {
    return this.config.clientSecret ?? '';
  }

  private terraUserId(session: ProviderSession): string {
    const id = session.providerUserId || session.accessToken;
    if (!id) throw new ProviderError({ kind: 'auth_failed', provider: this.name, message: 'the terra connection has no Terra user id; connect again' });
    return id;
  }

  /** 401/403 mean our API key is wrong: an operator problem, not the user's connection. */
  private credentialError(status: number): ProviderError | undefined {
    if (status !== 401 && status !== 403) return undefined;
    return new ProviderError({
      kind: 'api_error',
      provider: this.name,
      status,
      retryable: false,
      message: 'terra rejected the API credentials (dev-id / x-api-key); check PIERRE_TERRA_CLIENT_ID and PIERRE_TERRA_CLIENT_SECRET',
    });
  }

  /** On data endpoints a 404 means Terra no longer knows the user (deauthenticated or revoked). */
  private dataError(status: number): ProviderError | undefined {
    if (status === 404) {
      return new ProviderError({ kind: 'auth_failed', provider: this.name, status, message: 'terra no longer knows this user; connect again' });
    }
    return this.credentialError(status);
  }

  private connectFailed(reason: string): ProviderError {
    return new ProviderError({ kind: 'auth_failed', provider: this.name, message: `terra connection not completed: ${reason}` });
  }

  /** Mapping failures (values the unified model refuses) are the provider's bad data, never a crash. */
  private mapped<T>(map: () => T): T {
    try {
      return map();
    } catch (error) {
      if (error instanceof ProviderError) throw error;
      throw new ProviderError({ kind: 'invalid_data', provider: this.name, message: 'terra returned data that does not fit the unified model' });
    }
  }
}

function withQuery(base: string, params: Record<string, string>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

export default TerraProvider;
