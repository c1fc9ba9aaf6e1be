/**
 * What this container knows of the rate-limit gate's items, kept between requests. Each
 * provider has one app-wide item (`gate#<provider>` / `app`: who its usage headers describe,
 * the learnt windows and their counts, blocks after a 429, and the provider's circuit) and, for
 * providers whose windows are per user, one item per user.
 *
 * A copy in memory is what lets an admitted request cost the gate one write and no read: the
 * reservation's condition checks the stored item itself, and what the write returns (or, when
 * refused, the item as it stood) keeps the copy current. A container reads an item only when
 * it has no copy, or when its copy cannot decide (the windows it knows have reset).
 */
import * as z from '../zod';
import type { StateItem, StateStore } from '../store/ports';
import { jsonIn, recordCodec } from '../store/records';
import { SingleFlight } from '../single-flight';

export const gatePk = (provider: string) => `gate#${provider}`;
export const APP_SK = 'app';

/**
 * A scope's gate item. Besides these fields it holds counts named by the gate (gate.ts): one
 * per window (`c:<window>`), one per user and window (`u:<window>:<user>`), one of history
 * backfill's calls per window (`k:<window>`) and a block per user
 * (`b:<user>`, epoch ms); read them with `countIn`.
 */
export const GATE_ITEM = recordCodec({
  /** Epoch ms until which a 429 blocks the scope. */
  blockedUntilMs: z.number(),
  /** Which scope the provider's usage headers describe; `none` when its answers carry none. */
  reports: z.enum(['app', 'user', 'none']),
  /** The learnt windows by name, as JSON (see WINDOWS). */
  windows: z.string(),
  /** The provider's circuit (app item only, see circuit.ts): consecutive failures, and when it opened. */
  failures: z.number(),
  openedAtMs: z.number(),
});

export interface KnownWindow {
  limit: number;
  /** Epoch seconds. */
  resetsAt: number;
}

const WINDOWS = z.record(z.string(), z.object({ limit: z.number(), resetsAt: z.number() }));

/** The learnt windows of an item (none when absent or unreadable). */
export function windowsIn(item: StateItem | undefined): Record<string, KnownWindow> {
  return jsonIn(GATE_ITEM.decode(item).windows, WINDOWS) ?? {};
}

export const encodeWindows = (windows: Record<string, KnownWindow>): StateItem => GATE_ITEM.encode({ windows: JSON.stringify(windows) });

const COUNT = z.number();

/** A count (or a user's block) of the item, by its field name; undefined when absent. */
export function countIn(item: StateItem | undefined, field: string): number | undefined {
  const parsed = COUNT.safeParse(item?.[field]);
  return parsed.success ? parsed.data : undefined;
}

/** Copies kept per container (per-user items of many users); the oldest are dropped beyond it. */
const MAX_COPIES = 10_000;

export class GateItems {
  readonly #copies = new Map<string, StateItem>();
  /** Requests waiting together (for a probe's answer) share one read instead of each polling the table. */
  readonly #reads = new SingleFlight<StateItem>();

  constructor(
    private readonly store: StateStore,
    private readonly now: () => number,
  ) {}

  /** The copy in memory, if any. */
  peek(provider: string, sk: string): StateItem | undefined {
    return this.#copies.get(key(provider, sk));
  }

  /** Reads the stored item (absent: empty) and keeps it. */
  read(provider: string, sk: string): Promise<StateItem> {
    return this.#reads.run(key(provider, sk), async () => {
      const item = (await this.store.get(gatePk(provider), sk, this.now())) ?? {};
      this.remember(provider, sk, item);
      return item;
    });
  }

  /** The copy, or the stored item when there is none yet. */
  async known(provider: string, sk: string): Promise<StateItem> {
    return this.peek(provider, sk) ?? this.read(provider, sk);
  }

  /** Replaces the copy with an item as stored (undefined: absent). */
  remember(provider: string, sk: string, item: StateItem | undefined): void {
    const k = key(provider, sk);
    this.#copies.delete(k);
    this.#copies.set(k, { ...(item ?? {}) });
    if (this.#copies.size > MAX_COPIES) this.#copies.delete(this.#copies.keys().next().value!);
  }

  /** Folds fields just written into the copy. */
  merge(provider: string, sk: string, fields: StateItem): void {
    this.remember(provider, sk, { ...this.peek(provider, sk), ...fields });
  }

  /** Drops every copy (tests that reset the stored items). */
  forget(): void {
    this.#copies.clear();
  }
}

const key = (provider: string, sk: string) => `${provider}\n${sk}`;
