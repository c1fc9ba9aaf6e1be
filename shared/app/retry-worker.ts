/**
 * The retry worker's use case: one queue message is one job. A job that is not due yet goes
 * back on the queue for what is left (at most SQS's 15 minutes, so hour-long waits are a few
 * hops and waiting never counts as a failed receive); a due job is claimed (a conditional write,
 * so a duplicate delivery runs nothing) and run; limited again, it is rescheduled; a permanent
 * error fails it; a transient one is thrown back to the queue for redelivery.
 */
import { CacheRequest, withCacheRequest } from '../cache/policy';
import type { MemoryJobQueue } from '../queue/memory';
import { ProviderError } from '../models';
import { MAX_QUEUE_DELAY_SECS } from '../store/ports';
import type { Container } from './container';
import { toErrorAnswer } from './error-answer';
import { encodeResult, isDeferrable, JobMessageSchema, readJob, releaseDedupe, updateJob } from './jobs';
import { logger } from './observability';
import { runOperation } from './operations';

/** After this many transient failures a job is failed instead of retried. */
const MAX_ATTEMPTS = 5;
/** How long a claim keeps duplicates away; below the queue's visibility timeout, so a crashed run is redelivered and re-claimed. */
const CLAIM_MS = 120_000;

export type JobOutcome = 'not_found' | 'duplicate' | 'delayed' | 'succeeded' | 'rescheduled' | 'failed';

export class PoisonMessage extends Error {
  override name = 'PoisonMessage';
}

function transient(error: unknown): boolean {
  if (error instanceof ProviderError) return error.isRetryable();
  return !(error instanceof Error && 'status' in error && typeof error.status === 'number' && error.status < 500);
}

export async function processJobMessage(container: Container, body: string): Promise<JobOutcome> {
  let jobId: string;
  try {
    jobId = JobMessageSchema.parse(JSON.parse(body)).job_id;
  } catch {
    throw new PoisonMessage('the message is not a job reference');
  }
  const stored = await readJob(container, jobId);
  if (!stored) return 'not_found';
  const job = stored.item;
  if (job['status'] === 'succeeded' || job['status'] === 'failed') return 'duplicate';
  const now = container.deps.now();
  const dueAtMs = Number(job['dueAtMs'] ?? 0);
  if (dueAtMs > now) {
    await container.queue.send(body, Math.min(MAX_QUEUE_DELAY_SECS, Math.ceil((dueAtMs - now) / 1000)));
    return 'delayed';
  }
  const claimed = await updateJob(container, jobId, { status: 'running', claimUntilMs: now + CLAIM_MS, attempts: Number(job['attempts'] ?? 0) + 1 }, {
    ifAny: [
      { field: 'status', op: 'eq', value: 'scheduled' },
      { field: 'claimUntilMs', op: 'lt', value: now },
    ],
  });
  if (!claimed) return 'duplicate';
  const identity = { tenantId: String(job['tenantId']), userId: String(job['userId']) };
  const dedupe = String(job['dedupe']);
  try {
    const value = await withCacheRequest(new CacheRequest('use'), () => runOperation(container, identity, stored.op));
    await updateJob(container, jobId, { status: 'succeeded', claimUntilMs: null, ...encodeResult(value) });
    await releaseDedupe(container, dedupe, jobId);
    return 'succeeded';
  } catch (error) {
    const later = container.deps.now();
    if (isDeferrable(error)) {
      const wait = Math.max(1, Math.ceil(error.retryAfterSecs ?? 60));
      await updateJob(container, jobId, { status: 'scheduled', claimUntilMs: null, dueAtMs: later + wait * 1000 });
      await container.queue.send(body, Math.min(MAX_QUEUE_DELAY_SECS, wait));
      return 'rescheduled';
    }
    if (transient(error) && Number(claimed['attempts']) < MAX_ATTEMPTS) {
      await updateJob(container, jobId, { status: 'scheduled', claimUntilMs: null });
      logger.warn('job failed transiently; the queue will deliver it again', { jobId, operation: stored.op.name });
      throw error;
    }
    const { code, message } = toErrorAnswer(error);
    await updateJob(container, jobId, { status: 'failed', claimUntilMs: null, error: JSON.stringify({ code, message }) });
    await releaseDedupe(container, dedupe, jobId);
    return 'failed';
  }
}

/**
 * Locally (no SQS) the in-memory queue is drained by the same use case: every visible message
 * is processed, deleted when handled and left for redelivery when it threw (as the Lambda's
 * partial batch response does). Returns what happened to each message.
 */
export async function drainMemoryQueue(container: Container, queue: MemoryJobQueue): Promise<JobOutcome[]> {
  const outcomes: JobOutcome[] = [];
  for (let batch = queue.receive(10); batch.length > 0; batch = queue.receive(10)) {
    const settled = await Promise.allSettled(batch.map((m) => processJobMessage(container, m.body)));
    settled.forEach((result, i) => {
      if (result.status === 'fulfilled') {
        queue.delete(batch[i]!.messageId);
        outcomes.push(result.value);
      }
    });
  }
  return outcomes;
}
