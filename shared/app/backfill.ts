/**
 * History backfill, run by the retry worker: one queue message runs a history for as long as
 * the invocation allows, a page at a time, then queues itself again.
 *
 * - A page is one provider read (a page of activities walking back from the cursor, or a slice
 *   of days of sleep, recovery, health metrics), or, where the provider sends history by push
 *   (`historyByRequest`: Garmin), one request for a slice of days. Each page is stored, then
 *   the cursor is written, so a run that dies resumes at the page it was on.
 * - A lease on the history item (a conditional write) lets one container run it; another that
 *   gets the same message finds it held and lets go. A dead holder's lease lapses before the
 *   queue delivers its message again.
 * - Its provider calls go through the rate-limit gate with the provider's backfill share
 *   (`PIERRE_<P>_BACKFILL_SHARE`): refused once history has spent that much of a window, it
 *   waits for the window to reset, and live reads keep the rest.
 */
import { randomUUID } from 'node:crypto';
import { CacheRequest } from '../cache/policy';
import { remainingBudgetMs, withinRequest } from '../context/request';
import { ProviderError } from '../models';
import { Capability, hasCapability, type CapabilityFlag } from '../providers/capabilities';
import type { DateRange, FitnessProvider, ProviderSession } from '../providers/spi';
import { MAX_QUEUE_DELAY_SECS, type ConnectionKey } from '../store/ports';
import type { Container } from './container';
import { AppError } from './errors';
import { toErrorAnswer } from './error-answer';
import {
  backfillMessage,
  coveredOf,
  DAY_MS,
  gapsOf,
  historyField,
  readHistory,
  updateHistory,
  widen,
  type HistoryRecord,
  type HistoryWrite,
  type Range,
} from './history';
import { markCovered, recordsWithin, storePage, type HistoryPage } from './history-records';
import { isDeferrable } from './jobs';
import { logger } from './observability';
import { withSession } from './sessions';

/** Activities per page: Strava's largest page. */
const ACTIVITY_PAGE = 200;
/** Days per page of day-based resources, and per history request (Garmin takes 30 days of activities at most). */
const SLICE_DAYS = 30;
/** A page starts only with this much of the invocation left (a provider call, the store, the cursor). */
const MIN_PAGE_MS = 3_000;
/** Without a deadline (a local drain), a message still runs a bounded number of pages. */
const MAX_PAGES_PER_MESSAGE = 50;
/** Longer than any invocation (the worker's is 30 s) and shorter than the queue's visibility timeout, so a dead holder's message finds it lapsed. */
const LEASE_MS = 120_000;
/** Transient failures in a row before the history fails. */
const MAX_ATTEMPTS = 5;
/** A finished history keeps its lease "held" until a new run starts, so a late duplicate message cannot claim it. */
const FINISHED = Number.MAX_SAFE_INTEGER;

export type BackfillOutcome = 'duplicate' | 'delayed' | 'continued' | 'rescheduled' | 'succeeded' | 'failed';

/** What one page reads, in order: each resource the provider has, or one request per slice. */
interface Step {
  resource: HistoryPage['resource'] | 'request';
  flag?: CapabilityFlag;
}
const READ_STEPS: readonly Step[] = [
  { resource: 'activities', flag: Capability.ACTIVITIES },
  { resource: 'sleep', flag: Capability.SLEEP_TRACKING },
  { resource: 'recovery', flag: Capability.RECOVERY_METRICS },
  { resource: 'health_metrics', flag: Capability.HEALTH_METRICS },
];

function stepsOf(provider: FitnessProvider): readonly Step[] {
  if (provider.descriptor.historyByRequest) return [{ resource: 'request' }];
  return READ_STEPS.filter((s) => s.flag !== undefined && hasCapability(provider.descriptor.capabilities, s.flag));
}

/** Where a page leaves the walk: the cursor's next position, or undefined when its step is done. */
interface PageResult {
  page?: HistoryPage;
  nextCursorMs: number | undefined;
}

