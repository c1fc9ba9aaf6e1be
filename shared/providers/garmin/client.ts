/**
 * The Garmin Health / Activity API client. OAuth 2.0 with PKCE (BaseProvider) plus Garmin's
 * ways: no `scope` on the authorize URL, the user id and granted permissions read after the
 * code exchange, deregistration as revoke, and every data read as 24-hour upload windows.
 */
import * as z from '../../zod';
import { AthleteSchema, ProviderError, type Activity, type Athlete, type HealthMetrics, type RecoveryMetrics, type SleepSession } from '../../models';
import { BaseProvider } from '../base';
import type {
  ActivityQuery,
  DateRange,
  DeliveredRecords,
  ProviderConfig,
  ProviderDeps,
  ProviderSession,
  TokenSet,
  WebhookRequest,
  WebhookResult,
} from '../spi';
import { GARMIN_DESCRIPTOR } from './descriptor';
import { bodyCompDate, sleepDate, toActivity, toHealthMetrics, toRecoveryMetrics, toSleepSession } from './mapping';
import { garminWebhook, isTrustedCallbackUrl, WEBHOOK_SECRET_SETTING } from './webhook';
import { recordsOfSummaries, summaryTypeOfCallback } from './records';
import { PermissionsSchema, SUMMARY_ENDPOINTS, type SummaryOf, type SummaryType } from './schemas';
import { garminSettings, type GarminSettings } from './settings';
import { inDates, newestFirst, planActivities, planRange, startMs, walkComplete, windowsBackwards, type UploadWindow } from './windows';

const DAY_SECS = 86_400;
/** The longest range one backfill request may ask for: 30 days of activities, 90 of health summaries. */
const BACKFILL_MAX_DAYS: Record<SummaryType, number> = { activities: 30, sleeps: 90, dailies: 90, hrv: 90, bodyComps: 90 };

/** Runs `fn` over `items` with at most `size` in flight; stops starting new ones after a failure. */
async function mapPool<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        out[index] = await fn(items[index]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return out;
}

export class GarminProvider extends BaseProvider {
  readonly settings: GarminSettings;

  constructor(config: ProviderConfig, deps: ProviderDeps) {
    super(GARMIN_DESCRIPTOR, config, deps);
    this.settings = garminSettings(config.settings);
  }

  async handleWebhook(request: WebhookRequest): Promise<WebhookResult> {
    return garminWebhook(request, { apiBaseUrl: this.config.apiBaseUrl, secret: this.config.settings[WEBHOOK_SECRET_SETTING] });
  }

  /** A ping's callback, pulled as it is (its `token` parameter included) with the user's bearer token. */
  async pullNotification(session: ProviderSession, url: string): Promise<DeliveredRecords[]> {
    const summaryType = isTrustedCallbackUrl(url, this.config.apiBaseUrl) ? summaryTypeOfCallback(url, this.config.apiBaseUrl) : undefined;
    if (summaryType === undefined) {
      throw new ProviderError({ kind: 'invalid_data', provider: this.name, message: 'the callback URL is not under the configured Garmin API' });
    }
    const { data } = await this.http.request({ url, headers: this.bearer(session.accessToken), schema: z.array(z.unknown()) });
    return recordsOfSummaries(summaryType, data);
  }

  private async get<T>(accessToken: string, path: string, schema: z.ZodMiniType<T>, query: Record<string, number> = {}): Promise<T> {
    const { data } = await this.http.request({ url: this.apiUrl(path, query), headers: this.bearer(accessToken), schema });
    return data;
  }

  // ---- connection -------------------------------------------------------------------------

  /** The permissions granted are the connection's scopes (the token answer's are not). */
  protected override async afterExchange(tokens: TokenSet): Promise<Partial<TokenSet>> {
    return { scopes: await this.get(tokens.accessToken, 'user/permissions', PermissionsSchema) };
  }

  // ---- history -------------------------------------------------------------------------------

  /**
   * Asks Garmin to push every summary type of `range` (its backfill endpoints answer 202 and send
   * the data later, as pushes or pings), in requests of at most the range each type allows. A
   * request Garmin already has answers 409: nothing to do, not an error.
   */
  async requestHistory(session: ProviderSession, range: DateRange): Promise<'accepted' | 'duplicate'> {
    const start = Math.floor(range.start.getTime() / 1000);
    const end = Math.ceil(range.end.getTime() / 1000);
    let accepted = false;
    for (const type of Object.keys(BACKFILL_MAX_DAYS) as SummaryType[]) {
      const step = BACKFILL_MAX_DAYS[type] * DAY_SECS;
      for (let from = start; from < end; from += step) {
        const outcome = await this.backfill(session.accessToken, type, from, Math.min(end, from + step));
        accepted ||= outcome === 'accepted';
      }
    }
    return accepted ? 'accepted' : 'duplicate';
  }

  private async backfill(accessToken: string, type: SummaryType, from: number, to: number): Promise<'accepted' | 'duplicate'> {
    try {
      await this.http.request({
        url: this.apiUrl(`backfill/${type}`, { summaryStartTimeInSeconds: from, summaryEndTimeInSeconds: to }),
        headers: this.bearer(accessToken),
        schema: z.unknown(),
      });
      return 'accepted';
    } catch (error) {
      if (error instanceof ProviderError && error.status === 409) return 'duplicate';
      throw error;
    }
  }

  // ---- data ---------------------------------------------------------------------------------

