/**
 * Jobs: a read the provider could not answer now (rate limited, circuit open) is stored, queued
 * with the wait the provider asked for, and answered 202; the retry worker runs it later and
 * fills the cache, and `GET /jobs/{id}` tells its owner how it went. One pending job per user
 * and identical read: asking again while it waits returns the same job, so a budget is never
 * spent twice for the same data.
 */
import { createHash, randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import * as z from '../zod';
import { ProviderError } from '../models';
import { MAX_QUEUE_DELAY_SECS, type StateItem } from '../store/ports';
import type { Container } from './container';
import { AppError } from './errors';
import type { Identity } from './identity';
import { OperationSchema, runOperation, type Operation } from './operations';

export type JobStatus = 'scheduled' | 'running' | 'succeeded' | 'failed';

/** Jobs (and their results) are kept this long. */
const JOB_RETENTION_SECS = 7 * 86_400;
/** Results above this are stored gzip-compressed (DynamoDB items hold 400 KB). */
const COMPRESS_ABOVE_BYTES = 32 * 1024;
const MAX_RESULT_BYTES = 350 * 1024;

const jobPk = (id: string) => `job#${id}`;
const JOB_SK = 'job';

export interface ScheduledAnswer {
  job_id: string;
  status: 'scheduled' | 'running';
  retry_after: number;
}

/** Failures that pass by themselves: the read is queued instead of answered with an error. */
export function isDeferrable(error: unknown): error is ProviderError {
  return error instanceof ProviderError && (error.kind === 'rate_limited' || error.kind === 'circuit_open');
}

function dedupeKey(identity: Identity, op: Operation): string {
  return createHash('sha256').update(JSON.stringify([identity.tenantId, identity.userId, op])).digest('hex');
}

/** The queue message of a job: its id only (the job record holds the rest). */
export const JobMessageSchema = z.object({ job_id: z.uuid() });

export async function scheduleJob(container: Container, identity: Identity, op: Operation, retryAfterSecs: number): Promise<ScheduledAnswer> {
  const now = container.deps.now();
  const wait = Math.max(1, Math.ceil(retryAfterSecs));
  const dueAtMs = now + wait * 1000;
  const expiresAtSecs = Math.ceil(now / 1000) + JOB_RETENTION_SECS;
  const dedupe = `jobkey#${dedupeKey(identity, op)}`;
  const id = randomUUID();
  // Claim the (user, read) slot for this new job unless a pending one holds it.
  const claimed = await container.jobs.update(dedupe, JOB_SK, { jobId: id, openUntilMs: dueAtMs + 3_600_000 }, {
    ifAny: [
      { field: 'jobId', op: 'missing' },
      { field: 'openUntilMs', op: 'lt', value: now },
    ],
    expiresAtSecs,
  });
  if (!claimed) {
    const existing = await container.jobs.get(dedupe, JOB_SK, now);
    const pending = typeof existing?.['jobId'] === 'string' ? await container.jobs.get(jobPk(existing['jobId']), JOB_SK, now) : undefined;
    if (pending && (pending['status'] === 'scheduled' || pending['status'] === 'running')) {
      const due = Number(pending['dueAtMs'] ?? now);
      return { job_id: String(existing!['jobId']), status: pending['status'], retry_after: Math.max(1, Math.ceil((due - now) / 1000)) };
    }
    await container.jobs.update(dedupe, JOB_SK, { jobId: id, openUntilMs: dueAtMs + 3_600_000 }, { expiresAtSecs });
  }
  await container.jobs.update(jobPk(id), JOB_SK, {
    tenantId: identity.tenantId,
    userId: identity.userId,
    operation: JSON.stringify(op),
    status: 'scheduled',
    dueAtMs,
    attempts: 0,
    dedupe,
    createdAtMs: now,
    updatedAtMs: now,
  }, { expiresAtSecs });
  await container.queue.send(JSON.stringify({ job_id: id }), Math.min(wait, MAX_QUEUE_DELAY_SECS));
  return { job_id: id, status: 'scheduled', retry_after: wait };
}

/** Runs the read now, or queues it when the provider is limited and no stale answer exists. */
export async function runOrSchedule(
  container: Container,
  identity: Identity,
  op: Operation,
): Promise<{ status: 200; body: unknown } | { status: 202; body: ScheduledAnswer }> {
  try {
    return { status: 200, body: await runOperation(container, identity, op) };
  } catch (error) {
    if (!isDeferrable(error)) throw error;
    return { status: 202, body: await scheduleJob(container, identity, op, error.retryAfterSecs ?? 60) };
  }
}

export function encodeResult(value: unknown): StateItem {
  const json = JSON.stringify(value);
  if (Buffer.byteLength(json) <= COMPRESS_ABOVE_BYTES) return { result: json, resultGz: null };
  const gz = gzipSync(json).toString('base64');
  // Too large even compressed: the worker has filled the cache, so repeating the read answers it.
  if (gz.length > MAX_RESULT_BYTES) return { result: null, resultGz: null, resultInCache: true };
  return { result: null, resultGz: gz };
}

function decodeResult(item: StateItem): unknown {
  try {
    if (typeof item['result'] === 'string') return JSON.parse(item['result']);
    if (typeof item['resultGz'] === 'string') return JSON.parse(gunzipSync(Buffer.from(item['resultGz'], 'base64')).toString('utf8'));
  } catch {
    return undefined;
  }
  return undefined;
}

export interface StoredJob {
  item: StateItem;
  op: Operation;
}

export async function readJob(container: Container, id: string): Promise<StoredJob | undefined> {
  const item = await container.jobs.get(jobPk(id), JOB_SK, container.deps.now());
  if (!item || typeof item['operation'] !== 'string') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(item['operation']);
  } catch {
    return undefined;
  }
  const op = OperationSchema.safeParse(parsed);
  return op.success ? { item, op: op.data } : undefined;
}

