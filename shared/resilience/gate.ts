/**
 * The rate-limit gate: one view of every provider budget, shared by all containers through the
 * StateStore, consulted before each provider request so that nobody calls a provider known to
 * be limited.
 *
 * - Windows are learnt from the usage headers of answers (`observe`). All windows of a scope
 *   (the app, or one user where the provider counts per user) live in one item with a count
 *   per window. Before each request ONE conditional write adds a slot to every window's count;
 *   its condition checks every window (and blocks, the circuit and fair share) against the
 *   stored item, so concurrent containers can never spend more than the limit between two
 *   answers. It returns the new counts; a refused write returns the item as it stood, so a
 *   refusal writes nothing and needs no read to say why.
 * - Each container keeps the windows it learnt in memory until they reset (gate-items.ts), so
 *   the common request reads nothing. The usage headers are written back only when the
 *   provider counted more than was reserved (other apps, retries) or the windows changed.
 * - A window nobody has seen yet (first call, or after it rolled over) is probed by one request
 *   at a time (a lease); the others wait briefly for its headers.
 * - A 429 blocks the scope until its Retry-After (sent or computed), which wins over any
 *   window: the windows are forgotten and probed again afterwards.
 * - Fair share: the last RESERVE of each app-wide window is kept for users who have not had
 *   their share. Once less than that is left, a user who has spent PIERRE_<P>_USER_SHARE of the
 *   window (10 % by default, at least one request) is refused (and queued); a lone user still
 *   gets everything above the reserve.
 * - Background share: calls made for history backfill (the request context's `windowShare`)
 *   are counted apart, per window, and refused once they have spent their share of it, so live
 *   reads always find the rest; they do not count toward their user's fair share.
 * - Providers whose answers carry no usage headers are checked by one read per request (a 429
 *   they sent blocks them everywhere), and are never written to per request.
 */
import { createHash, randomUUID } from 'node:crypto';
import { ProviderError, type RateLimitScope } from '../models';
import { currentRequest, remainingBudgetMs } from '../context/request';
import type { RateLimitUsage } from '../providers/rate-limit';
import type { StateCondition, StateItem, StateStore } from '../store/ports';
import { circuitNotOpen, circuitOpenError, circuitStateOf } from './circuit';
import type { CallContext } from './context';
import { APP_SK, countIn, encodeWindows, GATE_ITEM, gatePk, windowsIn, type GateItems, type KnownWindow } from './gate-items';
import { acquireLease, releaseLease } from './lease';
import type { ResilienceSettings } from './settings';

/** The share of each app-wide window kept for users who have not had their share. */
const RESERVE = 0.25;
const PROBE_LEASE_MS = 10_000;
/** How long a request waits for another's probe before it is refused (and queued), within the invocation's budget. */
const PROBE_WAIT_MS = 8_000;
/** Time kept for answering when the wait for a probe ends because the invocation's budget does. */
const PROBE_WAIT_MARGIN_MS = 1_000;
const FIRST_POLL_MS = 25;
const MAX_POLL_MS = 200;
/** Readings of one window whose reset times differ by less than this are the same window. */
const SAME_WINDOW_SECS = 2;
/** Stale counts removed per write when windows roll over (keeps each expression well under DynamoDB's 4 KB). */
const REMOVALS_PER_WRITE = 150;
/** Reservations refused for a reason that was gone when re-checked (a race with a roll-over) before giving up. */
const MAX_RESERVE_ATTEMPTS = 3;

interface Meta {
  blockedUntilMs: number | undefined;
  /** Which scope the provider's usage headers describe; `none` when its answers carry none. */
  reports: RateLimitScope | 'none' | undefined;
  windows: Record<string, KnownWindow>;
}

/** A refusal by the gate itself: nothing was sent, so it says nothing new about the provider. */
export class GateRefusal extends ProviderError {}

