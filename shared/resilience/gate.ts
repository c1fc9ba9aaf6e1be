/**
 * The rate-limit gate: one view of every provider budget, shared by all containers through the
 * StateStore, consulted before each provider request so that nobody calls a provider known to
 * be limited.
 *
 * - Windows are learnt from the usage headers of answers (`observe`). Before each request a
 *   slot is reserved in every known window with a conditional increment, so concurrent
 *   containers can never spend more than the limit between two answers.
 * - A window nobody has seen yet (first call, or after it rolled over) is probed by one request
 *   at a time (a lease); the others wait briefly for its headers.
 * - A 429 blocks the scope until its Retry-After (sent or computed), which wins over any
 *   window: the windows are forgotten and probed again afterwards.
 * - Fair share: when an app-wide window runs low, a user who has used more than the window's
 *   limit divided by its users is refused (and queued) while the others still pass.
 */
import { randomUUID } from 'node:crypto';
import { ProviderError, type RateLimitScope } from '../models';
import { remainingBudgetMs } from '../providers/deadline';
import type { RateLimitUsage } from '../providers/rate-limit';
import type { StateItem, StateStore } from '../store/ports';
import type { CallContext } from './context';
import { acquireLease, releaseLease } from './lease';

/** Below this share of a window left, fair share applies. */
const LOW_WATER = 0.25;
const PROBE_LEASE_MS = 10_000;
/** How long a request waits for another's probe before it is refused (and queued), within the invocation's budget. */
const PROBE_WAIT_MS = 8_000;
/** Time kept for answering when the wait for a probe ends because the invocation's budget does. */
const PROBE_WAIT_MARGIN_MS = 1_000;
const FIRST_POLL_MS = 25;
const MAX_POLL_MS = 200;
/** Readings of one window whose reset times differ by less than this are the same window. */
const SAME_WINDOW_SECS = 2;

interface KnownWindow {
  limit: number;
  /** Epoch seconds. */
  resetsAt: number;
}

interface Meta {
  blockedUntilMs: number | undefined;
  /** Which scope the provider's usage headers describe; `none` when its answers carry none. */
  reports: RateLimitScope | 'none' | undefined;
  windows: Record<string, KnownWindow>;
}

/** A refusal by the gate itself: nothing was sent, so it says nothing new about the provider. */
export class GateRefusal extends ProviderError {}

const escape = (part: string) => encodeURIComponent(part);
const userScope = (call: CallContext) => `user#${escape(call.tenantId)}#${escape(call.userId)}`;
const scopeKeyOf = (scope: RateLimitScope, call: CallContext) => (scope === 'app' ? 'app' : userScope(call));
const windowSk = (scopeKey: string, name: string, w: KnownWindow) => `${scopeKey}#w#${name}#${w.resetsAt}`;
const userSk = (scopeKey: string, name: string, w: KnownWindow, call: CallContext) => `${windowSk(scopeKey, name, w)}#u#${userScope(call)}`;

function metaOf(item: StateItem | undefined): Meta {
  let windows: Record<string, KnownWindow> = {};
  try {
    if (typeof item?.['windows'] === 'string') windows = JSON.parse(item['windows']) as Record<string, KnownWindow>;
  } catch {
    windows = {};
  }
  const reports = item?.['reports'];
  return {
    blockedUntilMs: typeof item?.['blockedUntilMs'] === 'number' ? item['blockedUntilMs'] : undefined,
    reports: reports === 'app' || reports === 'user' || reports === 'none' ? reports : undefined,
    windows,
  };
}

export class RateLimitGate {
  readonly #holder = randomUUID();
  #probes = 0;

  constructor(
    private readonly store: StateStore,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  /** Resolves when the request may be made; rejects with a GateRefusal (`rate_limited`) otherwise. */
  async admit(call: CallContext): Promise<void> {
    const pk = `gate#${call.provider}`;
    const giveUpAt = this.now() + PROBE_WAIT_MS;
    let pause = FIRST_POLL_MS;
    for (;;) {
      const now = this.now();
      const [app, user] = (await Promise.all([this.store.get(pk, 'app', now), this.store.get(pk, userScope(call), now)])).map(metaOf) as [Meta, Meta];
      for (const [scope, meta] of [['app', app], ['user', user]] as const) {
        if (meta.blockedUntilMs !== undefined && meta.blockedUntilMs > now) {
          throw this.refusal(call, scope, (meta.blockedUntilMs - now) / 1000, 'is rate limited');
        }
      }
      call.reports = app.reports;
      if (app.reports === 'none') return;
      const scope: RateLimitScope = app.reports === 'user' ? 'user' : 'app';
      const scopeKey = scopeKeyOf(scope, call);
      const meta = scope === 'app' ? app : user;
      const windows = Object.entries(meta.windows);
      const known = app.reports !== undefined && windows.length > 0 && windows.every(([, w]) => w.resetsAt * 1000 > now);
      if (known) return this.reserve(call, pk, scope, scopeKey, windows);
      if (call.probes.has(scopeKey)) return;
      const probe = `${this.#holder}:${++this.#probes}`;
      if (await acquireLease(this.store, pk, `${scopeKey}#probe`, { holder: probe, untilMs: now + PROBE_LEASE_MS, nowMs: now })) {
        call.probes.set(scopeKey, probe);
        return;
      }
      const budget = remainingBudgetMs();
      if (this.now() >= giveUpAt || (budget !== undefined && budget < PROBE_WAIT_MARGIN_MS)) {
        throw this.refusal(call, scope, 1, 'budget is being measured');
      }
      await this.sleep(pause);
      pause = Math.min(MAX_POLL_MS, pause * 2);
    }
  }

  async #reserveOne(pk: string, sk: string, window: KnownWindow): Promise<StateItem | undefined> {
    return this.store.add(pk, sk, 'used', 1, {
      ifAny: [
        { field: 'used', op: 'missing' },
        { field: 'used', op: 'lt', value: window.limit },
      ],
      expiresAtSecs: window.resetsAt + 300,
    });
  }

