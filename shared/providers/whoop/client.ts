/**
 * The WHOOP API v2 client: OAuth with `offline` for refresh tokens (refresh re-sends
 * `scope=offline`), the user id from the basic profile, revoke by `DELETE /v2/user/access`,
 * and every collection read through `nextToken` pagination.
 */
import type * as z from '../../zod';
import { ProviderError, type Activity, type Athlete, type HealthMetrics, type RecoveryMetrics, type SleepSession } from '../../models';
import { BaseProvider } from '../base';
import { cursorPaging, walkCursorPages, type CursorPaging } from '../pagination';
import type { ActivityQuery, DateRange, ProviderConfig, ProviderDeps, ProviderSession, WebhookRequest, WebhookResult } from '../spi';
import { WHOOP_DESCRIPTOR } from './descriptor';
import { bodyOnlyHealthMetrics, joinDays, toActivity, toAthlete, toHealthMetrics, toRecoveryMetrics, toSleepSession, type WhoopDay } from './mapping';
import { whoopRateLimitHint, whoopRateLimitUsage } from './rate-limit';
import { whoopWebhook } from './webhook';
import {
  collectionOf,
  WhoopBodyMeasurementSchema,
  WhoopCycleSchema,
  WhoopProfileSchema,
  WhoopRecoverySchema,
  WhoopSleepSchema,
  WhoopWorkoutSchema,
  type WhoopBodyMeasurement,
  type WhoopProfile,
  type WhoopWorkout,
} from './schemas';

/** The largest page WHOOP serves. */
const WHOOP_PAGE_MAX = 25;
/** Stats and records look at this many workouts at most, newest first. */
const DERIVE_MAX = 1_000;
/** A safety stop for collections that never end (a token that repeats). */
const DAY_MS = 86_400_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const WorkoutPage = collectionOf(WhoopWorkoutSchema);
const SleepPage = collectionOf(WhoopSleepSchema);
const RecoveryPage = collectionOf(WhoopRecoverySchema);
const CyclePage = collectionOf(WhoopCycleSchema);

interface Window {
  /** WHOOP `start`: records that occurred after or during this instant. */
  start?: Date | undefined;
  /** WHOOP `end`: records that intersect it or ended before it. */
  end?: Date | undefined;
}

const dayStart = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

/** A date range as whole UTC days, both ends included (as every provider reads it). */
function wholeDays(range: DateRange): { startMs: number; endMs: number } {
  return { startMs: dayStart(range.start.getTime()), endMs: dayStart(range.end.getTime()) + DAY_MS };
}

export class WhoopProvider extends BaseProvider {
  private readonly paging: CursorPaging;
  constructor(config: ProviderConfig, deps: ProviderDeps) {
    super(WHOOP_DESCRIPTOR, config, deps, {
      rateLimitHint: whoopRateLimitHint,
      rateLimitUsage: (headers, nowMs) => whoopRateLimitUsage(headers, nowMs, WHOOP_DESCRIPTOR.name),
    });
    this.paging = cursorPaging(this.descriptor);
  }

  async handleWebhook(request: WebhookRequest): Promise<WebhookResult> {
    return whoopWebhook(request, this.config.clientSecret, this.deps.now());
  }

  // ---- connection ---------------------------------------------------------------------------

  // ---- data ---------------------------------------------------------------------------------

  async getAthlete(session: ProviderSession): Promise<Athlete> {
    const [profile, body] = await Promise.all([this.profile(session.accessToken), this.bodyMeasurement(session)]);
    return toAthlete(this.name, profile, body);
  }

  /** Newest first; `before` / `after` exclusive on the start time; `offset` then `limit`. */
  async getActivities(session: ProviderSession, query: ActivityQuery): Promise<Activity[]> {
    const offset = Math.max(0, Math.floor(query.offset));
    const limit = Math.max(0, Math.floor(query.limit));
    if (limit === 0) return [];
    const workouts = await this.workouts(session, offset + limit, query.before, query.after);
    return workouts.slice(offset, offset + limit).map((w) => toActivity(this.name, w));
  }

  async getActivity(session: ProviderSession, id: string): Promise<Activity> {
    if (!UUID.test(id)) {
      throw new ProviderError({ kind: 'not_found', provider: this.name, status: 404, message: `${this.name} workout ids are UUIDs` });
    }
    const { data } = await this.http.request({
      url: this.apiUrl(`/v2/activity/workout/${encodeURIComponent(id)}`),
      headers: this.bearer(session.accessToken),
      schema: WhoopWorkoutSchema,
    });
    return toActivity(this.name, data);
  }

  /** Sleeps (naps included) that ended within the range's days, oldest first. */
  override async getSleepSessions(session: ProviderSession, range: DateRange): Promise<SleepSession[]> {
    const { startMs, endMs } = wholeDays(range);
    const sleeps = await this.collect(session, '/v2/activity/sleep', SleepPage, { start: new Date(startMs), end: new Date(endMs) });
    return sleeps
      .filter((s) => {
        const ended = Date.parse(s.end);
        return ended >= startMs && ended < endMs;
      })
      .sort((a, b) => Date.parse(a.start) - Date.parse(b.start))
      .map((s) => toSleepSession(this.name, s));
  }

  /** One entry per cycle (day), oldest first: recovery joined with the cycle's day strain. */
  override async getRecoveryMetrics(session: ProviderSession, range: DateRange): Promise<RecoveryMetrics[]> {
    return (await this.days(session, range)).map((day) => toRecoveryMetrics(this.name, day));
  }

