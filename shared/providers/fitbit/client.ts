/**
 * The Google Health API client behind the `fitbit` provider. OAuth is BaseProvider's (PKCE,
 * credentials in the body, granted scopes from the token response) plus the user's
 * `healthUserId`, read from `users/me/identity` at connect time. Every data call goes through
 * `users/me/dataTypes/{type}/dataPoints` (paged with `pageToken`, filtered with `filter`) or
 * its `dailyRollUp`, and names the scope it needs, so an unticked optional scope refuses only
 * its own routes.
 */
import type * as z from '../../zod';
import { ProviderError, type Activity, type Athlete, type HealthMetrics, type Lap, type RecoveryMetrics, type SleepSession } from '../../models';
import { BaseProvider } from '../base';
import { cursorPaging, walkCursorPages, type CursorPaging } from '../pagination';
import type { ActivityQuery, DateRange, ProviderConfig, ProviderDeps, ProviderSession, WebhookRequest, WebhookResult } from '../spi';
import { FITBIT_DESCRIPTOR, type ScopeArea } from './descriptor';
import { googleStatus, PROVIDER } from './errors';
import { toActivity, toAthlete, toHealthMetrics, toLaps, toRecoveryMetrics, toSleepSession } from './mapping';
import {
  BodyFatPointSchema,
  DailyRollUpSchema,
  ExercisePointSchema,
  HrvPointSchema,
  listSchema,
  ProfileSchema,
  RestingHeartRatePointSchema,
  SleepPointSchema,
  Spo2PointSchema,
  WeightPointSchema,
  type DailyRollUp,
} from './schemas';
import { addDays, civilLiteral, dayChunks, googleDate, isoInstant, MAX_UTC_OFFSET_MS, wholeDays } from './time';
import { FitbitWebhooks } from './webhook';

/** Exercise and sleep pages hold at most 25 points; other types up to 10,000. */
export const SESSION_PAGE_SIZE = 25;
export const DAILY_PAGE_SIZE = 1_000;
/** How far back stats and records look, newest first. */
export const RECENT_MAX_ACTIVITIES = 1_000;
/** A bound on followed page tokens (empty pages included), whatever the API answers. */
/** `dailyRollUp` ranges: at most 14 days for calories, 90 for the other types. */
export const ROLLUP_MAX_DAYS = { steps: 90, 'total-calories': 14 } as const;

const POINT_ID = /^[A-Za-z0-9-]{1,63}$/;

export class FitbitProvider extends BaseProvider {
  private readonly paging: CursorPaging;
  private readonly webhooks: FitbitWebhooks;

  constructor(config: ProviderConfig, deps: ProviderDeps) {
    super(FITBIT_DESCRIPTOR, config, deps);
    this.paging = cursorPaging(this.descriptor);
    this.webhooks = new FitbitWebhooks(config.settings, this.http, deps.now);
  }

  handleWebhook(request: WebhookRequest): Promise<WebhookResult> {
    return this.webhooks.handle(request);
  }

  // ---- connection --------------------------------------------------------------------------

  /** The identity read (the descriptor's `identity`) answers Google's errors like the activity routes. */
  protected override identityStatus() {
    return googleStatus('activity', this.deps.now);
  }

  // ---- plumbing ----------------------------------------------------------------------------

  private async call<T>(
    session: ProviderSession,
    area: ScopeArea,
    path: string,
    schema: z.ZodMiniType<T>,
    init: { query?: Record<string, string | number | undefined>; json?: unknown } = {},
  ): Promise<T> {
    const { data } = await this.http.request({
      url: this.apiUrl(path, init.query),
      method: init.json === undefined ? 'GET' : 'POST',
      headers: this.bearer(session.accessToken),
      json: init.json,
      schema,
      onStatus: googleStatus(area, this.deps.now),
    });
    return data;
  }