  private async reserve(call: CallContext, pk: string, scope: RateLimitScope, scopeKey: string, windows: [string, KnownWindow][]): Promise<void> {
    const reserved = await Promise.all(windows.map(([name, w]) => this.#reserveOne(pk, windowSk(scopeKey, name, w), w)));
    const undo = () =>
      Promise.all(windows.map(([name, w], i) => (reserved[i] ? this.store.add(pk, windowSk(scopeKey, name, w), 'used', -1) : undefined)));
    const full = windows.findIndex((_, i) => reserved[i] === undefined);
    if (full >= 0) {
      await undo();
      const [name, w] = windows[full]!;
      throw this.refusal(call, scope, w.resetsAt - this.now() / 1000, `${name} budget is used up`);
    }
    if (scope !== 'app') return;
    const counts = await this.countUser(call, pk, scopeKey, windows);
    const unfair = windows.findIndex(([, w], i) => {
      const item = reserved[i]!;
      const remaining = w.limit - Number(item['used'] ?? 0);
      const users = Math.max(1, counts[i]!.users ?? Number(item['users'] ?? 1));
      return remaining < LOW_WATER * w.limit && counts[i]!.n > Math.ceil(w.limit / users);
    });
    if (unfair < 0) return;
    await Promise.all([undo(), ...windows.map(([name, w]) => this.store.add(pk, userSk(scopeKey, name, w, call), 'n', -1))]);
    const [name, w] = windows[unfair]!;
    throw this.refusal(call, scope, w.resetsAt - this.now() / 1000, `${name} budget is low and this user has had a fair share of it`);
  }

  /** Fair share's bookkeeping: this user's requests in each window, and the window's distinct users. */
  private countUser(call: CallContext, pk: string, scopeKey: string, windows: [string, KnownWindow][]) {
    return Promise.all(
      windows.map(async ([name, w]) => {
        const after = await this.store.add(pk, userSk(scopeKey, name, w, call), 'n', 1, { expiresAtSecs: w.resetsAt + 300 });
        const n = Number(after?.['n'] ?? 1);
        const users = n === 1 ? Number((await this.store.add(pk, windowSk(scopeKey, name, w), 'users', 1))?.['users'] ?? 1) : undefined;
        return { n, users };
      }),
    );
  }

  /** Learns the windows from an answer's usage headers (undefined: the answer carried none). */
  async observe(call: CallContext, usage: RateLimitUsage | undefined): Promise<void> {
    if (!usage) {
      call.unreported = true;
      return;
    }
    call.observed = true;
    const pk = `gate#${call.provider}`;
    const now = this.now();
    const scopeKey = scopeKeyOf(usage.scope, call);
    const meta = metaOf(await this.store.get(pk, scopeKey, now));
    const windows: Record<string, KnownWindow> = {};
    for (const w of usage.windows) {
      const known = meta.windows[w.name];
      const resetsAt = known && Math.abs(known.resetsAt - w.resets_at) < SAME_WINDOW_SECS ? known.resetsAt : w.resets_at;
      windows[w.name] = { limit: w.limit, resetsAt };
    }
    const used = (w: RateLimitUsage['windows'][number]) => Math.max(0, w.limit - w.remaining);
    await Promise.all([
      // What the provider counted may be more than we reserved (other apps, retries): raise ours to it.
      ...usage.windows.map((w) =>
        this.store.update(pk, windowSk(scopeKey, w.name, windows[w.name]!), { used: used(w) }, {
          ifAny: [
            { field: 'used', op: 'missing' },
            { field: 'used', op: 'lt', value: used(w) },
          ],
          expiresAtSecs: windows[w.name]!.resetsAt + 300,
        }),
      ),
      JSON.stringify(windows) === JSON.stringify(meta.windows) ? undefined : this.store.update(pk, scopeKey, { windows: JSON.stringify(windows) }),
      call.reports === usage.scope ? undefined : this.store.update(pk, 'app', { reports: usage.scope }),
      // A probe was let through without a reservation; it still counts toward its user's share.
      usage.scope === 'app' && call.probes.has(scopeKey) ? this.countUser(call, pk, scopeKey, Object.entries(windows)) : undefined,
    ]);
    await this.releaseProbes(call);
  }

  /** A 429 from the provider: the scope waits until its Retry-After, then its windows are probed anew. */
  async limited(call: CallContext, error: ProviderError): Promise<void> {
    const scope = error.rateLimitScope ?? 'app';
    const until = this.now() + Math.max(1, error.retryAfterSecs ?? 60) * 1000;
    await this.store.update(`gate#${call.provider}`, scopeKeyOf(scope, call), { blockedUntilMs: until, windows: '{}' });
  }

  /** After a call: probes end; a probe whose answers reported no usage marks the provider as reporting none. */
  async finish(call: CallContext): Promise<void> {
    if (call.probes.size === 0) return;
    if (!call.observed && call.unreported) {
      await this.store.update(`gate#${call.provider}`, 'app', { reports: 'none' }, { ifAny: [{ field: 'reports', op: 'missing' }] });
    }
    await this.releaseProbes(call);
  }

  private async releaseProbes(call: CallContext): Promise<void> {
    await Promise.all([...call.probes].map(([scopeKey, holder]) => releaseLease(this.store, `gate#${call.provider}`, `${scopeKey}#probe`, holder)));
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
