/**
 * A connection's history: the record of what backfill has read of a user's past data at one
 * provider into the records store, and of the run doing it. One item per (tenant, user,
 * provider) in the durable table (`history#<tenant>#<user>` / provider), so the connection
 * status lists a user's in one query.
 *
 * It remembers the range already stored (`coveredFromMs`..`coveredToMs`), so a reconnect reads
 * only what is missing (the days since, or older days when more were configured), and the run's
 * progress (the gaps left and a cursor within the first), so a run that crashed resumes where it
 * stopped. Its lease keeps a second container from running the same history at once.
 */
import * as z from '../zod';
import { deletePartition } from '../store/partition';
import type { ConnectionKey, ErasureStep } from '../store/ports';
import { jsonIn, recordCodec, type RecordOf, type RecordWrite } from '../store/records';
import type { Container } from './container';
import { logger } from './observability';

export const HISTORY_STATUSES = ['pending', 'running', 'complete', 'failed'] as const;
type HistoryStatus = (typeof HISTORY_STATUSES)[number];

const HISTORY_FIELDS = {
  status: z.enum(HISTORY_STATUSES),
  /** The range the last run was asked to cover (epoch ms). */
  fromMs: z.number(),
  toMs: z.number(),
  /** Records stored by backfill so far, every run together. */
  records: z.number(),
  updatedAtMs: z.number(),
  /** The range already in the store, read by earlier runs (epoch ms). */
  coveredFromMs: z.number(),
  coveredToMs: z.number(),
  /** Ranges still to read, as JSON `[[fromMs, toMs], ...]`; the first is under way. */
  gaps: z.string(),
  /** Within the first gap: which step (resource) is being read, and how far back it has come (epoch ms). */
  step: z.number(),
  cursorMs: z.number(),
  /** Not before then: the provider's window had no room left for history (epoch ms). */
  dueAtMs: z.number(),
  /** Transient failures in a row. */
  attempts: z.number(),
  /** The run under way and until when it holds the history (a container that died lets go by itself). */
  leaseHolder: z.string(),
  leaseUntilMs: z.number(),
  /** `{ code, message }` of a failed run, as JSON. */
  error: z.string(),
};
const HISTORY = recordCodec(HISTORY_FIELDS);
export type HistoryRecord = RecordOf<typeof HISTORY_FIELDS>;
export type HistoryWrite = RecordWrite<typeof HISTORY_FIELDS>;
export const historyField = HISTORY.field;

const GAPS = z.array(z.tuple([z.number(), z.number()]));
export type Range = readonly [fromMs: number, toMs: number];

export const DAY_MS = 86_400_000;

export const historyPk = (tenantId: string, userId: string) => `history#${encodeURIComponent(tenantId)}#${encodeURIComponent(userId)}`;

export function gapsOf(history: HistoryRecord): Range[] {
  return jsonIn(history.gaps, GAPS) ?? [];
}

export async function readHistory(container: Container, key: ConnectionKey): Promise<HistoryRecord> {
  return HISTORY.decode(await container.jobs.get(historyPk(key.tenantId, key.userId), key.provider, container.deps.now()));
}

/** Writes fields of the history (when `ifAny` holds); the record after, or undefined when refused. */
export async function updateHistory(
  container: Container,
  key: ConnectionKey,
  fields: HistoryWrite,
  ifAny?: Parameters<Container['jobs']['update']>[3],
): Promise<HistoryRecord | undefined> {
  const after = await container.jobs.update(
    historyPk(key.tenantId, key.userId),
    key.provider,
    HISTORY.encode({ ...fields, updatedAtMs: container.deps.now() }),
    ifAny,
  );
  return after && HISTORY.decode(after);
}

/** What `wanted` adds to `covered`: the days since it (newest first), then the older ones. */
function missingRanges(wanted: Range, covered: Range | undefined): Range[] {
  if (!covered || covered[1] < wanted[0] || covered[0] > wanted[1]) return [wanted];
  const gaps: Range[] = [];
  if (wanted[1] > covered[1]) gaps.push([covered[1], wanted[1]]);
  if (wanted[0] < covered[0]) gaps.push([wanted[0], covered[0]]);
  return gaps;
}

/** The covered range once `done` has been read too (they touch: gaps are cut from its edges). */
export function widen(covered: Range | undefined, done: Range): Range {
  return covered ? [Math.min(covered[0], done[0]), Math.max(covered[1], done[1])] : done;
}

