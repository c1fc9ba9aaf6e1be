/**
 * Default behaviour for providers: OAuth 2.0 from the descriptor, "unsupported" answers for
 * capabilities the provider lacks, and stats / records derived from activities. A provider
 * overrides only what it does differently.
 */
import {
  ProviderError,
  type Activity,
  type Athlete,
  type HealthMetrics,
  type PersonalRecord,
  type RecoveryMetrics,
  type SleepSession,
  type Stats,
} from '../models';
import { personalRecordsFromActivities, statsFromActivities } from './derive';
import { ProviderHttp, type ProviderHttpOptions } from './http';
import { nextWindowHint, xRateLimitUsage } from './rate-limit';
import { timeoutSetting } from './settings';
import { buildAuthorizationUrl, clientAuth, parseScopes, requestToken, tokenAnswerField, tokenSetFrom, type TokenResponse } from './oauth2';
import {
  parseDescriptor,
  type ActivityQuery,
  type AuthorizationRequest,
  type CodeExchange,
  type DateRange,
  type DerivedResource,
  type FitnessProvider,
  type ProviderConfig,
  type ProviderDeps,
  type ProviderDescriptor,
  type ProviderDescriptorInput,
  type ProviderSession,
  type StoredGrant,
  type TokenSet,
} from './spi';
import * as z from '../zod';

/** How many activities the derived stats and records look at, newest first. */
const DERIVE_MAX_ACTIVITIES = 1_000;

export abstract class BaseProvider implements FitnessProvider {
  readonly descriptor: ProviderDescriptor;
  readonly retiredConnection?: (grant: StoredGrant) => string | undefined;
  protected readonly http: ProviderHttp;
  /** Page size used to read activities for derived stats and records: the provider's largest page. */
  protected readonly derivePageSize: number = 100;

  constructor(
    descriptor: ProviderDescriptorInput,
    readonly config: ProviderConfig,
    protected readonly deps: ProviderDeps,
    httpOptions: Partial<Omit<ProviderHttpOptions, 'provider' | 'deps'>> = {},
  ) {
    this.descriptor = parseDescriptor(descriptor);
    if (this.descriptor.retiredConnection) this.retiredConnection = this.descriptor.retiredConnection;
    const timeoutMs = timeoutSetting(this.descriptor.name, config.settings) ?? httpOptions.timeoutMs;
    const headers = this.descriptor.rateLimitHeaders;
    const declared = headers ? { rateLimitHint: nextWindowHint(headers), rateLimitUsage: xRateLimitUsage(this.descriptor.name, headers) } : {};
    this.http = new ProviderHttp({ provider: this.descriptor.name, deps, ...declared, ...httpOptions, timeoutMs });
  }

  protected get name(): string {
    return this.descriptor.name;
  }