/*
 * Field names inside a scope's item. A window is named by a short hash of its name and reset
 * time, so the counts of a window that rolled over are simply other fields (removed when the
 * new windows are written). Users are named by a short hash of tenant and user: the item
 * carries one count per user and window, so fair share costs no write of its own. That makes
 * the item grow by about 25 bytes per distinct user of a window (a window has at most `limit`
 * users); the alternative, a second item per user, would be a second write on every request.
 */
const digest = (text: string, length: number) => createHash('sha256').update(text).digest('base64url').slice(0, length);
const tagOf = (name: string, w: KnownWindow) => digest(`${name}\n${w.resetsAt}`, 6);
const countField = (tag: string) => `c:${tag}`;
type UserRef = Pick<CallContext, 'tenantId' | 'userId'>;
const userOf = (user: UserRef) => digest(`${user.tenantId}\n${user.userId}`, 12);
const userCountField = (tag: string, call: CallContext) => `u:${tag}:${userOf(call)}`;
const userBlockField = (user: UserRef) => `b:${userOf(user)}`;
/** Whether an app item's field counts or blocks this user (`u:<window>:<user>`, `b:<user>`). */
const namesUser = (field: string, user: UserRef) => field === userBlockField(user) || (field.startsWith('u:') && field.endsWith(`:${userOf(user)}`));
/** Background (history backfill) calls of a window. */
const backgroundField = (tag: string) => `k:${tag}`;
/** How much of a window background calls may spend (at least one request, so history always moves). */
const backgroundCap = (limit: number, sharePct: number) => Math.max(1, Math.floor((limit * sharePct) / 100));

const userScope = (user: UserRef) => `user#${encodeURIComponent(user.tenantId)}#${encodeURIComponent(user.userId)}`;
const scopeKeyOf = (scope: RateLimitScope, call: CallContext) => (scope === 'app' ? APP_SK : userScope(call));

function metaOf(item: StateItem | undefined): Meta {
  const { blockedUntilMs, reports } = GATE_ITEM.decode(item);
  return { blockedUntilMs, reports, windows: windowsIn(item) };
}

const numberIn = (item: StateItem | undefined, field: string) => countIn(item, field) ?? 0;
const allCurrent = (windows: Record<string, KnownWindow>, nowMs: number) =>
  Object.keys(windows).length > 0 && Object.values(windows).every((w) => w.resetsAt * 1000 > nowMs);
const lastReset = (windows: Record<string, KnownWindow>) => Math.max(...Object.values(windows).map((w) => w.resetsAt));

/** How much of an app-wide window is kept back, and what one user may have spent and still be served once it is reached. */
export function fairShareOf(limit: number, userSharePct: number): { freeBelow: number; share: number } {
  return { freeBelow: limit - Math.floor(limit * RESERVE), share: Math.max(1, Math.floor((limit * userSharePct) / 100)) };
}

type Reserved = 'admitted' | 'again';

export class RateLimitGate {
  readonly #holder = randomUUID();
  #probes = 0;

