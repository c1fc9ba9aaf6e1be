/**
 * The synthetic provider: always connected, no network, deterministic data for any
 * (seed, tenant, user) over the 90 days ending today. Things that have not happened yet at
 * `deps.now()` (a later activity today, a night still in progress) are not shown.
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
} from '../../models';
import { BaseProvider } from '../base';
import { personalRecordsFromActivities, statsFromActivities } from '../derive';
import type { ActivityQuery, DateRange, ProviderConfig, ProviderDeps, ProviderSession, TokenSet } from '../spi';
import { SYNTHETIC_DESCRIPTOR } from './descriptor';
import {
  athleteFromProfile,
  dayKeyString,
  dayNumberOf,
  generateDay,
  generateProfile,
  parseActivityId,
  userKeyString,
  windowOf,
  type SyntheticDay,
  type SyntheticProfile,
  type UserKey,
} from './generator';

/** `PIERRE_SYNTHETIC_SEED` arrives as this settings key. */
const SEED_SETTING = 'SEED';
const DEFAULT_SEED = '42';

/** Insertion-ordered map that forgets its least recently used entry beyond `capacity`. */
class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}

// Generated data is a pure function of its key, so sharing it across instances (and the users
// of a Lambda container) is safe; callers receive copies, never these objects.
const profiles = new BoundedMap<string, SyntheticProfile>(512);
const days = new BoundedMap<string, SyntheticDay>(2_048);

export class SyntheticProvider extends BaseProvider {
  readonly seed: string;

  constructor(config: ProviderConfig, deps: ProviderDeps) {
    super(SYNTHETIC_DESCRIPTOR, config, deps);
    const configured = config.settings[SEED_SETTING]?.trim();
    this.seed = configured ? configured : DEFAULT_SEED;
  }

  // ---- connection: none ----------------------------------------------------------------------

  override authorizationUrl(): Promise<string> {
    return this.unsupported('OAuth (it needs no connection)');
  }

  override exchangeCode(): Promise<TokenSet> {
    return this.unsupported('OAuth (it needs no connection)');
  }

  override refreshToken(): Promise<TokenSet> {
    return this.unsupported('OAuth (it needs no connection)');
  }

  override async revokeToken(): Promise<void> {}

  override async healthCheck(): Promise<void> {}

  // ---- data ----------------------------------------------------------------------------------

  async getAthlete(session: ProviderSession): Promise<Athlete> {
    return athleteFromProfile(this.profile(session), this.name);
  }

  /** Newest first; `before` / `after` are exclusive bounds on the start time. */
  async getActivities(session: ProviderSession, query: ActivityQuery): Promise<Activity[]> {
    const before = query.before?.getTime() ?? Number.POSITIVE_INFINITY;
    const after = query.after?.getTime() ?? Number.NEGATIVE_INFINITY;
    const offset = Math.max(0, Math.floor(query.offset));
    const limit = Math.max(0, Math.floor(query.limit));
    return this.allActivities(session)
      .filter((a) => {
        const started = Date.parse(a.start_date);
        return started < before && started > after;
      })
      .slice(offset, offset + limit);
  }

  async getActivity(session: ProviderSession, id: string): Promise<Activity> {
    const parsed = parseActivityId(id);
    const now = this.deps.now();
    const { first, last } = windowOf(now);
    if (parsed && parsed.day >= first && parsed.day <= last) {
      const found = this.day(session, parsed.day).activities.find((a) => a.id === id);
      if (found && Date.parse(found.start_date) <= now) return structuredClone(found);
    }
    throw new ProviderError({
      kind: 'not_found',
      provider: this.name,
      status: 404,
      message: `No synthetic activity '${id.slice(0, 64)}' in the last 90 days`,
    });
  }

  override async getStats(session: ProviderSession): Promise<Stats> {
    return statsFromActivities(this.name, this.allActivities(session), this.deps.now());
  }

  override async getPersonalRecords(session: ProviderSession): Promise<PersonalRecord[]> {
    return personalRecordsFromActivities(this.name, this.allActivities(session));
  }

  /** Oldest first, one per night, keyed by the wake-up day. */
  override async getSleepSessions(session: ProviderSession, range: DateRange): Promise<SleepSession[]> {
    const now = this.deps.now();
    return this.daysIn(session, range)
      .map((d) => d.sleep)
      .filter((s) => Date.parse(s.end_date) <= now)
      .map((s) => structuredClone(s));
  }

  /** Oldest first, one per day. */
  override async getRecoveryMetrics(session: ProviderSession, range: DateRange): Promise<RecoveryMetrics[]> {
    return this.daysIn(session, range).map((d) => ({ ...d.recovery }));
  }

  /** Oldest first, one per day. */
  override async getHealthMetrics(session: ProviderSession, range: DateRange): Promise<HealthMetrics[]> {
    return this.daysIn(session, range).map((d) => ({ ...d.health }));
  }

  // ---- generation ----------------------------------------------------------------------------

  private userKey(session: ProviderSession): UserKey {
    return { seed: this.seed, tenantId: session.tenantId, userId: session.userId };
  }

  private profile(session: ProviderSession): SyntheticProfile {
    const user = this.userKey(session);
    const key = userKeyString(user);
    let profile = profiles.get(key);
    if (!profile) {
      profile = generateProfile(user);
      profiles.set(key, profile);
    }
    return profile;
  }

  private day(session: ProviderSession, day: number): SyntheticDay {
    const user = this.userKey(session);
    const key = `${this.name}|${dayKeyString(user, day)}`;
    let data = days.get(key);
    if (!data) {
      data = generateDay(user, this.profile(session), day, this.name);
      days.set(key, data);
    }
    return data;
  }

  /** Every activity of the window that has started by now, newest first, as copies. */
  private allActivities(session: ProviderSession): Activity[] {
    const now = this.deps.now();
    const { first, last } = windowOf(now);
    const out: Activity[] = [];
    for (let day = last; day >= first; day--) {
      const activities = this.day(session, day).activities;
      for (let i = activities.length - 1; i >= 0; i--) {
        const activity = activities[i];
        if (activity && Date.parse(activity.start_date) <= now) out.push(structuredClone(activity));
      }
    }
    return out;
  }

  /** The days of `range` (whole UTC days, both ends included) that fall inside the window. */
  private daysIn(session: ProviderSession, range: DateRange): SyntheticDay[] {
    const { first, last } = windowOf(this.deps.now());
    const start = Math.max(first, dayNumberOf(range.start.getTime()));
    const end = Math.min(last, dayNumberOf(range.end.getTime()));
    if (!Number.isFinite(start) || !Number.isFinite(end)) return [];
    const out: SyntheticDay[] = [];
    for (let day = start; day <= end; day++) out.push(this.day(session, day));
    return out;
  }
}

export default SyntheticProvider;