export function coveredOf(history: HistoryRecord): Range | undefined {
  return history.coveredFromMs !== undefined && history.coveredToMs !== undefined ? [history.coveredFromMs, history.coveredToMs] : undefined;
}

/** The queue message that runs (a slice of) a history. */
export const BackfillMessageSchema = z.object({
  backfill: z.object({
    tenant_id: z.string().check(z.minLength(1), z.maxLength(512)),
    user_id: z.string().check(z.minLength(1), z.maxLength(512)),
    provider: z.string().check(z.minLength(1), z.maxLength(64)),
  }),
});

export function backfillMessage(key: ConnectionKey): string {
  return JSON.stringify({ backfill: { tenant_id: key.tenantId, user_id: key.userId, provider: key.provider } });
}

/** A pending or running history whose queue message has not been seen for this long is queued again on the next connect. */
const STALLED_MS = 30 * 60_000;

/**
 * A connection was made (or made again): queue a run that reads the provider's history of the
 * configured days into the store, except what earlier runs stored. Answers the history's status
 * (undefined when there is nothing to read: backfill is off, or the provider needs no connection).
 */
async function startHistory(container: Container, key: ConnectionKey): Promise<HistoryStatus | undefined> {
  const days = container.resilience(key.provider).backfill.days;
  if (days === 0) return undefined;
  const now = container.deps.now();
  const history = await readHistory(container, key);
  if (history.status === 'pending' || history.status === 'running') {
    const stalled = Math.max(history.updatedAtMs ?? 0, history.dueAtMs ?? 0) + STALLED_MS < now;
    if (stalled) await container.queue.send(backfillMessage(key), 0);
    return history.status;
  }
  const wanted: Range = [now - days * DAY_MS, now];
  const gaps = missingRanges(wanted, coveredOf(history));
  // Only one start wins when two callbacks race; the other finds it pending.
  const started = await updateHistory(
    container,
    key,
    {
      status: 'pending',
      fromMs: wanted[0],
      toMs: wanted[1],
      gaps: JSON.stringify(gaps),
      step: 0,
      cursorMs: gaps[0]?.[1] ?? now,
      dueAtMs: now,
      attempts: 0,
      error: null,
      leaseHolder: null,
      leaseUntilMs: null,
    },
    {
      ifAny: [
        { field: historyField('status'), op: 'missing' },
        { field: historyField('status'), op: 'eq', value: 'complete' },
        { field: historyField('status'), op: 'eq', value: 'failed' },
      ],
    },
  );
  if (!started) return 'pending';
  await container.queue.send(backfillMessage(key), 0);
  logger.info('history backfill queued', { provider: key.provider, tenantId: key.tenantId, days });
  return 'pending';
}

/** startHistory for a connection just made: a failure to queue it is logged, never the connection's failure. */
export async function queueHistory(container: Container, key: ConnectionKey): Promise<void> {
  try {
    await startHistory(container, key);
  } catch (error) {
    logger.warn('history backfill could not be queued; the next connect queues it', {
      provider: key.provider,
      reason: error instanceof Error ? error.message : 'unknown',
    });
  }
}

/** Erasure's part: every history of the user, whatever the provider. */
export async function eraseUserHistory(container: Container, tenantId: string, userId: string): Promise<ErasureStep> {
  return { deleted: { histories: await deletePartition(container.jobs, historyPk(tenantId, userId)) }, done: true };
}

/** Forgets a user's history at a provider (its stored records went with the connection). */
export async function forgetHistory(container: Container, key: ConnectionKey): Promise<void> {
  await container.jobs.delete(historyPk(key.tenantId, key.userId), key.provider);
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** The answer's view of a history: `{status, from, to, records, updated_at}`. */
function historyView(history: HistoryRecord) {
  return {
    status: history.status ?? ('pending' as const),
    from: iso(history.fromMs),
    to: iso(history.toMs),
    records: history.records ?? 0,
    updated_at: iso(history.updatedAtMs),
  };
}
export type HistoryView = ReturnType<typeof historyView>;

/** Every history of a user, by provider (one query). */
export async function historiesOf(container: Container, tenantId: string, userId: string): Promise<Map<string, HistoryView>> {
  const items = await container.jobs.list(historyPk(tenantId, userId), container.deps.now());
  return new Map([...items].map(([provider, item]) => [provider, historyView(HISTORY.decode(item))]));
}