  constructor(
    private readonly store: StateStore,
    private readonly items: GateItems,
    private readonly settingsOf: (provider: string) => ResilienceSettings,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  /** Forgets what this container learnt (tests that reset the stored items). */
  forget(): void {
    this.items.forget();
  }

  /** Resolves when the request may be made; rejects with a GateRefusal (`rate_limited`) or `circuit_open` otherwise. */
  async admit(call: CallContext): Promise<void> {
    const ahead = call.admission;
    if (ahead !== undefined) {
      call.admission = undefined;
      return ahead;
    }
    const provider = call.provider;
    const budget = call.budget;
    const giveUpAt = this.now() + PROBE_WAIT_MS;
    let pause = FIRST_POLL_MS;
    let attempts = 0;
    // Memory first; the stored item when memory cannot decide, or after a wait.
    let fresh = this.items.peek(budget, APP_SK) === undefined;
    for (;;) {
      const now = this.now();
      const app = fresh ? await this.items.read(budget, APP_SK) : this.items.peek(budget, APP_SK)!;
      const appMeta = metaOf(app);
      if (!fresh && (appMeta.reports === undefined || appMeta.reports === 'none' || (appMeta.reports === 'app' && !allCurrent(appMeta.windows, now)))) {
        fresh = true;
        continue;
      }
      this.#refuseIfBlocked(call, app, appMeta, now);
      const circuit = this.settingsOf(provider).circuit;
      const state = circuitStateOf(app, circuit, now);
      if (state.status === 'open') throw circuitOpenError(provider, state, circuit, now);
      call.reports = appMeta.reports;
      if (appMeta.reports === 'none') return;
      const scope: RateLimitScope = appMeta.reports === 'user' ? 'user' : 'app';
      const scopeKey = scopeKeyOf(scope, call);
      let item = app;
      if (scope === 'user') {
        const known = this.items.peek(budget, scopeKey);
        item = known && !fresh && allCurrent(metaOf(known).windows, now) ? known : await this.items.read(budget, scopeKey);
        const userMeta = metaOf(item);
        if (userMeta.blockedUntilMs !== undefined && userMeta.blockedUntilMs > now) {
          throw this.refusal(call, 'user', (userMeta.blockedUntilMs - now) / 1000, 'is rate limited');
        }
      }
      const windows = metaOf(item).windows;
      if (appMeta.reports !== undefined && allCurrent(windows, now)) {
        if ((await this.#reserve(call, scope, scopeKey, GATE_ITEM.decode(item).windows ?? '', windows)) === 'admitted') return;
        if (++attempts >= MAX_RESERVE_ATTEMPTS) throw this.refusal(call, scope, 1, 'budget is changing');
        fresh = false;
        continue;
      }
      if (call.probes.has(scopeKey)) return;
      const probe = `${this.#holder}:${++this.#probes}`;
      if (await acquireLease(this.store, gatePk(budget), `${scopeKey}#probe`, { holder: probe, untilMs: now + PROBE_LEASE_MS, nowMs: now })) {
        call.probes.set(scopeKey, probe);
        return;
      }
      const timeLeft = remainingBudgetMs();
      if (this.now() >= giveUpAt || (timeLeft !== undefined && timeLeft < PROBE_WAIT_MARGIN_MS)) {
        throw this.refusal(call, scope, 1, 'budget is being measured');
      }
      await this.sleep(pause);
      pause = Math.min(MAX_POLL_MS, pause * 2);
      fresh = true;
    }
  }

  #refuseIfBlocked(call: CallContext, app: StateItem, meta: Meta, now: number): void {
    if (meta.blockedUntilMs !== undefined && meta.blockedUntilMs > now) {
      throw this.refusal(call, 'app', (meta.blockedUntilMs - now) / 1000, 'is rate limited');
    }
    const userBlock = numberIn(app, userBlockField(call));
    if (userBlock > now) throw this.refusal(call, 'user', (userBlock - now) / 1000, 'is rate limited');
  }

  /**
   * One conditional write: a slot in every window (and, app-wide, in this user's count), if
   * every window has room, nothing blocks, the circuit is not open and fair share allows it.
   */
  async #reserve(call: CallContext, scope: RateLimitScope, scopeKey: string, stored: string, windows: Record<string, KnownWindow>): Promise<Reserved> {
    const provider = call.provider;
    const budget = call.budget;
    const settings = this.settingsOf(provider);
    const now = this.now();
    const background = scope === 'app' ? currentRequest()?.windowShare : undefined;
    // `failures` is added 0 so that the answer carries the circuit's count (recordSuccess resets it).
    const add: Record<string, number> = scope === 'app' ? { [GATE_ITEM.field('failures')]: 0 } : {};
    const ifAll: StateCondition[][] = [
      // The windows this container knows are still the stored ones (not forgotten after a 429, nor re-learnt with another limit).
      [{ field: GATE_ITEM.field('windows'), op: 'eq', value: stored }],
      [
        { field: GATE_ITEM.field('blockedUntilMs'), op: 'missing' },
        { field: GATE_ITEM.field('blockedUntilMs'), op: 'lt', value: now + 1 },
      ],
    ];
    if (scope === 'app') {
      ifAll.push(circuitNotOpen(settings.circuit, now));
      ifAll.push([
        { field: userBlockField(call), op: 'missing' },
        { field: userBlockField(call), op: 'lt', value: now + 1 },
      ]);
    }
    for (const [name, w] of Object.entries(windows)) {
      const tag = tagOf(name, w);
      const count = countField(tag);
      add[count] = 1;
      ifAll.push([
        { field: count, op: 'missing' },
        { field: count, op: 'lt', value: w.limit },
      ]);
      if (scope !== 'app') continue;
      if (background !== undefined) {
        const spent = backgroundField(tag);
        add[spent] = 1;
        ifAll.push([
          { field: spent, op: 'missing' },
          { field: spent, op: 'lt', value: backgroundCap(w.limit, background) },
        ]);
        continue;
      }
      const mine = userCountField(tag, call);
      add[mine] = 1;
      const { freeBelow, share } = fairShareOf(w.limit, settings.fairShare.userSharePct);
      ifAll.push([
        { field: count, op: 'missing' },
        { field: count, op: 'lt', value: freeBelow },
        { field: mine, op: 'missing' },
        { field: mine, op: 'lt', value: share },
      ]);
    }
    const outcome = await this.store.addAll(gatePk(budget), scopeKey, {
      add,
      ifAll,
      ...(scope === 'user' && { expiresAtSecs: lastReset(windows) + 300 }),
    });
    if (outcome.added) {
      this.items.merge(budget, scopeKey, outcome.values);
      call.reserved = { scopeKey, add };
      return 'admitted';
    }
    // Nothing was written; the item as it stood says why.
    const item = outcome.item ?? {};
    this.items.remember(budget, scopeKey, item);
    const meta = metaOf(item);
    if (scope === 'app') {
      this.#refuseIfBlocked(call, item, meta, now);
      const circuit = circuitStateOf(item, settings.circuit, now);
      if (circuit.status === 'open') throw circuitOpenError(provider, circuit, settings.circuit, now);
    } else if (meta.blockedUntilMs !== undefined && meta.blockedUntilMs > now) {
      throw this.refusal(call, scope, (meta.blockedUntilMs - now) / 1000, 'is rate limited');
    }
    // Other windows are stored now: decide again with them.
    if (GATE_ITEM.decode(item).windows !== stored) return 'again';
    for (const [name, w] of Object.entries(windows)) {
      const tag = tagOf(name, w);
      const used = numberIn(item, countField(tag));
      if (used >= w.limit) throw this.refusal(call, scope, w.resetsAt - now / 1000, `${name} budget is used up`);
      if (scope !== 'app') continue;
      if (background !== undefined) {
        if (numberIn(item, backgroundField(tag)) >= backgroundCap(w.limit, background)) {
          throw this.refusal(call, scope, w.resetsAt - now / 1000, `${name} budget share for history is used up`);
        }
        continue;
      }
      const { freeBelow, share } = fairShareOf(w.limit, settings.fairShare.userSharePct);
      if (used >= freeBelow && numberIn(item, userCountField(tag, call)) >= share) {
        throw this.refusal(call, scope, w.resetsAt - now / 1000, `${name} budget is low and this user has had a fair share of it`);
      }
    }
    return 'again';
  }

  /** Learns the windows from an answer's usage headers (undefined: the answer carried none). */
  async observe(call: CallContext, usage: RateLimitUsage | undefined): Promise<void> {
    if (!usage) {
      call.unreported = true;
      return;
    }
    call.observed = true;
    const budget = call.budget;
    const pk = gatePk(budget);
    const scopeKey = scopeKeyOf(usage.scope, call);
    const item = await this.items.known(budget, scopeKey);
    const meta = metaOf(item);
    const windows: Record<string, KnownWindow> = {};
    for (const w of usage.windows) {
      const known = meta.windows[w.name];
      const resetsAt = known && Math.abs(known.resetsAt - w.resets_at) < SAME_WINDOW_SECS ? known.resetsAt : w.resets_at;
      windows[w.name] = { limit: w.limit, resetsAt };
    }
    const used = (w: RateLimitUsage['windows'][number]) => Math.max(0, w.limit - w.remaining);
    // Windows already counted (known, or counted by containers that still know them after a
    // 429 made the item forget its windows) are only ever raised, never set.
    const known = new Set(usage.windows.map((w) => tagOf(w.name, windows[w.name]!)).filter((tag) => countIn(item, countField(tag)) !== undefined));
    for (const [name, w] of Object.entries(meta.windows)) known.add(tagOf(name, w));
    const appReports = metaOf(this.items.peek(budget, APP_SK)).reports;
    const writes: Promise<unknown>[] = [];
    if (JSON.stringify(windows) !== JSON.stringify(meta.windows) || (usage.scope === 'app' && appReports !== 'app')) {
      writes.push(this.#learn(call, usage, scopeKey, item, windows, known));
    }
    if (usage.scope === 'user' && appReports !== 'user') {
      writes.push(this.store.update(pk, APP_SK, GATE_ITEM.encode({ reports: 'user' })).then((after) => this.items.remember(budget, APP_SK, after)));
    }
    // What the provider counted may be more than we reserved (other apps, retries): raise ours to it.
    for (const w of usage.windows) {
      const tag = tagOf(w.name, windows[w.name]!);
      if (!known.has(tag) || used(w) <= numberIn(this.items.peek(budget, scopeKey), countField(tag))) continue;
      writes.push(
        this.store
          .update(
            pk,
            scopeKey,
            { [countField(tag)]: used(w) },
            {
              ifAny: [
                { field: countField(tag), op: 'missing' },
                { field: countField(tag), op: 'lt', value: used(w) },
              ],
            },
          )
          .then((after) => (after ? this.items.merge(budget, scopeKey, { [countField(tag)]: used(w) }) : undefined)),
      );
    }
    await Promise.all(writes);
    await this.releaseProbes(call);
  }

  /**
   * New windows (or limits): one write sets them with the provider's counts for windows new to
   * us, counts a probe toward its user's share, and drops the counts of windows that rolled over.
   */
  async #learn(
    call: CallContext,
    usage: RateLimitUsage,
    scopeKey: string,
    item: StateItem,
    windows: Record<string, KnownWindow>,
    known: Set<string>,
  ): Promise<void> {
    const budget = call.budget;
    const pk = gatePk(budget);
    const now = this.now();
    const fields: StateItem = encodeWindows(windows);
    if (usage.scope === 'app') Object.assign(fields, GATE_ITEM.encode({ reports: 'app' }));
    const current = new Set<string>();
    for (const w of usage.windows) {
      const tag = tagOf(w.name, windows[w.name]!);
      current.add(tag);
      if (known.has(tag)) continue;
      fields[countField(tag)] = Math.max(0, w.limit - w.remaining);
      if (usage.scope === 'app' && call.probes.has(scopeKey)) fields[userCountField(tag, call)] = 1;
    }
    const stale = Object.keys(item).filter((field) => {
      const [kind, tag] = field.split(':');
      if (kind === 'c' || kind === 'u' || kind === 'k') return !current.has(tag!);
      return kind === 'b' && numberIn(item, field) <= now;
    });
    const write = usage.scope === 'user' ? { expiresAtSecs: lastReset(windows) + 300 } : {};
    const removals = (chunk: string[]) => Object.fromEntries(chunk.map((field) => [field, null]));
    let after = await this.store.update(pk, scopeKey, { ...fields, ...removals(stale.slice(0, REMOVALS_PER_WRITE)) }, write);
    for (let i = REMOVALS_PER_WRITE; i < stale.length; i += REMOVALS_PER_WRITE) {
      after = await this.store.update(pk, scopeKey, removals(stale.slice(i, i + REMOVALS_PER_WRITE)));
    }
    this.items.remember(budget, scopeKey, after);
  }

  /** Gives back the slot an admission reserved for a call that was never made (its fill found the value, its connection failed). */
  async release(call: CallContext): Promise<void> {
    await call.admission?.catch(() => undefined);
    const reserved = call.reserved;
    call.reserved = undefined;
    if (!reserved) return;
    const add = Object.fromEntries(Object.entries(reserved.add).flatMap(([field, by]) => (by === 0 ? [] : [[field, -by]])));
    const outcome = await this.store.addAll(gatePk(call.budget), reserved.scopeKey, { add });
    if (outcome.added) this.items.merge(call.budget, reserved.scopeKey, outcome.values);
  }

  /** A 429 from the provider: the scope waits until its Retry-After, then its windows are probed anew. */
  async limited(call: CallContext, error: ProviderError): Promise<void> {
    const scope = error.rateLimitScope ?? 'app';
    const until = this.now() + Math.max(1, error.retryAfterSecs ?? 60) * 1000;
    const budget = call.budget;
    const reports = metaOf(this.items.peek(budget, APP_SK)).reports;
    // A user's own limit, where the provider's windows are app-wide (or unreported), is kept in
    // the app item that every request of this provider already checks.
    const [sk, fields]: [string, StateItem] =
      scope === 'user' && reports !== 'user'
        ? [APP_SK, { [userBlockField(call)]: until }]
        : [scopeKeyOf(scope, call), GATE_ITEM.encode({ blockedUntilMs: until, windows: JSON.stringify({}) })];
    this.items.remember(budget, sk, await this.store.update(gatePk(budget), sk, fields));
  }

  /** After a call: probes end; a probe whose answers reported no usage marks the provider as reporting none. */
  async finish(call: CallContext): Promise<void> {
    // An admission started ahead but never taken may still be taking a probe lease.
    await call.admission?.catch(() => undefined);
    if (call.probes.size === 0) return;
    if (!call.observed && call.unreported) {
      const after = await this.store.update(gatePk(call.budget), APP_SK, GATE_ITEM.encode({ reports: 'none' }), {
        ifAny: [{ field: GATE_ITEM.field('reports'), op: 'missing' }],
      });
      if (after) this.items.remember(call.budget, APP_SK, after);
    }
    await this.releaseProbes(call);
  }

  /**
   * Erasure: the user's own scope items and probe leases at each provider, and the user's counts
   * and block in each app item (fair share). Returns how many items and fields went.
   */
  async eraseUser(user: UserRef, providers: readonly string[]): Promise<number> {
    let erased = 0;
    for (const provider of providers) {
      const pk = gatePk(provider);
      for (const sk of [userScope(user), `${userScope(user)}#probe`]) {
        if ((await this.store.get(pk, sk, 0)) === undefined) continue;
        await this.store.delete(pk, sk);
        this.items.remember(provider, sk, undefined);
        erased++;
      }
      const fields = Object.keys((await this.store.get(pk, APP_SK, 0)) ?? {}).filter((field) => namesUser(field, user));
      if (fields.length === 0) continue;
      const after = await this.store.update(pk, APP_SK, Object.fromEntries(fields.map((field) => [field, null])));
      this.items.remember(provider, APP_SK, after);
      erased += fields.length;
    }
    return erased;
  }

  private async releaseProbes(call: CallContext): Promise<void> {
    await Promise.all([...call.probes].map(([scopeKey, holder]) => releaseLease(this.store, gatePk(call.budget), `${scopeKey}#probe`, holder)));
    call.probes.clear();
  }

  private refusal(call: CallContext, scope: RateLimitScope, waitSecs: number, why: string): GateRefusal {
    const retryAfterSecs = Math.max(1, Math.ceil(waitSecs));
    return new GateRefusal({
      kind: 'rate_limited',
      provider: call.provider,
      retryAfterSecs,
      rateLimitScope: scope,
      message: `${call.provider} ${why}; retry in ${retryAfterSecs} s`,
    });
  }
}
