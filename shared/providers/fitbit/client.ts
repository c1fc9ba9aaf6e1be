/**
 * The Fitbit Web API client. OAuth comes from BaseProvider (Basic client auth, PKCE, rotating
 * refresh tokens) plus the `user_id` of the token response; data calls ask for metric units
 * and translate Fitbit's date-based activity pagination into `limit/offset/before/after`.
 */
import { z } from 'zod';
import {
  ProviderError,
  type Activity,
  type Athlete,
  type HealthMetrics,
  type PersonalRecord,
  type RecoveryMetrics,
  type SleepSession,
  type Stats,
} from '../../models';
import { BaseProvider } from '../base';
import { personalRecordsFromActivities, statsFromActivities } from '../derive';
import type { TokenResponse } from '../oauth2';
import type { ActivityQuery, DateRange, ProviderConfig, ProviderDeps, ProviderSession, TokenSet } from '../spi';
import { FITBIT_DESCRIPTOR } from './descriptor';
import { PROVIDER, toActivity, toAthlete, toHealthMetrics, toRecoveryMetrics, toSleepSession } from './mapping';
import { fitbitRateLimitHint, fitbitRateLimitUsage } from './rate-limit';
import {
  FitbitActivityListSchema,
  FitbitCaloriesResponseSchema,
  FitbitErrorBodySchema,
  FitbitHeartResponseSchema,
  FitbitHrvResponseSchema,
  FitbitProfileSchema,
  FitbitSleepResponseSchema,
  FitbitSpo2ResponseSchema,
  FitbitStepsResponseSchema,
  FitbitTokenExtrasSchema,
  FitbitWeightResponseSchema,
} from './schemas';
import { dateChunks, isoDate, MAX_UTC_OFFSET_MS, wallClock } from './time';

/** Any Accept-Language other than en_US / en_GB selects Fitbit's METRIC unit system. */
export const METRIC_LOCALE = 'fr_FR';
export const LIST_PATH = '/1/user/-/activities/list.json';
/** Fitbit's largest page of activity logs. */
export const PAGE_MAX = 100;
/** How far back stats, records and activity look-ups by id reach, newest first. */
export const SCAN_MAX_ACTIVITIES = 1_000;
/** A bound on followed `next` links, whatever the provider answers. */
const MAX_PAGES = 200;

/** Widest date range each endpoint accepts, in days. */
const RANGE_DAYS = { sleep: 100, hrv: 30, spo2: 30, weight: 31, timeSeries: 365 } as const;

/** A 403 `insufficient_scope`: the user unticked the scope this data needs. */
export class MissingScopeError extends ProviderError {
  constructor(readonly scope: string) {
    super({
      kind: 'auth_failed',
      provider: PROVIDER,
      status: 403,
      message: `Fitbit did not grant the '${scope}' scope to this connection; connect again and allow it`,
    });
  }
}

export class FitbitClient extends BaseProvider {
  constructor(config: ProviderConfig, deps: ProviderDeps) {
    super(FITBIT_DESCRIPTOR, config, deps, { rateLimitHint: fitbitRateLimitHint, rateLimitUsage: fitbitRateLimitUsage });
  }

  // ---- tokens ------------------------------------------------------------------------------

  /** Fitbit's token response names the user: `user_id`, the owner id of webhooks. */
  protected override async toTokenSet(raw: TokenResponse, callbackQuery: Readonly<Record<string, string>>): Promise<TokenSet> {
    const tokens = await super.toTokenSet(raw, callbackQuery);
    const extras = FitbitTokenExtrasSchema.safeParse(raw);
    return extras.success ? { ...tokens, providerUserId: extras.data.user_id } : tokens;
  }

  // ---- plumbing ----------------------------------------------------------------------------

  private async get<T>(session: ProviderSession, path: string, schema: z.ZodType<T>, scope: string, query?: URLSearchParams): Promise<T> {
    const { data } = await this.http.request({
      url: this.apiUrl(path, query),
      headers: { ...this.bearer(session.accessToken), 'accept-language': METRIC_LOCALE },
      schema,
      onStatus: (status, body) => (status === 403 && isScopeRefusal(body) ? new MissingScopeError(scope) : undefined),
    });
    return data;
  }

  /** Data the user may have withheld (an unticked scope) is simply absent. */
  private async optional<T>(call: Promise<T>, absent: T): Promise<T> {
    try {
      return await call;
    } catch (error) {
      if (error instanceof MissingScopeError) return absent;
      throw error;
    }
  }

  private notFound(id: string): ProviderError {
    return new ProviderError({ kind: 'not_found', provider: PROVIDER, status: 404, message: `No Fitbit activity '${id.slice(0, 64)}'` });
  }

