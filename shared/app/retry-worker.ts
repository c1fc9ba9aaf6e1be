/**
 * The retry worker's use case: one queue message is one job. A job that is not due yet goes
 * back on the queue for what is left (at most SQS's 15 minutes, so hour-long waits are a few
 * hops and waiting never counts as a failed receive); a due job is claimed (a conditional write,
 * so a duplicate delivery runs nothing) and run; limited again, it is rescheduled; a permanent
 * error fails it; a transient one is thrown back to the queue for redelivery.
 *
 * A batch runs inside the invocation's deadline: a job starts only with time left for it, its
 * retries, gate waits and provider calls end before the deadline, and a job still running at
 * the deadline is abandoned and handed back as a batch item failure (redelivered, claimed again).
 */
import { CacheRequest } from '../cache/policy';
import type { MemoryJobQueue } from '../queue/memory';
import { ProviderError } from '../models';
import { MAX_QUEUE_DELAY_SECS } from '../store/ports';
import type { Container } from './container';
import { toErrorAnswer } from './error-answer';
import { newRequestContext, remainingBudgetMs, runRequest, withinRequest } from '../context/request';
import { encodeResult, endJob, isDeferrable, jobField, JobMessageSchema, readJob, releaseJob, rescheduleJob, updateJob } from './jobs';
import { continueErasure, ErasureMessageSchema, type ErasureMessage } from './erasure';
import { logger } from './observability';
import { runHistory, type BackfillOutcome } from './backfill';
import { BackfillMessageSchema } from './history';
import { runOperation, type Operation } from './operations';
import type { Identity } from './identity';

/** After this many transient failures a job is failed instead of retried. */
const MAX_ATTEMPTS = 5;
/** How long a claim keeps duplicates away; below the queue's visibility timeout, so a crashed run is redelivered and re-claimed. */
const CLAIM_MS = 120_000;

/** The retry worker's Lambda timeout (infra/functions.ts); a local drain gives each batch as much. */
export const WORKER_INVOCATION_MS = 30_000;
/** Kept back from the invocation, for handing unfinished jobs back and answering the batch. */
const WORKER_MARGIN_MS = 1_000;
/** A job starts only with this much left: its claim, a provider read and the result's write. */
const MIN_JOB_MS = 2_000;

/** `erased` / `erasing`: an erasure's continuation finished, or queued itself again. */
export type JobOutcome = 'not_found' | BackfillOutcome | 'erased' | 'erasing';

class PoisonMessage extends Error {
  override name = 'PoisonMessage';
}

/** A job this invocation had no time to run or finish: a batch item failure, so the queue delivers it again. */
class OutOfTime extends Error {
  override name = 'OutOfTime';
}

function transient(error: unknown): boolean {
  if (error instanceof ProviderError) return error.isRetryable();
  return !(error instanceof Error && 'status' in error && typeof error.status === 'number' && error.status < 500);
}

/** The application hears that a queued read ended; it reads the data with GET /jobs/{id}. */
function jobEnded(container: Container, jobId: string, identity: Identity, op: Operation, type: 'job.succeeded' | 'job.failed', error?: string) {
  return container.events.publish({
    tenantId: identity.tenantId,
    type,
    data: { job_id: jobId, user_id: identity.userId, operation: op.name, provider: op.provider ?? container.config.defaultProvider, ...(error && { error }) },
  });
}

type QueueMessage = { jobId: string } | { erasure: ErasureMessage } | { history: { tenantId: string; userId: string; provider: string } };

/** A queue message: a job reference, an erasure to continue (shared/app/erasure.ts) or a history to backfill (shared/app/backfill.ts). */
function parseMessage(body: string): QueueMessage {
  try {
    const json: unknown = JSON.parse(body);
    const erasure = ErasureMessageSchema.safeParse(json);
    if (erasure.success) return { erasure: erasure.data };
    const backfill = BackfillMessageSchema.safeParse(json);
    if (backfill.success) {
      const { tenant_id, user_id, provider } = backfill.data.backfill;
      return { history: { tenantId: tenant_id, userId: user_id, provider } };
    }
    return { jobId: JobMessageSchema.parse(json).job_id };
  } catch {
    throw new PoisonMessage('the message is neither a job reference, an erasure nor a history to backfill');
  }
}

