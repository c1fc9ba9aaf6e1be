/**
 * The COROS client. Its API differs from plain OAuth 2.0 in three ways: the token travels as a
 * `token` query parameter next to the user's `openId`, failures are `result` codes inside HTTP
 * 200 envelopes, and refreshing extends the current tokens instead of issuing new ones.
 */
import type * as z from '../../zod';
import { ProviderError, type Activity, type Athlete } from '../../models';
import { BaseProvider } from '../base';
import { clientAuth } from '../oauth2';
import type { ActivityQuery, CodeExchange, ProviderConfig, ProviderDeps, ProviderSession, TokenSet, WebhookRequest, WebhookResult } from '../spi';
import { COROS_OK, errorForResult, safeCode } from './codes';
import { COROS_DESCRIPTOR } from './descriptor';
import { activityFromWorkout, athleteFromUser } from './mapping';
import { inWindow, planWindows, type CorosWindow, type WindowQuery } from './pagination';
import { CorosEnvelopeSchema, CorosTokenResponseSchema, CorosUserSchema, CorosWorkoutListSchema, type CorosTokenResponse, type CorosWorkout } from './schemas';
import { resolveCorosSettings, type CorosSettings } from './settings';
import { decodeRefreshHandle, encodeRefreshHandle } from './tokens';
import { corosWebhook } from './webhook';

/** Access-token life COROS documents to partners (public integrations: 30 days). */
const COROS_TOKEN_TTL_SECS = 2_592_000;

const TRANSIENT_TOKEN_RESULTS: ReadonlySet<string> = new Set(['5016']);
const LABEL_ID = /^\d{1,24}$/;

export class CorosProvider extends BaseProvider {
  readonly settings: CorosSettings;

  constructor(config: ProviderConfig, deps: ProviderDeps) {
    super(COROS_DESCRIPTOR, config, deps);
    this.settings = resolveCorosSettings(config);
  }

  async handleWebhook(request: WebhookRequest): Promise<WebhookResult> {
    return corosWebhook(request, { clientId: this.config.clientId, clientSecret: this.config.clientSecret });
  }

  // ---- connection -----------------------------------------------------------------------------

  override async exchangeCode(exchange: CodeExchange): Promise<TokenSet> {
    const code = exchange.query['code'];
    if (!code) throw this.failure('auth_failed', 'the callback carries no authorization code');
    const raw = await this.tokenRequest(this.config.tokenUrl, { grant_type: 'authorization_code', code, redirect_uri: exchange.redirectUri }, 'auth_failed');
    if (!raw.access_token) throw this.refusal(raw, 'auth_failed');
    if (!raw.openId) {
      throw new ProviderError({ kind: 'invalid_data', provider: this.name, message: `${this.name} returned a token without the user's openId` });
    }
    return {
      accessToken: raw.access_token,
      refreshToken: raw.refresh_token && encodeRefreshHandle({ refreshToken: raw.refresh_token, accessToken: raw.access_token }),
      expiresAt: raw.expires_in !== undefined ? this.nowSecs() + Math.floor(raw.expires_in) : undefined,
      scopes: [],
      providerUserId: raw.openId,
    };
  }

  /** `POST /oauth2/refresh-token`; COROS answers OK and keeps the tokens (30 more days). */
  override async refreshToken(stored: string): Promise<TokenSet> {
    const { refreshToken, accessToken } = decodeRefreshHandle(stored);
    const raw = await this.tokenRequest(this.settings.refreshUrl, { grant_type: 'refresh_token', refresh_token: refreshToken }, 'token_refresh_failed');
    const ok = raw.access_token !== undefined || raw.result === COROS_OK || (raw.result === undefined && raw.message?.toUpperCase() === 'OK');
    if (!ok) throw this.refusal(raw, 'token_refresh_failed');
    const access = raw.access_token ?? accessToken;
    if (!access) throw this.failure('token_refresh_failed', 'the stored connection cannot be renewed; connect again');
    const refresh = raw.refresh_token ?? refreshToken;
    return {
      accessToken: access,
      refreshToken: encodeRefreshHandle({ refreshToken: refresh, accessToken: access }),
      expiresAt: this.nowSecs() + Math.floor(raw.expires_in ?? COROS_TOKEN_TTL_SECS),
      scopes: [],
      providerUserId: raw.openId,
    };
  }

  /** `POST /oauth2/deauthorize` with the access token. */
  override async revokeToken(session: ProviderSession): Promise<void> {
    const data = await this.revokeRequest(session, CorosEnvelopeSchema);
    if (data && data.result !== COROS_OK) throw errorForResult(this.name, data.result);
  }

  // ---- data -------------------------------------------------------------------------------------

  async getAthlete(session: ProviderSession): Promise<Athlete> {
    if (!this.settings.userUrl) return athleteFromUser(this.name, this.openIdOf(session));
    // Public integrations call this endpoint with a bearer token, unlike the data endpoints.
    const user = await this.call(new URL(this.settings.userUrl), CorosUserSchema, this.bearer(session.accessToken));
    return athleteFromUser(this.name, user.openId, user);
  }