  /**
   * Every data point of `type` matching `filter`, page after page, handed to `visit` until it
   * returns true. A page may be empty and still carry a token: only a missing token ends.
   */
  private async walk<T>(
    session: ProviderSession,
    area: ScopeArea,
    type: string,
    point: z.ZodMiniType<T>,
    filter: string,
    pageSize: number,
    visit: (point: T) => unknown,
  ): Promise<void> {
    const schema = listSchema(point);
    const request = (cursor: Record<string, string>) =>
      this.call(session, area, `users/me/dataTypes/${type}/dataPoints`, schema, { query: { filter, pageSize, ...cursor } });
    await walkCursorPages<T>(this.paging, request, (points) => !points.some((p) => visit(p) === true));
  }

  private async all<T>(
    session: ProviderSession,
    area: ScopeArea,
    type: string,
    point: z.ZodMiniType<T>,
    filter: string,
    pageSize = DAILY_PAGE_SIZE,
  ): Promise<T[]> {
    const out: T[] = [];
    await this.walk(session, area, type, point, filter, pageSize, (p) => void out.push(p));
    return out;
  }

  // ---- activities --------------------------------------------------------------------------

  /**
   * Exercise newest first. The API filters sessions on their civil (local) start time, and the
   * user's offset is not known up front: the filter is widened by the largest offset and the
   * exact instants are compared here.
   */
  private async walkExercise(
    session: ProviderSession,
    beforeMs: number | undefined,
    afterMs: number | undefined,
    visit: (a: Activity) => boolean,
  ): Promise<void> {
    const clauses: string[] = [];
    if (afterMs !== undefined) clauses.push(`exercise.interval.civil_start_time >= "${civilLiteral(afterMs - MAX_UTC_OFFSET_MS)}"`);
    if (beforeMs !== undefined) clauses.push(`exercise.interval.civil_start_time < "${civilLiteral(beforeMs + MAX_UTC_OFFSET_MS)}"`);
    const seen = new Set<string>();
    await this.walk(session, 'activity', 'exercise', ExercisePointSchema, clauses.join(' AND '), SESSION_PAGE_SIZE, (p) => {
      const activity = toActivity(p);
      if (seen.has(activity.id)) return false;
      seen.add(activity.id);
      const started = Date.parse(activity.start_date);
      if (beforeMs !== undefined && started >= beforeMs) return false;
      if (afterMs !== undefined && started <= afterMs) return false;
      return visit(activity);
    });
  }

  async getActivities(session: ProviderSession, query: ActivityQuery): Promise<Activity[]> {
    const limit = Math.max(0, Math.floor(query.limit));
    let skip = Math.max(0, Math.floor(query.offset));
    if (limit === 0) return [];
    const out: Activity[] = [];
    await this.walkExercise(session, query.before?.getTime(), query.after?.getTime(), (activity) => {
      if (skip > 0) {
        skip -= 1;
        return false;
      }
      out.push(activity);
      return out.length >= limit;
    });
    return out;
  }

  async getActivity(session: ProviderSession, id: string): Promise<Activity> {
    return toActivity(await this.exercise(session, id));
  }

  async getActivityLaps(session: ProviderSession, id: string): Promise<Lap[]> {
    return toLaps(await this.exercise(session, id));
  }

  private exercise(session: ProviderSession, id: string) {
    if (!POINT_ID.test(id)) {
      throw new ProviderError({ kind: 'not_found', provider: PROVIDER, status: 404, message: 'No Fitbit activity with this id' });
    }
    return this.call(session, 'activity', `users/me/dataTypes/exercise/dataPoints/${id}`, ExercisePointSchema);
  }

  /** One walk for stats and records (the default would restart the walk for every page). */
  override async recentActivities(session: ProviderSession): Promise<Activity[]> {
    const out: Activity[] = [];
    await this.walkExercise(session, undefined, undefined, (a) => out.push(a) >= RECENT_MAX_ACTIVITIES);
    return out;
  }

  // ---- athlete -----------------------------------------------------------------------------

  async getAthlete(session: ProviderSession): Promise<Athlete> {
    const profile = await this.call(session, 'profile', 'users/me/profile', ProfileSchema);
    const id = session.providerUserId ?? (await this.readProviderUserId(session.accessToken));
    return toAthlete(id, profile);
  }

  // ---- sleep, recovery, health -------------------------------------------------------------