  // ---- activities --------------------------------------------------------------------------

  /**
   * Walks the activity log newest first (`beforeDate` + `sort=desc`, then the `next` links),
   * handing each activity to `visit` until it returns true. Fitbit reads `beforeDate` in the
   * user's local time, which we do not know: the bound is widened by the largest UTC offset and
   * callers filter on the exact instant. `pageSize` says how many more activities are wanted.
   */
  private async scan(
    session: ProviderSession,
    beforeMs: number | undefined,
    pageSize: () => number,
    visit: (activity: Activity) => boolean,
  ): Promise<void> {
    const upper = (beforeMs ?? this.deps.now()) + MAX_UTC_OFFSET_MS;
    let params = new URLSearchParams({ beforeDate: wallClock(upper), sort: 'desc', limit: String(PAGE_MAX), offset: '0' });
    const seen = new Set<string>();
    for (let page = 0; page < MAX_PAGES; page++) {
      params.set('limit', String(Math.min(PAGE_MAX, Math.max(1, Math.ceil(pageSize())))));
      const data = await this.get(session, LIST_PATH, FitbitActivityListSchema, 'activity', params);
      for (const log of data.activities) {
        const activity = toActivity(log);
        if (seen.has(activity.id)) continue;
        seen.add(activity.id);
        if (visit(activity)) return;
      }
      const next = data.pagination?.next ?? '';
      if (data.activities.length === 0 || next === '') return;
      params = this.nextParams(next);
    }
  }

  /** The query of a `next` link; it is replayed against our configured API base only. */
  private nextParams(next: string): URLSearchParams {
    try {
      return new URL(next, this.apiUrl(LIST_PATH)).searchParams;
    } catch {
      throw new ProviderError({ kind: 'invalid_data', provider: PROVIDER, message: 'fitbit returned an unreadable pagination link' });
    }
  }

  async getActivities(session: ProviderSession, query: ActivityQuery): Promise<Activity[]> {
    const limit = Math.max(0, Math.floor(query.limit));
    let skip = Math.max(0, Math.floor(query.offset));
    if (limit === 0) return [];
    const before = query.before?.getTime();
    const after = query.after?.getTime();
    const out: Activity[] = [];
    await this.scan(session, before, () => skip + limit - out.length, (activity) => {
      const started = Date.parse(activity.start_date);
      if (before !== undefined && started >= before) return false;
      if (after !== undefined && started <= after) return true;
      if (skip > 0) {
        skip -= 1;
        return false;
      }
      out.push(activity);
      return out.length >= limit;
    });
    return out;
  }

  /** Fitbit has no endpoint for one activity log: it is looked up in the recent log list. */
  async getActivity(session: ProviderSession, id: string): Promise<Activity> {
    if (!/^\d{1,20}$/.test(id)) throw this.notFound(id);
    let found: Activity | undefined;
    let scanned = 0;
    await this.scan(session, undefined, () => PAGE_MAX, (activity) => {
      scanned += 1;
      if (activity.id === id) found = activity;
      return found !== undefined || scanned >= SCAN_MAX_ACTIVITIES;
    });
    if (!found) throw this.notFound(id);
    return found;
  }

  private async recent(session: ProviderSession): Promise<Activity[]> {
    const out: Activity[] = [];
    await this.scan(session, undefined, () => SCAN_MAX_ACTIVITIES - out.length, (activity) => {
      out.push(activity);
      return out.length >= SCAN_MAX_ACTIVITIES;
    });
    return out;
  }

  override async getStats(session: ProviderSession): Promise<Stats> {
    return statsFromActivities(PROVIDER, await this.recent(session), this.deps.now());
  }

  override async getPersonalRecords(session: ProviderSession): Promise<PersonalRecord[]> {
    return personalRecordsFromActivities(PROVIDER, await this.recent(session));
  }

  // ---- profile -----------------------------------------------------------------------------

  async getAthlete(session: ProviderSession): Promise<Athlete> {
    return toAthlete(await this.get(session, '/1/user/-/profile.json', FitbitProfileSchema, 'profile'));
  }

  /** The user's current offset from UTC; 0 when the profile scope was withheld. */
  private async utcOffsetMs(session: ProviderSession): Promise<number> {
    const profile = await this.optional(this.get(session, '/1/user/-/profile.json', FitbitProfileSchema, 'profile'), undefined);
    return profile?.user.offsetFromUTCMillis ?? 0;
  }

  // ---- sleep, recovery, health -------------------------------------------------------------