  async getActivities(session: ProviderSession, query: ActivityQuery): Promise<Activity[]> {
    const wanted = query.offset + query.limit;
    const found: Activity[] = [];
    for (const window of planWindows(this.windowQuery(query))) {
      found.push(...(await this.windowActivities(session, window, query)));
      if (found.length >= wanted) break;
    }
    return found.slice(query.offset, wanted);
  }

  async getActivity(session: ProviderSession, id: string): Promise<Activity> {
    if (LABEL_ID.test(id)) {
      for (const window of planWindows(this.windowQuery({}))) {
        const match = (await this.listWorkouts(session, window)).find((w) => w.labelId === id && inWindow(window, w.startTime, {}));
        if (match) return activityFromWorkout(this.name, match);
      }
    }
    throw new ProviderError({ kind: 'not_found', provider: this.name, message: `${this.name} has no workout '${id.slice(0, 64)}'` });
  }

  // ---- helpers ------------------------------------------------------------------------------------

  private nowSecs(): number {
    return Math.floor(this.deps.now() / 1000);
  }

  private windowQuery(q: Pick<ActivityQuery, 'before' | 'after'>): WindowQuery {
    return { nowMs: this.deps.now(), before: q.before, after: q.after, windowDays: this.settings.windowDays, historyDays: this.settings.historyDays };
  }

  /** The window's workouts within the query's bounds, newest first, each once. */
  private async windowActivities(session: ProviderSession, window: CorosWindow, query: ActivityQuery): Promise<Activity[]> {
    const seen = new Set<string>();
    return (await this.listWorkouts(session, window))
      .filter((w) => inWindow(window, w.startTime, query) && !seen.has(w.labelId) && seen.add(w.labelId))
      .sort((a, b) => b.startTime - a.startTime || (a.labelId < b.labelId ? 1 : a.labelId > b.labelId ? -1 : 0))
      .map((w) => activityFromWorkout(this.name, w));
  }

  private listWorkouts(session: ProviderSession, window: CorosWindow): Promise<CorosWorkout[]> {
    const url = new URL(this.settings.workoutsUrl);
    url.searchParams.set('token', session.accessToken);
    url.searchParams.set('openId', this.openIdOf(session));
    url.searchParams.set('startDate', window.startDate);
    url.searchParams.set('endDate', window.endDate);
    return this.call(url, CorosWorkoutListSchema);
  }

  private openIdOf(session: ProviderSession): string {
    if (!session.providerUserId) {
      throw new ProviderError({ kind: 'auth_failed', provider: this.name, message: `the ${this.name} connection has no openId; connect again` });
    }
    return session.providerUserId;
  }

  /** A GET whose envelope must say "0000" and whose `data` must match `schema`. */
  private async call<T>(url: URL, schema: z.ZodMiniType<T>, headers: Record<string, string> = {}): Promise<T> {
    const { data: envelope, status } = await this.http.request({ url, headers, schema: CorosEnvelopeSchema });
    if (envelope.result !== COROS_OK) throw errorForResult(this.name, envelope.result);
    const parsed = schema.safeParse(envelope.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` at 'data.${issue.path.join('.')}'` : ` at 'data'`;
      throw new ProviderError({
        kind: 'invalid_data',
        provider: this.name,
        status,
        message: `${this.name} returned data of an unexpected shape${where}: ${issue?.message ?? 'invalid'}`,
      });
    }
    return parsed.data;
  }

  /** Posts a form to a COROS OAuth endpoint; refusals (any HTTP 4xx, any result code) become `failureKind`. */
  private async tokenRequest(
    url: string | undefined,
    form: Record<string, string>,
    failureKind: 'auth_failed' | 'token_refresh_failed',
  ): Promise<CorosTokenResponse> {
    if (!url) throw new Error(`${this.name} has no token URL configured`);
    const auth = clientAuth(this.descriptor, this.config);
    const { data } = await this.http.request({
      url,
      method: 'POST',
      headers: auth.headers,
      form: { ...auth.form, ...form },
      schema: CorosTokenResponseSchema,
      onStatus: (status) => (status >= 400 && status < 500 && status !== 429 ? this.failure(failureKind, `HTTP ${status}`, status) : undefined),
    });
    if (data.result !== undefined && data.result !== COROS_OK && !data.access_token) {
      throw TRANSIENT_TOKEN_RESULTS.has(data.result) ? errorForResult(this.name, data.result) : this.refusal(data, failureKind);
    }
    return data;
  }

  private refusal(raw: CorosTokenResponse, kind: 'auth_failed' | 'token_refresh_failed'): ProviderError {
    const code = raw.result ?? raw.error;
    if (code === undefined) {
      return new ProviderError({ kind: 'invalid_data', provider: this.name, message: `${this.name} answered the token request without a token` });
    }
    return this.failure(kind, `result ${safeCode(code)}`);
  }

  private failure(kind: 'auth_failed' | 'token_refresh_failed', detail: string, status?: number): ProviderError {
    const what = kind === 'auth_failed' ? 'refused the authorization' : 'refused to refresh the connection';
    return new ProviderError({ kind, provider: this.name, ...(status !== undefined && { status }), message: `${this.name} ${what} (${detail})` });
  }
}

export default CorosProvider;