  /** Sleeps that ended within the range's days (the API filters sleep on its end only), oldest first. */
  override async getSleepSessions(session: ProviderSession, range: DateRange): Promise<SleepSession[]> {
    const { startMs, endMs } = wholeDays(range);
    const filter = `sleep.interval.end_time >= "${isoInstant(startMs)}" AND sleep.interval.end_time < "${isoInstant(endMs)}"`;
    const byId = new Map<string, SleepSession>();
    await this.walk(session, 'sleep', 'sleep', SleepPointSchema, filter, SESSION_PAGE_SIZE, (p) => {
      const sleep = toSleepSession(p);
      byId.set(sleep.id, sleep);
    });
    return [...byId.values()].sort((a, b) => a.start_date.localeCompare(b.start_date));
  }

  private dailyFilter(type: string, first: string, last: string): string {
    return `${type}.date >= "${first}" AND ${type}.date < "${addDays(last, 1)}"`;
  }

  /** Sample types filtered on physical time, widened so every local day of the range is covered. */
  private sampleFilter(type: string, startMs: number, endMs: number): string {
    const field = `${type}.sample_time.physical_time`;
    return `${field} >= "${isoInstant(startMs - MAX_UTC_OFFSET_MS)}" AND ${field} < "${isoInstant(endMs + MAX_UTC_OFFSET_MS)}"`;
  }

  private restingHeartRate(session: ProviderSession, first: string, last: string) {
    return this.all(session, 'metrics', 'daily-resting-heart-rate', RestingHeartRatePointSchema, this.dailyFilter('daily_resting_heart_rate', first, last));
  }

  /** Resting heart rate, HRV and SpO2 per day; Google Health has no recovery score or strain. */
  override async getRecoveryMetrics(session: ProviderSession, range: DateRange): Promise<RecoveryMetrics[]> {
    const { first, last } = wholeDays(range);
    const [resting, hrv, spo2] = await Promise.all([
      this.restingHeartRate(session, first, last),
      this.all(session, 'metrics', 'daily-heart-rate-variability', HrvPointSchema, this.dailyFilter('daily_heart_rate_variability', first, last)),
      this.all(session, 'metrics', 'daily-oxygen-saturation', Spo2PointSchema, this.dailyFilter('daily_oxygen_saturation', first, last)),
    ]);
    return toRecoveryMetrics({ resting, hrv, spo2 }, first, last);
  }

  /** Weight, body fat and resting heart rate (health metrics scope); steps and calories per day (activity scope). */
  override async getHealthMetrics(session: ProviderSession, range: DateRange): Promise<HealthMetrics[]> {
    const { startMs, endMs, first, last } = wholeDays(range);
    const [weight, bodyFat, resting, steps, calories] = await Promise.all([
      this.all(session, 'metrics', 'weight', WeightPointSchema, this.sampleFilter('weight', startMs, endMs)),
      this.all(session, 'metrics', 'body-fat', BodyFatPointSchema, this.sampleFilter('body_fat', startMs, endMs)),
      this.restingHeartRate(session, first, last),
      this.dailyRollUp(session, 'steps', first, last),
      this.dailyRollUp(session, 'total-calories', first, last),
    ]);
    return toHealthMetrics({ weight, bodyFat, resting, steps, calories }, first, last);
  }

  /** Whole local days of `type` in [first, last], in as many requests as the type's range limit needs. */
  private async dailyRollUp(session: ProviderSession, type: keyof typeof ROLLUP_MAX_DAYS, first: string, last: string) {
    const chunks = dayChunks(first, last, ROLLUP_MAX_DAYS[type]);
    const answers = await Promise.all(
      chunks.map((c) =>
        this.call<DailyRollUp>(session, 'activity', `users/me/dataTypes/${type}/dataPoints:dailyRollUp`, DailyRollUpSchema, {
          json: { range: { start: { date: googleDate(c.start) }, end: { date: googleDate(c.end) } }, windowSizeDays: 1 },
        }),
      ),
    );
    return answers.flatMap((a) => a.rollupDataPoints);
  }
}

export default FitbitProvider;