  /** `<API base URL>/<path>?<query>`; query values that are undefined are left out. */
  protected apiUrl(path: string, query: Record<string, string | number | undefined> | URLSearchParams = {}): URL {
    const url = new URL(`${this.config.apiBaseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
    const entries = query instanceof URLSearchParams ? [...query] : Object.entries(query);
    for (const [key, value] of entries) if (value !== undefined) url.searchParams.append(key, String(value));
    return url;
  }

  protected bearer(accessToken: string): Record<string, string> {
    return { authorization: `Bearer ${accessToken}` };
  }

  protected unsupported(feature: string): Promise<never> {
    return Promise.reject(ProviderError.unsupported(this.name, feature));
  }

  // ---- connection -------------------------------------------------------------------------

  async authorizationUrl(request: AuthorizationRequest): Promise<string> {
    return buildAuthorizationUrl(this.descriptor, this.config, request);
  }

  /** The code exchange as the descriptor's `oauthParams` describe it. */
  async exchangeCode(exchange: CodeExchange): Promise<TokenSet> {
    const code = exchange.query['code'];
    if (!code) {
      throw new ProviderError({ kind: 'auth_failed', provider: this.name, message: 'the callback carries no authorization code' });
    }
    const form: Record<string, string> = { grant_type: 'authorization_code', code };
    if (this.descriptor.oauthParams.exchangeRedirectUri) form['redirect_uri'] = exchange.redirectUri;
    if (exchange.codeVerifier) form['code_verifier'] = exchange.codeVerifier;
    const raw = await requestToken(this.http, this.descriptor, this.config, form, 'auth_failed');
    const tokens = this.toTokenSet(raw, exchange.query);
    const [providerUserId, more] = await Promise.all([this.identityAfterExchange(tokens.accessToken), this.afterExchange(tokens)]);
    return { ...tokens, ...(providerUserId !== undefined && { providerUserId }), ...more };
  }

  /** What a provider reads of the new grant besides its user id (Garmin: the permissions granted). */
  protected async afterExchange(_tokens: TokenSet): Promise<Partial<TokenSet>> {
    return {};
  }

  /** Maps statuses of the identity read before the generic mapping (Google's error bodies). */
  protected identityStatus(): ((status: number, body: string, headers: Headers) => ProviderError | undefined) | undefined {
    return undefined;
  }

  private async identityAfterExchange(accessToken: string): Promise<string | undefined> {
    const identity = this.descriptor.oauthParams.identity;
    if (!identity) return undefined;
    try {
      return await this.readProviderUserId(accessToken);
    } catch (error) {
      if (identity.optional && error instanceof ProviderError) return undefined;
      throw error;
    }
  }

  /** The user id at the descriptor's `identity` endpoint. */
  protected async readProviderUserId(accessToken: string): Promise<string> {
    const identity = this.descriptor.oauthParams.identity;
    if (!identity) throw new Error(`${this.name} describes no identity endpoint`);
    const pattern = identity.idPattern === undefined ? undefined : new RegExp(identity.idPattern);
    const schema = z.unknown().check(
      z.refine((answer) => {
        const id = tokenAnswerField(answer, identity.idField);
        return id !== undefined && id !== '' && (!pattern || pattern.test(id));
      }, `expected the user id at '${identity.idField}'`),
    );
    const { data } = await this.http.request({ url: this.apiUrl(identity.path), headers: this.bearer(accessToken), schema, onStatus: this.identityStatus() });
    return tokenAnswerField(data, identity.idField)!;
  }

  async refreshToken(refreshToken: string): Promise<TokenSet> {
    const raw = await requestToken(
      this.http,
      this.descriptor,
      this.config,
      { grant_type: 'refresh_token', refresh_token: refreshToken, ...this.descriptor.oauthParams.refreshParams },
      'token_refresh_failed',
    );
    return this.toTokenSet(raw, {});
  }

  /** The token answer as a TokenSet: scopes and the user id where the descriptor says they are. */
  protected toTokenSet(raw: TokenResponse, callbackQuery: Readonly<Record<string, string>>): TokenSet {
    const { tokenScopes, tokenUserIdPath } = this.descriptor.oauthParams;
    const tokens = tokenSetFrom(raw, this.deps.now(), parseScopes(callbackQuery['scope']));
    if (!tokenScopes) tokens.scopes = [];
    if (tokenUserIdPath) tokens.providerUserId = tokenAnswerField(raw, tokenUserIdPath);
    return tokens;
  }

  /** Revokes at `revokeUrl` in the descriptor's `revokeStyle`; nothing to do without one. */
  async revokeToken(session: ProviderSession): Promise<void> {
    await this.revokeRequest(session);
  }

  /** How to revoke: the descriptor's revoke parameters (a provider whose style is a setting picks them by it). */
  protected revokeParams(): Pick<ProviderDescriptor['oauthParams'], 'revokeStyle' | 'revokeTokenField' | 'revokeClientAuth'> {
    return this.descriptor.oauthParams;
  }

  /** The revoke request's answer (a provider with its own success envelope reads it). */
  protected async revokeRequest<T>(session: ProviderSession, schema: z.ZodMiniType<T> = z.unknown() as z.ZodMiniType<T>): Promise<T | undefined> {
    if (!this.config.revokeUrl) return undefined;
    const params = this.revokeParams();
    if (params.revokeStyle === 'bearer_delete') {
      const { data } = await this.http.request({ url: this.config.revokeUrl, method: 'DELETE', headers: this.bearer(session.accessToken), schema });
      return data;
    }
    const auth = params.revokeClientAuth ? clientAuth(this.descriptor, this.config) : { headers: {}, form: {} };
    const { data } = await this.http.request({
      url: this.config.revokeUrl,
      method: 'POST',
      headers: auth.headers,
      form: { ...auth.form, [params.revokeTokenField]: session.accessToken },
      schema,
    });
    return data;
  }

  // ---- data ---------------------------------------------------------------------------------

  abstract getAthlete(session: ProviderSession): Promise<Athlete>;
  abstract getActivities(session: ProviderSession, query: ActivityQuery): Promise<Activity[]>;
  abstract getActivity(session: ProviderSession, id: string): Promise<Activity>;

  async getStats(session: ProviderSession): Promise<Stats> {
    return statsFromActivities(this.name, await this.recentActivities(session), this.deps.now());
  }

  async getPersonalRecords(session: ProviderSession): Promise<PersonalRecord[]> {
    return personalRecordsFromActivities(this.name, await this.recentActivities(session));
  }

  getSleepSessions(_session: ProviderSession, _range: DateRange): Promise<SleepSession[]> {
    return this.unsupported('sleep tracking');
  }

  getRecoveryMetrics(_session: ProviderSession, _range: DateRange): Promise<RecoveryMetrics[]> {
    return this.unsupported('recovery metrics');
  }

  getHealthMetrics(_session: ProviderSession, _range: DateRange): Promise<HealthMetrics[]> {
    return this.unsupported('health metrics');
  }

  /** Any HTTP answer below 500 from the API base means the provider is up. */
  async healthCheck(): Promise<void> {
    try {
      await this.http.request({ url: this.config.apiBaseUrl, schema: z.unknown() });
    } catch (error) {
      const answered = error instanceof ProviderError && error.status !== undefined && error.status < 500;
      if (!answered) throw error;
    }
  }

  /** Stats and records a subclass does not compute its own way come from `recentActivities`. */
  get derivedFromActivities(): readonly DerivedResource[] {
    const inherited = (method: 'getStats' | 'getPersonalRecords') => this[method] === BaseProvider.prototype[method];
    return [...(inherited('getStats') ? (['stats'] as const) : []), ...(inherited('getPersonalRecords') ? (['personal_records'] as const) : [])];
  }

  /** Pages through `getActivities`, newest first; providers with a cheaper way override it. */
  async recentActivities(session: ProviderSession): Promise<Activity[]> {
    const all: Activity[] = [];
    while (all.length < DERIVE_MAX_ACTIVITIES) {
      const page = await this.getActivities(session, { limit: this.derivePageSize, offset: all.length });
      all.push(...page);
      if (page.length < this.derivePageSize) break;
    }
    return all;
  }
}
