/**
 * Merging records of several providers (docs/merging.md). Providers do not deduplicate across
 * sources (a run synced Garmin -> Strava arrives from both; a night is scored by the ring and
 * the watch), so records of different providers that stand for the same workout, night or day
 * are one record: the copy that wins keeps its values and names the others in `also_from`.
 *
 * Which copy wins: the one whose provider comes first in the priority order (the user's, else
 * the tenant's); providers not in the order come after every listed one. Between copies of
 * equal rank (both unlisted, or no order at all) the most detailed wins (more non-null fields),
 * then the one from the source list given first. Copies are taken in that order of preference:
 * each joins the first kept record it duplicates, or is kept itself. So every record merged away
 * duplicates its winner directly, and the winner outranks it.
 *
 * Pure functions over normalized records: the live `provider=all` answers and the records store
 * use the same merge.
 */
import type { Activity, RecoveryMetrics, SleepSession } from '../models';

/** What a mergeable record has: its provider and, once merged, the providers merged into it. */
interface Mergeable {
  provider: string;
  also_from?: string[] | undefined;
}

/** How to tell two records of different providers apart, for one kind of record. */
export interface MergeKind<T extends Mergeable> {
  /** Epoch ms of the record's start: the answer is sorted on it, newest first. */
  startMs(record: T): number;
  /** Two records whose starts are further apart than this are never the same (the index buckets on it). */
  reachMs: number;
  /** Same workout / night / day (only asked for records of different providers). */
  same(a: T, b: T): boolean;
  /** A stable tie-break within one provider (the record's id). */
  key(record: T): string;
}

// ---- activities --------------------------------------------------------------------------------

const SAME_START_SECS = 60;
/** Ends may differ by this share of the longer elapsed time, and by at least SAME_END_SECS. */
const SAME_END_RATIO = 0.1;
const SAME_END_SECS = 120;

/** Same start within a minute and about the same end (elapsed time, start to end, is the same measure for every provider). */
export function sameActivity(a: Activity, b: Activity): boolean {
  if (a.provider === b.provider) return false;
  const startGap = Math.abs(Date.parse(a.start_date) - Date.parse(b.start_date)) / 1000;
  if (startGap > SAME_START_SECS) return false;
  const endGap = Math.abs(Date.parse(a.end_date) - Date.parse(b.end_date)) / 1000;
  return endGap <= Math.max(SAME_END_SECS, SAME_END_RATIO * Math.max(a.duration_seconds, b.duration_seconds));
}

// ---- sleep -------------------------------------------------------------------------------------

/** Two sessions are one night when their overlap covers at least this share of the shorter one. */
export const SLEEP_OVERLAP_SHARE = 0.5;
/** Sessions that began more than this apart are never compared (no session of a day or more is matched to one inside it). */
const SLEEP_REACH_MS = 24 * 3_600_000;

function span(record: { start_date: string; end_date: string }): [number, number] {
  return [Date.parse(record.start_date), Date.parse(record.end_date)];
}

export function sameSleep(a: SleepSession, b: SleepSession): boolean {
  if (a.provider === b.provider) return false;
  const [aStart, aEnd] = span(a);
  const [bStart, bEnd] = span(b);
  if (Math.abs(aStart - bStart) > SLEEP_REACH_MS) return false;
  const overlap = Math.min(aEnd, bEnd) - Math.max(aStart, bStart);
  const shorter = Math.min(aEnd - aStart, bEnd - bStart);
  // Two zero-length sessions at the same instant still overlap "entirely".
  return overlap >= 0 && overlap >= SLEEP_OVERLAP_SHARE * shorter;
}

// ---- recovery ----------------------------------------------------------------------------------

/** A day of recovery stands for its calendar day: two providers' values of one day are one day. */
export function sameRecoveryDay(a: RecoveryMetrics, b: RecoveryMetrics): boolean {
  return a.provider !== b.provider && a.date === b.date;
}