async function readPage(provider: FitnessProvider, session: ProviderSession, step: Step, gap: Range, cursorMs: number): Promise<PageResult> {
  const slice: DateRange = { start: new Date(Math.max(gap[0], cursorMs - SLICE_DAYS * DAY_MS)), end: new Date(cursorMs) };
  const sliceStart = slice.start.getTime();
  const range: Range = [sliceStart, cursorMs];
  const next = sliceStart > gap[0] ? sliceStart : undefined;
  switch (step.resource) {
    case 'request':
      await provider.requestHistory!(session, slice);
      return { nextCursorMs: next };
    case 'activities': {
      // Newest first from the cursor; a full page means there may be older ones in the gap.
      const records = await provider.getActivities(session, { limit: ACTIVITY_PAGE, offset: 0, before: new Date(cursorMs), after: new Date(gap[0]) });
      const oldest = Math.min(...records.map((a) => Date.parse(a.start_date)));
      // `before` is exclusive: resume just after the oldest (it may come again; the store keeps one).
      const more = records.length === ACTIVITY_PAGE ? Math.min(oldest + 1, cursorMs - 1) : undefined;
      return { page: { resource: 'activities', records, range: [more ?? gap[0], cursorMs] }, nextCursorMs: more };
    }
    case 'sleep':
      return { page: { resource: 'sleep', records: await provider.getSleepSessions(session, slice), range }, nextCursorMs: next };
    case 'recovery':
      return { page: { resource: 'recovery', records: await provider.getRecoveryMetrics(session, slice), range }, nextCursorMs: next };
    case 'health_metrics':
      return { page: { resource: 'health_metrics', records: await provider.getHealthMetrics(session, slice), range }, nextCursorMs: next };
  }
}

const heldBy = (holder: string) => ({ ifAny: [{ field: historyField('leaseHolder'), op: 'eq', value: holder }] }) as const;

/** Permanent failures: the connection is gone or refused, or the provider answered a request error. */
function permanent(error: unknown): boolean {
  if (error instanceof ProviderError) return !error.isRetryable();
  return error instanceof AppError && error.status < 500;
}

async function publish(container: Container, key: ConnectionKey, type: 'history.completed' | 'history.failed', data: Record<string, unknown>) {
  try {
    await container.events.publish({ tenantId: key.tenantId, type, data: { user_id: key.userId, provider: key.provider, ...data } });
  } catch (error) {
    logger.warn('a history event could not be published', { type, reason: error instanceof Error ? error.message : 'unknown' });
  }
}

/** Ends a run that read every gap: the covered range grows, the lease goes, and the application hears of it. */
async function complete(container: Container, key: ConnectionKey, history: HistoryRecord, holder: string): Promise<BackfillOutcome> {
  const from = history.fromMs ?? container.deps.now();
  const to = history.toMs ?? container.deps.now();
  const covered = widen(coveredOf(history), [from, to]);
  // Pushed history (Garmin) is not covered here: it is in the store only once the pushes came.
  const read = stepsOf(container.provider(key.provider)).flatMap((s) => (s.resource === 'request' ? [] : [s.resource]));
  // The count while running is what pages added; the final one is what the store holds for the range.
  const records = read.length > 0 ? await recordsWithin(container, key, read, covered) : (history.records ?? 0);
  const done = await updateHistory(
    container,
    key,
    {
      status: 'complete',
      records,
      coveredFromMs: covered[0],
      coveredToMs: covered[1],
      gaps: null,
      step: null,
      cursorMs: null,
      leaseHolder: null,
      leaseUntilMs: FINISHED,
    },
    heldBy(holder),
  );
  if (!done) return 'duplicate';
  await markCovered(container, key, read, covered);
  logger.info('history backfill complete', { provider: key.provider, tenantId: key.tenantId, records });
  await publish(container, key, 'history.completed', { from: new Date(from).toISOString(), to: new Date(to).toISOString(), records });
  return 'succeeded';
}

async function fail(container: Container, key: ConnectionKey, holder: string, error: unknown): Promise<BackfillOutcome> {
  const { code, message } = toErrorAnswer(error);
  const failed = await updateHistory(
    container,
    key,
    { status: 'failed', error: JSON.stringify({ code, message }), leaseHolder: null, leaseUntilMs: FINISHED },
    heldBy(holder),
  );
  if (!failed) return 'duplicate';
  logger.warn('history backfill failed', { provider: key.provider, tenantId: key.tenantId, code });
  await publish(container, key, 'history.failed', { error: { code, message } });
  return 'failed';
}