  /** Sleep logs whose date of sleep (the wake-up day) falls in the range, oldest first. */
  override async getSleepSessions(session: ProviderSession, range: DateRange): Promise<SleepSession[]> {
    const { start, end } = days(range);
    const [offsetMs, responses] = await Promise.all([
      this.utcOffsetMs(session),
      Promise.all(
        dateChunks(start, end, RANGE_DAYS.sleep).map((c) =>
          this.get(session, `/1.2/user/-/sleep/date/${c.start}/${c.end}.json`, FitbitSleepResponseSchema, 'sleep'),
        ),
      ),
    ]);
    const byId = new Map<string, SleepSession>();
    for (const log of responses.flatMap((r) => r.sleep)) {
      if (log.dateOfSleep < start || log.dateOfSleep > end) continue;
      const sleep = toSleepSession(log, offsetMs);
      byId.set(sleep.id, sleep);
    }
    return [...byId.values()].sort((a, b) => a.start_date.localeCompare(b.start_date));
  }

  /** HRV, SpO2 and resting heart rate per day; Fitbit has no recovery score or strain. */
  override async getRecoveryMetrics(session: ProviderSession, range: DateRange): Promise<RecoveryMetrics[]> {
    const { start, end } = days(range);
    const [hrv, spo2, heart] = await Promise.all([
      this.optional(
        this.perChunk(start, end, RANGE_DAYS.hrv, (c) =>
          this.get(session, `/1/user/-/hrv/date/${c.start}/${c.end}.json`, FitbitHrvResponseSchema, 'heartrate').then((r) => r.hrv),
        ),
        [],
      ),
      this.optional(
        this.perChunk(start, end, RANGE_DAYS.spo2, (c) =>
          this.get(session, `/1/user/-/spo2/date/${c.start}/${c.end}.json`, FitbitSpo2ResponseSchema, 'oxygen_saturation'),
        ),
        [],
      ),
      this.optional(this.restingHeart(session, start, end), []),
    ]);
    return toRecoveryMetrics({ hrv, spo2, heart }, start, end);
  }

  /** Weight logs (weight, BMI, body fat), resting heart rate, steps and calories per day. */
  override async getHealthMetrics(session: ProviderSession, range: DateRange): Promise<HealthMetrics[]> {
    const { start, end } = days(range);
    const series = (resource: 'steps' | 'calories') =>
      this.perChunk(start, end, RANGE_DAYS.timeSeries, (c) =>
        resource === 'steps'
          ? this.get(session, `/1/user/-/activities/steps/date/${c.start}/${c.end}.json`, FitbitStepsResponseSchema, 'activity').then(
              (r) => r['activities-steps'],
            )
          : this.get(session, `/1/user/-/activities/calories/date/${c.start}/${c.end}.json`, FitbitCaloriesResponseSchema, 'activity').then(
              (r) => r['activities-calories'],
            ),
      );
    const [weight, heart, steps, calories] = await Promise.all([
      this.optional(
        this.perChunk(start, end, RANGE_DAYS.weight, (c) =>
          this.get(session, `/1/user/-/body/log/weight/date/${c.start}/${c.end}.json`, FitbitWeightResponseSchema, 'weight').then(
            (r) => r.weight,
          ),
        ),
        [],
      ),
      this.optional(this.restingHeart(session, start, end), []),
      this.optional(series('steps'), []),
      this.optional(series('calories'), []),
    ]);
    return toHealthMetrics({ weight, heart, steps, calories }, start, end);
  }

  private restingHeart(session: ProviderSession, start: string, end: string) {
    return this.perChunk(start, end, RANGE_DAYS.timeSeries, (c) =>
      this.get(session, `/1/user/-/activities/heart/date/${c.start}/${c.end}.json`, FitbitHeartResponseSchema, 'heartrate').then(
        (r) => r['activities-heart'],
      ),
    );
  }

  private async perChunk<T>(start: string, end: string, maxDays: number, call: (chunk: { start: string; end: string }) => Promise<T[]>): Promise<T[]> {
    return (await Promise.all(dateChunks(start, end, maxDays).map(call))).flat();
  }
}

/** The calendar days of a range. Fitbit dates are the user's local days; UTC days stand in. */
function days(range: DateRange): { start: string; end: string } {
  const start = isoDate(range.start.getTime());
  const end = isoDate(range.end.getTime());
  return start <= end ? { start, end } : { start: end, end: start };
}

function isScopeRefusal(body: string): boolean {
  try {
    const parsed = FitbitErrorBodySchema.safeParse(JSON.parse(body));
    return parsed.success && parsed.data.errors.some((e) => e.errorType === 'insufficient_scope' || e.errorType === 'insufficient_permissions');
  } catch {
    return false;
  }
}