  /**
   * One entry per cycle (day), oldest first: energy from the cycle, resting heart rate from the
   * recovery; weight and BMI (a current snapshot at WHOOP) on the latest day when the range
   * reaches today.
   */
  override async getHealthMetrics(session: ProviderSession, range: DateRange): Promise<HealthMetrics[]> {
    const reachesToday = wholeDays(range).endMs > this.deps.now();
    const [days, body] = await Promise.all([this.days(session, range), reachesToday ? this.bodyMeasurement(session) : Promise.resolve(undefined)]);
    const metrics = days.map((day, i) => toHealthMetrics(this.name, day, i === days.length - 1 ? body : undefined));
    if (metrics.length === 0 && body) metrics.push(bodyOnlyHealthMetrics(this.name, new Date(this.deps.now()).toISOString().slice(0, 10), body));
    return metrics;
  }

  // ---- WHOOP calls --------------------------------------------------------------------------

  private async profile(accessToken: string): Promise<WhoopProfile> {
    const { data } = await this.http.request({ url: this.apiUrl('/v2/user/profile/basic'), headers: this.bearer(accessToken), schema: WhoopProfileSchema });
    return data;
  }

  /** Undefined when the user has no measurements or the app may not read them (403). */
  private async bodyMeasurement(session: ProviderSession): Promise<WhoopBodyMeasurement | undefined> {
    try {
      const { data } = await this.http.request({
        url: this.apiUrl('/v2/user/measurement/body'),
        headers: this.bearer(session.accessToken),
        schema: WhoopBodyMeasurementSchema,
      });
      return data;
    } catch (error) {
      if (error instanceof ProviderError && (error.status === 403 || error.status === 404)) return undefined;
      throw error;
    }
  }

  /**
   * Up to `wanted` workouts newest first that started strictly between `after` and `before`,
   * reading no more pages (and no larger pages) than that needs.
   */
  private async workouts(session: ProviderSession, wanted: number, before?: Date, after?: Date): Promise<WhoopWorkout[]> {
    const beforeMs = before?.getTime() ?? Number.POSITIVE_INFINITY;
    const afterMs = after?.getTime() ?? Number.NEGATIVE_INFINITY;
    const kept: WhoopWorkout[] = [];
    let exhausted = false;
    await this.pages(
      session,
      '/v2/activity/workout',
      WorkoutPage,
      { start: after, end: before },
      () => wanted - kept.length,
      (records) => {
        for (const workout of records) {
          const started = Date.parse(workout.start);
          // WHOOP's window is inclusive and overlap-based; ours is strict on the start time.
          if (started <= afterMs) {
            exhausted = true; // newest first: every later record started even earlier
            break;
          }
          if (started < beforeMs && kept.length < wanted) kept.push(workout);
        }
        return !exhausted && kept.length < wanted;
      },
    );
    return kept;
  }

  /** One pass over the newest workouts (offset paging would re-read every page). */
  override async recentActivities(session: ProviderSession): Promise<Activity[]> {
    return (await this.workouts(session, DERIVE_MAX)).map((w) => toActivity(this.name, w));
  }

  /** Cycles and recoveries of the range's days, joined; a cycle may start the evening before. */
  private async days(session: ProviderSession, range: DateRange): Promise<WhoopDay[]> {
    const { startMs, endMs } = wholeDays(range);
    const first = new Date(startMs).toISOString().slice(0, 10);
    const last = new Date(endMs - DAY_MS).toISOString().slice(0, 10);
    const window = { start: new Date(startMs - DAY_MS), end: new Date(endMs) };
    const [cycles, recoveries] = await Promise.all([
      this.collect(session, '/v2/cycle', CyclePage, window),
      this.collect(session, '/v2/recovery', RecoveryPage, { start: window.start, end: new Date(endMs + DAY_MS) }),
    ]);
    return joinDays(cycles, recoveries).filter((day) => day.date >= first && day.date <= last);
  }

  /** Every record of a collection within a window, pages of the largest size. */
  private async collect<T>(
    session: ProviderSession,
    path: string,
    schema: z.ZodMiniType<{ records: T[]; next_token?: string | null | undefined }>,
    window: Window,
  ): Promise<T[]> {
    const all: T[] = [];
    await this.pages(
      session,
      path,
      schema,
      window,
      () => WHOOP_PAGE_MAX,
      (records) => {
        all.push(...records);
        return true;
      },
    );
    return all;
  }

  /**
   * Walks a collection page by page. `size()` is the page size wanted next (capped at 25);
   * `take(records)` returns whether another page is wanted.
   */
  private async pages<T>(
    session: ProviderSession,
    path: string,
    schema: z.ZodMiniType<{ records: T[]; next_token?: string | null | undefined }>,
    window: Window,
    size: () => number,
    take: (records: T[]) => boolean,
  ): Promise<void> {
    const request = async (cursor: Record<string, string>) => {
      const url = this.apiUrl(path, {
        limit: Math.min(WHOOP_PAGE_MAX, Math.max(1, size())),
        start: window.start?.toISOString(),
        end: window.end?.toISOString(),
        ...cursor,
      });
      return (await this.http.request({ url, headers: this.bearer(session.accessToken), schema })).data;
    };
    await walkCursorPages(this.paging, request, take);
  }
}

export default WhoopProvider;