async function send(container: Container, key: ConnectionKey, delaySecs: number): Promise<void> {
  await container.queue.send(backfillMessage(key), Math.min(MAX_QUEUE_DELAY_SECS, Math.max(0, Math.ceil(delaySecs))));
}

/** Takes the history's lease for this run; undefined when another run holds it (or there is nothing to run). */
async function claim(container: Container, key: ConnectionKey, holder: string): Promise<HistoryRecord | undefined> {
  const now = container.deps.now();
  return updateHistory(
    container,
    key,
    { status: 'running', leaseHolder: holder, leaseUntilMs: now + LEASE_MS },
    {
      ifAny: [
        { field: historyField('leaseUntilMs'), op: 'missing' },
        { field: historyField('leaseUntilMs'), op: 'lt', value: now },
      ],
    },
  );
}

/** Runs pages of the user's history at the provider while the invocation allows; see the module's comment. */
export async function runHistory(container: Container, key: ConnectionKey): Promise<BackfillOutcome> {
  const before = await readHistory(container, key);
  if (before.status !== 'pending' && before.status !== 'running') return 'duplicate';
  const now = container.deps.now();
  if ((before.dueAtMs ?? 0) > now) {
    await send(container, key, ((before.dueAtMs ?? now) - now) / 1000);
    return 'delayed';
  }
  const holder = randomUUID();
  let history = await claim(container, key, holder);
  if (!history) return 'duplicate';
  const identity = { tenantId: key.tenantId, userId: key.userId };
  const share = container.resilience(key.provider).backfill.sharePct;
  const provider = container.provider(key.provider);
  const steps = stepsOf(provider);
  try {
    for (let pages = 0; ; pages++) {
      const gaps = gapsOf(history);
      const gap = gaps[0];
      if (!gap) return await complete(container, key, history, holder);
      const left = remainingBudgetMs();
      if (pages >= MAX_PAGES_PER_MESSAGE || (left !== undefined && left < MIN_PAGE_MS)) {
        await updateHistory(container, key, { leaseHolder: null, leaseUntilMs: null }, heldBy(holder));
        await send(container, key, 0);
        return 'continued';
      }
      const stepIndex = history.step ?? 0;
      const step = steps[stepIndex];
      const cursorMs = history.cursorMs ?? gap[1];
      let write: HistoryWrite;
      if (!step || cursorMs <= gap[0]) {
        // This gap is read: on to the next, from its newest end.
        const rest = gaps.slice(1);
        write = { gaps: JSON.stringify(rest), step: 0, cursorMs: rest[0]?.[1] ?? null };
      } else {
        const result = await withinRequest({ cache: new CacheRequest('bypass'), caller: identity, windowShare: share }, () =>
          withSession(container, identity, key.provider, (p, session) => readPage(p, session, step, gap, cursorMs)),
        );
        const stored = result.page ? await storePage(container, key, result.page) : 0;
        write =
          result.nextCursorMs === undefined
            ? { step: stepIndex + 1, cursorMs: gap[1], records: (history.records ?? 0) + stored }
            : { cursorMs: result.nextCursorMs, records: (history.records ?? 0) + stored };
      }
      const after = await updateHistory(container, key, { ...write, attempts: 0, leaseUntilMs: container.deps.now() + LEASE_MS }, heldBy(holder));
      // Our lease lapsed and another run took the history: it goes on from the cursor.
      if (!after) return 'duplicate';
      history = after;
    }
  } catch (error) {
    if (isDeferrable(error)) {
      const waitSecs = Math.max(1, Math.ceil(error.retryAfterSecs ?? 60));
      await updateHistory(container, key, { dueAtMs: container.deps.now() + waitSecs * 1000, leaseHolder: null, leaseUntilMs: null }, heldBy(holder));
      await send(container, key, waitSecs);
      logger.info('history backfill waits for the provider', { provider: key.provider, waitSecs, reason: error.message });
      return 'rescheduled';
    }
    const attempts = (history.attempts ?? 0) + 1;
    if (permanent(error) || attempts >= MAX_ATTEMPTS) return fail(container, key, holder, error);
    await updateHistory(container, key, { attempts, leaseHolder: null, leaseUntilMs: null }, heldBy(holder));
    logger.warn('history backfill failed transiently; the queue will deliver it again', { provider: key.provider, attempts });
    throw error;
  }
}
