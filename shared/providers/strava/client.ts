/**
 * The Strava API v3 client (its OAuth quirks are descriptor data): activities with
 * page/per_page, and stats from Strava's own totals.
 */
import { ProviderError, type Activity, type Athlete, type Stats } from '../../models';
import { BaseProvider } from '../base';
import { readSettings } from '../settings';
import type { ActivityQuery, ProviderConfig, ProviderDeps, ProviderSession, WebhookRequest, WebhookResult } from '../spi';
import { STRAVA_DESCRIPTOR } from './descriptor';
import { activityFromStrava, athleteFromStrava, statsFromStrava } from './mapping';
import { planPages, STRAVA_MAX_PER_PAGE } from './pages';
import { stravaRateLimitHint, stravaRateLimitUsage } from './rate-limit';
import { StravaActivityListSchema, StravaActivitySchema, StravaActivityStatsSchema, StravaAthleteSchema, type StravaActivity } from './schemas';
import { stravaWebhook } from './webhook';

const NUMERIC_ID = /^\d{1,19}$/;

export class StravaProvider extends BaseProvider {
  protected override readonly derivePageSize = STRAVA_MAX_PER_PAGE;

  constructor(config: ProviderConfig, deps: ProviderDeps) {
    super(STRAVA_DESCRIPTOR, config, deps, { rateLimitHint: stravaRateLimitHint, rateLimitUsage: stravaRateLimitUsage });
  }

  /** `PIERRE_STRAVA_REVOKE_STYLE=revoke`: the token as `token`, with the app's credentials (RFC 7009), instead of `access_token` alone. */
  protected override revokeParams() {
    const params = super.revokeParams();
    if (readSettings(STRAVA_DESCRIPTOR, this.config.settings).REVOKE_STYLE === 'deauthorize') return params;
    return { ...params, revokeTokenField: 'token', revokeClientAuth: true };
  }

  async handleWebhook(request: WebhookRequest): Promise<WebhookResult> {
    return stravaWebhook(request, this.config.settings);
  }

  // ---- data ---------------------------------------------------------------------------------

  async getAthlete(session: ProviderSession): Promise<Athlete> {
    const { data } = await this.http.request({ url: this.apiUrl('/athlete'), headers: this.bearer(session.accessToken), schema: StravaAthleteSchema });
    return athleteFromStrava(data, this.name);
  }

  /**
   * Newest first. Strava lists activities newest first when given `before` only (an `after`
   * switches it to oldest first), so `after` is applied here: pages are read newest first and
   * reading stops at the first activity that started at or before it. `offset`/`limit` become
   * the page size and page numbers that need the fewest requests.
   */
  async getActivities(session: ProviderSession, query: ActivityQuery): Promise<Activity[]> {
    const limit = Math.floor(query.limit);
    const offset = Math.max(0, Math.floor(query.offset));
    if (limit <= 0) return [];
    const beforeMs = query.before?.getTime() ?? Number.POSITIVE_INFINITY;
    const afterMs = query.after?.getTime() ?? Number.NEGATIVE_INFINITY;
    // Strava's `before` is exclusive and in whole seconds; activities start on whole seconds.
    const before = query.before ? Math.ceil(beforeMs / 1000) : undefined;
    const plan = planPages(offset, limit);
    const out: Activity[] = [];
    for (let page = plan.firstPage; page <= plan.lastPage; page++) {
      const items = await this.activityPage(session, { page, per_page: plan.perPage, before });
      let index = (page - 1) * plan.perPage;
      for (const item of items) {
        const started = Date.parse(item.start_date);
        if (started <= afterMs) return out;
        if (index >= offset && index < offset + limit && started < beforeMs) out.push(activityFromStrava(item, this.name));
        index += 1;
      }
      if (items.length < plan.perPage) break;
    }
    return out;
  }

  private async activityPage(session: ProviderSession, query: { page: number; per_page: number; before: number | undefined }): Promise<StravaActivity[]> {
    const { data } = await this.http.request({
      url: this.apiUrl('/athlete/activities', query),
      headers: this.bearer(session.accessToken),
      schema: StravaActivityListSchema,
    });
    return data;
  }

  async getActivity(session: ProviderSession, id: string): Promise<Activity> {
    if (!NUMERIC_ID.test(id)) {
      throw new ProviderError({ kind: 'not_found', provider: this.name, status: 404, message: 'Strava activity ids are numbers; no such activity' });
    }
    const { data } = await this.http.request({
      url: this.apiUrl(`/activities/${id}`),
      headers: this.bearer(session.accessToken),
      schema: StravaActivitySchema,
    });
    return activityFromStrava(data, this.name);
  }

  /** Strava's own totals (GET /athletes/{id}/stats): one request instead of paging through history. */
  override async getStats(session: ProviderSession): Promise<Stats> {
    const athleteId = session.providerUserId ?? (await this.getAthlete(session)).id;
    if (!NUMERIC_ID.test(athleteId)) {
      throw new ProviderError({ kind: 'invalid_data', provider: this.name, message: 'the stored Strava athlete id is not a number' });
    }
    const { data } = await this.http.request({
      url: this.apiUrl(`/athletes/${athleteId}/stats`),
      headers: this.bearer(session.accessToken),
      schema: StravaActivityStatsSchema,
    });
    return statsFromStrava(data, this.name);
  }
}

export default StravaProvider;