export async function updateJob(container: Container, id: string, fields: StateItem, ifAny?: Parameters<Container['jobs']['update']>[3]): Promise<StateItem | undefined> {
  return container.jobs.update(jobPk(id), JOB_SK, { ...fields, updatedAtMs: container.deps.now() }, ifAny);
}

/** Frees the (user, read) slot of an ended job, so the same read may be queued again. */
export async function releaseDedupe(container: Container, dedupe: string, jobId: string): Promise<void> {
  await container.jobs.delete(dedupe, JOB_SK, { ifAny: [{ field: 'jobId', op: 'eq', value: jobId }] });
}

/** The owner's view of a job; another user's job is as unknown as a missing one. */
export async function getJob(container: Container, identity: Identity, id: string) {
  const stored = await readJob(container, id);
  const job = stored?.item;
  if (!stored || !job || job['tenantId'] !== identity.tenantId || job['userId'] !== identity.userId) {
    throw new AppError(404, 'not_found', `No job '${id}'`);
  }
  const now = container.deps.now();
  const status = job['status'] as JobStatus;
  const answer: Record<string, unknown> = {
    job_id: id,
    status,
    operation: stored.op.name,
    provider: stored.op.provider ?? null,
    attempts: Number(job['attempts'] ?? 0),
    created_at: new Date(Number(job['createdAtMs'])).toISOString(),
    updated_at: new Date(Number(job['updatedAtMs'])).toISOString(),
  };
  if (status === 'scheduled' || status === 'running') {
    answer['retry_after'] = Math.max(1, Math.ceil((Number(job['dueAtMs'] ?? now) - now) / 1000));
  }
  if (status === 'succeeded') {
    answer['data'] = decodeResult(job) ?? null;
    if (job['resultInCache'] === true) answer['data_note'] = 'The result was too large to keep with the job; repeat the original request (it is cached)';
  }
  if (status === 'failed' && typeof job['error'] === 'string') answer['error'] = JSON.parse(job['error']);
  return answer;
}