export const MERGE_KINDS = {
  activities: { startMs: (a) => Date.parse(a.start_date), reachMs: SAME_START_SECS * 1000, same: sameActivity, key: (a) => a.id } satisfies MergeKind<Activity>,
  sleep: { startMs: (s) => Date.parse(s.start_date), reachMs: SLEEP_REACH_MS, same: sameSleep, key: (s) => s.id } satisfies MergeKind<SleepSession>,
  recovery: { startMs: (r) => Date.parse(r.date), reachMs: 0, same: sameRecoveryDay, key: (r) => r.date } satisfies MergeKind<RecoveryMetrics>,
} as const;

/** The resources `provider=all` merges. */
export type MergedResource = keyof typeof MERGE_KINDS;

// ---- the merge ---------------------------------------------------------------------------------

function detail(record: object): number {
  let n = 0;
  for (const [field, value] of Object.entries(record)) if (field !== 'also_from' && value !== null && value !== undefined) n += 1;
  return n;
}

interface Candidate<T> {
  record: T;
  rank: number;
  detail: number;
  list: number;
  startMs: number;
  others: Set<string>;
  /** Its place among the kept records (kept in order of preference). */
  keptAt: number;
}

/** Preferred first: priority rank, then detail, then the source list given first, then a stable key. */
function preferred<T extends Mergeable>(kind: MergeKind<T>) {
  return (a: Candidate<T>, b: Candidate<T>) =>
    a.rank - b.rank || b.detail - a.detail || a.list - b.list || a.startMs - b.startMs || kind.key(a.record).localeCompare(kind.key(b.record));
}

/**
 * One list, newest first, duplicates across providers collapsed into the preferred copy, which
 * carries `also_from`: the other providers merged into it, sorted (empty when none). `order`
 * ranks providers, first wins. Records are indexed by start in buckets of `reachMs`, so merging
 * n records costs O(n log n) plus the comparisons with near neighbours, not O(n²).
 */
export function mergeRecords<T extends Mergeable>(lists: readonly (readonly T[])[], kind: MergeKind<T>, order: readonly string[] = []): T[] {
  const rankOf = new Map(order.map((provider, i) => [provider, i]));
  const candidates: Candidate<T>[] = lists.flatMap((list, index) =>
    list.map((record) => ({
      record,
      rank: rankOf.get(record.provider) ?? order.length,
      detail: detail(record),
      list: index,
      startMs: kind.startMs(record),
      others: new Set<string>(),
      keptAt: -1,
    })),
  );
  candidates.sort(preferred(kind));
  const bucketMs = Math.max(kind.reachMs, 1);
  const buckets = new Map<number, Candidate<T>[]>();
  const kept: Candidate<T>[] = [];
  for (const candidate of candidates) {
    const bucket = Math.floor(candidate.startMs / bucketMs);
    // The first kept (so the preferred) of the records it duplicates.
    let winner: Candidate<T> | undefined;
    for (let b = bucket - 1; b <= bucket + 1; b += 1) {
      for (const k of buckets.get(b) ?? []) {
        if (winner && winner.keptAt < k.keptAt) break;
        if (Math.abs(k.startMs - candidate.startMs) <= kind.reachMs && kind.same(k.record, candidate.record)) winner = k;
      }
    }
    if (winner) {
      winner.others.add(candidate.record.provider);
      continue;
    }
    candidate.keptAt = kept.length;
    kept.push(candidate);
    const held = buckets.get(bucket);
    if (held) held.push(candidate);
    else buckets.set(bucket, [candidate]);
  }
  kept.sort((a, b) => b.startMs - a.startMs || a.record.provider.localeCompare(b.record.provider) || kind.key(a.record).localeCompare(kind.key(b.record)));
  return kept.map((c) => ({ ...c.record, also_from: [...c.others].sort() }));
}

/** Activities merged newest first (the `provider=all` list). */
export function mergeActivities(lists: readonly (readonly Activity[])[], order: readonly string[] = []): Activity[] {
  return mergeRecords(lists, MERGE_KINDS.activities, order);
}