  /** The Health API has no profile: the athlete is the Garmin user id and nothing more. */
  async getAthlete(session: ProviderSession): Promise<Athlete> {
    return AthleteSchema.parse({ id: await this.readProviderUserId(session.accessToken), provider: this.name });
  }

  /** One upload window of one summary type, latest upload first. */
  private async window<T extends SummaryType>(session: ProviderSession, type: T, window: UploadWindow): Promise<SummaryOf<T>[]> {
    const schema = z.array(SUMMARY_ENDPOINTS[type]) as unknown as z.ZodMiniType<SummaryOf<T>[]>;
    const summaries = await this.get(session.accessToken, type, schema, {
      uploadStartTimeInSeconds: window.start,
      uploadEndTimeInSeconds: window.end,
    });
    return summaries.reverse();
  }

  /** Every summary uploaded in [lower, upper), newest upload first, one version per summary id. */
  private async collect<T extends SummaryType>(session: ProviderSession, type: T, upper: number, lower: number): Promise<SummaryOf<T>[]> {
    const windows = [...windowsBackwards(upper, lower)];
    const pages = await mapPool(windows, this.settings.windowConcurrency, (w) => this.window(session, type, w));
    const seen = new Set<string>();
    return pages.flat().filter((s) => !seen.has(s.summaryId) && seen.add(s.summaryId));
  }

  /**
   * Newest first. Walks upload windows back from `before` (plus the upload grace) or now,
   * stopping as soon as `offset + limit` matches are certain, at `after`, or at the horizon.
   */
  async getActivities(session: ProviderSession, query: ActivityQuery): Promise<Activity[]> {
    const plan = planActivities(query, this.deps.now(), this.settings);
    const offset = Math.max(0, Math.floor(query.offset));
    if (plan.needed <= offset) return [];
    const seen = new Set<string>();
    const matched: Activity[] = [];
    for (const window of windowsBackwards(plan.upper, plan.lower)) {
      for (const summary of await this.window(session, 'activities', window)) {
        if (seen.has(summary.summaryId)) continue;
        seen.add(summary.summaryId);
        const activity = toActivity(summary);
        const started = startMs(activity);
        if (started < plan.beforeMs && started > plan.afterMs) matched.push(activity);
      }
      if (walkComplete(matched, window.start, plan.needed)) break;
    }
    return matched.sort(newestFirst).slice(offset, plan.needed);
  }

  /**
   * Garmin has no single-activity pull endpoint: the upload windows within the horizon are
   * scanned newest first until the summary (by summary id or activity id) turns up.
   */
  async getActivity(session: ProviderSession, id: string): Promise<Activity> {
    const nowSecs = Math.floor(this.deps.now() / 1000);
    for (const window of windowsBackwards(nowSecs, nowSecs - this.settings.horizonDays * DAY_SECS)) {
      const found = (await this.window(session, 'activities', window)).find(
        (s) => s.summaryId === id || (s.activityId !== undefined && s.activityId !== null && String(s.activityId) === id),
      );
      if (found) return toActivity(found);
    }
    throw new ProviderError({
      kind: 'not_found',
      provider: this.name,
      status: 404,
      message: `No Garmin activity '${id.slice(0, 64)}' uploaded in the last ${this.settings.horizonDays} days`,
    });
  }

  /**
   * Every activity uploaded within the horizon, newest first (one walk, windows in parallel):
   * stats and records derive from it, so "all time" means the last `horizonDays`.
   */
  override async recentActivities(session: ProviderSession): Promise<Activity[]> {
    const nowSecs = Math.floor(this.deps.now() / 1000);
    const summaries = await this.collect(session, 'activities', nowSecs, nowSecs - this.settings.horizonDays * DAY_SECS);
    return summaries.map(toActivity).sort(newestFirst);
  }

  /** Oldest first; a night belongs to its wake-up day. */
  override async getSleepSessions(session: ProviderSession, range: DateRange): Promise<SleepSession[]> {
    const plan = planRange(range, this.deps.now(), this.settings);
    const sleeps = await this.collect(session, 'sleeps', plan.upper, plan.lower);
    return sleeps
      .filter((s) => inDates(sleepDate(s), plan))
      .map(toSleepSession)
      .sort((a, b) => a.start_date.localeCompare(b.start_date));
  }

  /** Oldest first, one per day: resting heart rate (dailies) and last night's HRV. */
  override async getRecoveryMetrics(session: ProviderSession, range: DateRange): Promise<RecoveryMetrics[]> {
    const plan = planRange(range, this.deps.now(), this.settings);
    const [dailies, hrvs] = await Promise.all([this.collect(session, 'dailies', plan.upper, plan.lower), this.collect(session, 'hrv', plan.upper, plan.lower)]);
    return toRecoveryMetrics(
      dailies.filter((d) => inDates(d.calendarDate, plan)),
      hrvs.filter((h) => inDates(h.calendarDate, plan)),
    );
  }

  /** Oldest first, one per day: steps, calories, resting heart rate and body composition. */
  override async getHealthMetrics(session: ProviderSession, range: DateRange): Promise<HealthMetrics[]> {
    const plan = planRange(range, this.deps.now(), this.settings);
    const [dailies, bodyComps] = await Promise.all([
      this.collect(session, 'dailies', plan.upper, plan.lower),
      this.collect(session, 'bodyComps', plan.upper, plan.lower),
    ]);
    return toHealthMetrics(
      dailies.filter((d) => inDates(d.calendarDate, plan)),
      bodyComps.filter((b) => inDates(bodyCompDate(b), plan)),
    );
  }
}

export default GarminProvider;