export async function processJobMessage(container: Container, body: string): Promise<JobOutcome> {
  const message = parseMessage(body);
  if ('erasure' in message) return (await continueErasure(container, message.erasure)).status === 'erased' ? 'erased' : 'erasing';
  if ('history' in message) return runHistory(container, message.history);
  const { jobId } = message;
  const stored = await readJob(container, jobId);
  if (!stored) return 'not_found';
  const { job } = stored;
  if (job.status === 'succeeded' || job.status === 'failed') return 'duplicate';
  const now = container.deps.now();
  const dueAtMs = job.dueAtMs ?? 0;
  if (dueAtMs > now) {
    await container.queue.send(body, Math.min(MAX_QUEUE_DELAY_SECS, Math.ceil((dueAtMs - now) / 1000)));
    return 'delayed';
  }
  const claimed = await updateJob(
    container,
    jobId,
    { status: 'running', claimUntilMs: now + CLAIM_MS, attempts: (job.attempts ?? 0) + 1 },
    {
      ifAny: [
        { field: jobField('status'), op: 'eq', value: 'scheduled' },
        { field: jobField('claimUntilMs'), op: 'lt', value: now },
      ],
    },
  );
  if (!claimed) return 'duplicate';
  const identity = { tenantId: String(job.tenantId), userId: String(job.userId) };
  try {
    const value = await withinRequest({ cache: new CacheRequest('use'), caller: identity }, () => runOperation(container, identity, stored.op));
    await endJob(container, jobId, claimed, { status: 'succeeded', ...encodeResult(value) });
    await jobEnded(container, jobId, identity, stored.op, 'job.succeeded');
    return 'succeeded';
  } catch (error) {
    if (isDeferrable(error)) {
      const wait = await rescheduleJob(container, jobId, claimed, Math.max(1, Math.ceil(error.retryAfterSecs ?? 60)));
      await container.queue.send(body, Math.min(MAX_QUEUE_DELAY_SECS, wait));
      return 'rescheduled';
    }
    if (transient(error) && (claimed.attempts ?? 0) < MAX_ATTEMPTS) {
      await releaseJob(container, jobId);
      logger.warn('job failed transiently; the queue will deliver it again', { jobId, operation: stored.op.name });
      throw error;
    }
    const { code, message } = toErrorAnswer(error);
    await endJob(container, jobId, claimed, { status: 'failed', error: JSON.stringify({ code, message }) });
    await jobEnded(container, jobId, identity, stored.op, 'job.failed', code);
    return 'failed';
  }
}

/**
 * One job message inside the invocation's deadline (see runWithinInvocation): refused when too
 * little time is left to start it, abandoned when the deadline comes while it runs. Either way
 * it is thrown, a batch item failure, and its claim lapses before the queue delivers it again.
 */
export async function processJobInTime(container: Container, body: string): Promise<JobOutcome> {
  const left = remainingBudgetMs();
  if (left === undefined) return processJobMessage(container, body);
  if (left < MIN_JOB_MS) throw new OutOfTime('too little of the invocation is left to start this job');
  let timer: NodeJS.Timeout | undefined;
  // Lambda's own clock (the work inside measures the injected one): stop before Lambda does.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OutOfTime('the invocation ran out of time before this job ended')), left);
  });
  try {
    return await Promise.race([processJobMessage(container, body), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs a batch's work with the invocation's remaining time as its deadline, on the container's clock. */
export function runWithinInvocation<T>(container: Container, remainingMs: number, work: () => Promise<T>): Promise<T> {
  return runRequest(newRequestContext({ remainingMs: remainingMs - WORKER_MARGIN_MS, now: container.deps.now }), work);
}

/**
 * Locally (no SQS) the in-memory queue is drained by the same use case: every visible message
 * is processed, deleted when handled and left for redelivery when it threw (as the Lambda's
 * partial batch response does), each batch within an invocation's time. Returns what happened
 * to each message.
 */
export async function drainMemoryQueue(container: Container, queue: MemoryJobQueue): Promise<JobOutcome[]> {
  const outcomes: JobOutcome[] = [];
  for (let batch = queue.receive(10); batch.length > 0; batch = queue.receive(10)) {
    const settled = await runWithinInvocation(container, WORKER_INVOCATION_MS, () => Promise.allSettled(batch.map((m) => processJobInTime(container, m.body))));
    settled.forEach((result, i) => {
      if (result.status === 'fulfilled') {
        queue.delete(batch[i]!.messageId);
        outcomes.push(result.value);
      }
    });
  }
  return outcomes;
}
