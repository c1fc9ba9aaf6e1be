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
import { remainingBudgetMs } from '../context/request';
import { MAX_QUEUE_DELAY_SECS, type ErasureBudget, type ErasureStep, type StateWrite } from '../store/ports';
import { deletePartition } from '../store/partition';
import { jsonIn, recordCodec, type RecordOf, type RecordWrite } from '../store/records';
import type { Container } from './container';
import { AppError, serviceTimeout } from './errors';
import { readDeferredMetric } from './observability';
import type { Identity } from './identity';
import { OperationSchema, runOperation, type Operation } from './operations';

const JOB_STATUSES = ['scheduled', 'running', 'succeeded', 'failed'] as const;

/** A job's record (`job#<id>` / `job`). */
const JOB_FIELDS = {
  tenantId: z.string(),
  userId: z.string(),
  /** The Operation, as JSON. */
  operation: z.string(),
  status: z.enum(JOB_STATUSES),
  dueAtMs: z.number(),
  attempts: z.number(),
  /** Until when the worker that claimed the job keeps duplicates away. */
  claimUntilMs: z.number(),
  /** Where its (user, read) claim and its pending-job slot are kept. */
  dedupe: z.string(),
  slots: z.string(),
  slot: z.number(),
  createdAtMs: z.number(),
  updatedAtMs: z.number(),
  /** The answer as JSON, or gzip-compressed JSON in base64; or none, when it was too large (`resultInCache`). */
  result: z.string(),
  resultGz: z.string(),
  resultInCache: z.boolean(),
  /** `{ code, message }` of a failed job, as JSON. */
  error: z.string(),
};
const JOB = recordCodec(JOB_FIELDS);
export type JobRecord = RecordOf<typeof JOB_FIELDS>;
export type JobWrite = RecordWrite<typeof JOB_FIELDS>;

/** A claim on a (user, read) dedupe key or on a pending-job slot: which job holds it, since when, until when. */
const CLAIM = recordCodec({
  jobId: z.string(),
  claimedAtMs: z.number(),
  openUntilMs: z.number(),
});
const heldBy = (id: string) => ({ ifAny: [{ field: CLAIM.field('jobId'), op: 'eq', value: id }] }) as const;
const claimFree = (now: number) =>
  [
    { field: CLAIM.field('jobId'), op: 'missing' },
    { field: CLAIM.field('openUntilMs'), op: 'lt', value: now },
  ] as const;

/** Jobs (and their results) are kept this long. */
const JOB_RETENTION_SECS = 7 * 86_400;
/** Results above this are stored gzip-compressed (DynamoDB items hold 400 KB). */
const COMPRESS_ABOVE_BYTES = 32 * 1024;
const MAX_RESULT_BYTES = 350 * 1024;

const jobPk = (id: string) => `job#${id}`;
const JOB_SK = 'job';
/** A user's jobs, one item per job id expiring with it: erasure finds them there (job records are keyed by id alone). */
const userJobsPk = (identity: Identity) => `userjobs#${encodeURIComponent(identity.tenantId)}#${encodeURIComponent(identity.userId)}`;
/** Written by the worker that claimed the job: a job erased meanwhile is not written back. */
const stillRunning = { ifAny: [{ field: JOB.field('status'), op: 'eq', value: 'running' }] } as const;

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
  return createHash('sha256')
    .update(JSON.stringify([identity.tenantId, identity.userId, op]))
    .digest('hex');
}

/** The queue message of a job: its id only (the job record holds the rest). */
export const JobMessageSchema = z.object({ job_id: z.uuid() });

/**
 * A user's pending jobs of a provider hold numbered slots (0 .. max - 1), and slot n is due n
 * turns after slot 0: when a window opens, every user's first job comes before anyone's second,
 * so one user's queue cannot spend the window before the others get theirs.
 */
const TURN_MS = 1_000;
/** A dedupe or slot claim stays this long after its job was due, unless the job ends first or is rescheduled. */
const OPEN_AFTER_DUE_MS = 3_600_000;
/** A racing request's claim whose job record has not appeared after this long is taken over (its request died). */
const CLAIM_SETTLE_MS = 5_000;
const CLAIM_POLL_MS = 50;

/** The partition of a user's pending-job slots for a provider. */
export function slotsPk(identity: Identity, provider: string): string {
  return `jobslots#${createHash('sha256')
    .update(JSON.stringify([identity.tenantId, identity.userId, provider]))
    .digest('hex')}`;
}

/**
 * Who holds a (user, read) claim this request could not take: a pending job (answered as is), a
 * racing request about to write its job record (waited for), or an ended or dead job (taken over).
 */
type Rival = { pending: ScheduledAnswer } | { settling: true } | { takeOver: string } | { gone: true };

async function rivalOf(container: Container, dedupe: string, nowMs: number): Promise<Rival> {
  const claim = CLAIM.decode(await container.jobs.get(dedupe, JOB_SK, nowMs));
  if (claim.jobId === undefined) return { gone: true };
  const jobId = claim.jobId;
  const item = await container.jobs.get(jobPk(jobId), JOB_SK, nowMs);
  const job = JOB.decode(item);
  if (job.status === 'scheduled' || job.status === 'running') {
    const due = job.dueAtMs ?? nowMs;
    return { pending: { job_id: jobId, status: job.status, retry_after: Math.max(1, Math.ceil((due - nowMs) / 1000)) } };
  }
  // No record yet: the claim's request is between its claim and its record (or died there).
  if (!item && (claim.claimedAtMs ?? 0) + CLAIM_SETTLE_MS > nowMs) return { settling: true };
  return { takeOver: jobId };
}

/**
 * Claims the (user, read) slot for job `id`, or answers the pending job that holds it. A rival
 * request that claimed it a moment ago is waited for (its record follows its claim), so two
 * racing requests answer the same job.
 */
async function claimRead(container: Container, dedupe: string, id: string, waitMs: number, expiresAtSecs: number): Promise<ScheduledAnswer | undefined> {
  const giveUpAt = container.deps.now() + CLAIM_SETTLE_MS * 2;
  for (;;) {
    const now = container.deps.now();
    const claim = CLAIM.encode({ jobId: id, claimedAtMs: now, openUntilMs: now + waitMs + OPEN_AFTER_DUE_MS });
    if (await container.jobs.update(dedupe, JOB_SK, claim, { ifAny: claimFree(now), expiresAtSecs })) return undefined;
    const rival = await rivalOf(container, dedupe, now);
    if ('pending' in rival) return rival.pending;
    if ('takeOver' in rival) {
      if (await container.jobs.update(dedupe, JOB_SK, claim, { ...heldBy(rival.takeOver), expiresAtSecs })) return undefined;
    }
    const left = remainingBudgetMs();
    if (now >= giveUpAt || (left !== undefined && left < CLAIM_POLL_MS)) throw serviceTimeout();
    if ('settling' in rival) await container.sleep(CLAIM_POLL_MS);
  }
}

/** Takes the user's first free pending-job slot for the provider; undefined when all are held. */
async function takeSlot(container: Container, pk: string, max: number, jobId: string, openUntilMs: number, expiresAtSecs: number): Promise<number | undefined> {
  // Each lost race means another job took a slot, so max + 1 rounds settle it.
  for (let round = 0; round <= max; round++) {
    const now = container.deps.now();
    const held = await container.jobs.list(pk, now);
    let slot = 0;
    while (slot < max && (CLAIM.decode(held.get(String(slot))).openUntilMs ?? 0) >= now) slot++;
    if (slot === max) return undefined;
    if (await container.jobs.update(pk, String(slot), CLAIM.encode({ jobId, openUntilMs }), { ifAny: claimFree(now), expiresAtSecs })) return slot;
  }
  return undefined;
}

function tooManyJobs(provider: string, max: number, retryAfterSecs: number): AppError {
  return new AppError(429, 'too_many_jobs', `You already have ${max} reads from '${provider}' waiting; ask again once one of them has run`, {
    'retry-after': String(retryAfterSecs),
  });
}

export async function scheduleJob(container: Container, identity: Identity, op: Operation, retryAfterSecs: number): Promise<ScheduledAnswer> {
  const now = container.deps.now();
  const wait = Math.max(1, Math.ceil(retryAfterSecs));
  const expiresAtSecs = Math.ceil(now / 1000) + JOB_RETENTION_SECS;
  const dedupe = `jobkey#${dedupeKey(identity, op)}`;
  const id = randomUUID();
  const pending = await claimRead(container, dedupe, id, wait * 1000, expiresAtSecs);
  if (pending) return pending;
  const provider = op.provider ?? container.config.defaultProvider;
  const max = container.resilience(provider).maxPendingJobs;
  const slots = slotsPk(identity, provider);
  const slot = await takeSlot(container, slots, max, id, now + wait * 1000 + max * TURN_MS + OPEN_AFTER_DUE_MS, expiresAtSecs);
  if (slot === undefined) {
    await releaseDedupe(container, dedupe, id);
    throw tooManyJobs(provider, max, wait);
  }
  const dueAtMs = now + wait * 1000 + slot * TURN_MS;
  await container.jobs.update(
    jobPk(id),
    JOB_SK,
    JOB.encode({
      tenantId: identity.tenantId,
      userId: identity.userId,
      operation: JSON.stringify(op),
      status: 'scheduled',
      dueAtMs,
      attempts: 0,
      dedupe,
      slots,
      slot,
      createdAtMs: now,
      updatedAtMs: now,
    }),
    { expiresAtSecs },
  );
  await container.jobs.update(userJobsPk(identity), id, { createdAtMs: now }, { expiresAtSecs });
  const delaySecs = Math.ceil((dueAtMs - now) / 1000);
  await container.queue.send(JSON.stringify({ job_id: id }), Math.min(delaySecs, MAX_QUEUE_DELAY_SECS));
  return { job_id: id, status: 'scheduled', retry_after: delaySecs };
}

/** Puts a limited job back for `waitSecs` plus its turn, keeping its dedupe and pending-job slot. */
export async function rescheduleJob(container: Container, id: string, job: JobRecord, waitSecs: number): Promise<number> {
  const now = container.deps.now();
  const dueAtMs = now + waitSecs * 1000 + (job.slot ?? 0) * TURN_MS;
  const reopened = CLAIM.encode({ openUntilMs: dueAtMs + OPEN_AFTER_DUE_MS });
  await Promise.all([
    updateJob(container, id, { status: 'scheduled', claimUntilMs: null, dueAtMs }, stillRunning),
    job.slots !== undefined ? container.jobs.update(job.slots, String(job.slot), reopened, heldBy(id)) : undefined,
    job.dedupe !== undefined ? container.jobs.update(job.dedupe, JOB_SK, reopened, heldBy(id)) : undefined,
  ]);
  return Math.ceil((dueAtMs - now) / 1000);
}

/** Records how a job ended and frees its (user, read) claim and pending-job slot. */
export async function endJob(container: Container, id: string, job: JobRecord, fields: JobWrite): Promise<void> {
  await updateJob(container, id, { ...fields, claimUntilMs: null }, stillRunning);
  await Promise.all([
    job.dedupe !== undefined ? container.jobs.delete(job.dedupe, JOB_SK, heldBy(id)) : undefined,
    job.slots !== undefined ? container.jobs.delete(job.slots, String(job.slot), heldBy(id)) : undefined,
  ]);
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
    readDeferredMetric(error.provider, error.kind);
    return { status: 202, body: await scheduleJob(container, identity, op, error.retryAfterSecs ?? 60) };
  }
}

export function encodeResult(value: unknown): JobWrite {
  const json = JSON.stringify(value);
  if (Buffer.byteLength(json) <= COMPRESS_ABOVE_BYTES) return { result: json, resultGz: null };
  const gz = gzipSync(json).toString('base64');
  // Too large even compressed: the worker has filled the cache, so repeating the read answers it.
  if (gz.length > MAX_RESULT_BYTES) return { result: null, resultGz: null, resultInCache: true };
  return { result: null, resultGz: gz };
}

function decodeResult(job: JobRecord): unknown {
  try {
    if (job.result !== undefined) return JSON.parse(job.result);
    if (job.resultGz !== undefined) return JSON.parse(gunzipSync(Buffer.from(job.resultGz, 'base64')).toString('utf8'));
  } catch {
    return undefined;
  }
  return undefined;
}

export interface StoredJob {
  job: JobRecord;
  op: Operation;
}

export async function readJob(container: Container, id: string): Promise<StoredJob | undefined> {
  const job = JOB.decode(await container.jobs.get(jobPk(id), JOB_SK, container.deps.now()));
  const op = jsonIn(job.operation, OperationSchema);
  return op ? { job, op } : undefined;
}

/** Writes fields of job `id` (when `write`'s condition holds); its record as it stands after, or undefined when refused. */
export async function updateJob(container: Container, id: string, fields: JobWrite, write?: StateWrite): Promise<JobRecord | undefined> {
  const after = await container.jobs.update(jobPk(id), JOB_SK, JOB.encode({ ...fields, updatedAtMs: container.deps.now() }), write);
  return after && JOB.decode(after);
}

/** Conditions on a job's own fields (the worker's claim). */
export const jobField = JOB.field;

/** Puts a running job back for the queue's redelivery (unless it was erased meanwhile). */
export async function releaseJob(container: Container, id: string): Promise<void> {
  await updateJob(container, id, { status: 'scheduled', claimUntilMs: null }, stillRunning);
}

/**
 * Erasure of a user's jobs: each job record with its (user, read) claim and pending-job slot,
 * then whatever slot of the user's is left at each provider. A queued message of an erased job
 * finds no record and is dropped by the worker. Expired items are deleted too (nowMs 0 reads
 * them), as DynamoDB's TTL removes them only eventually.
 */
export async function eraseUserJobs(container: Container, identity: Identity, providers: readonly string[], budget: ErasureBudget): Promise<ErasureStep> {
  let jobs = 0;
  let claims = 0;
  const partial = (): ErasureStep => ({ deleted: { jobs, job_claims: claims }, done: false });
  const owned = userJobsPk(identity);
  for (const id of (await container.jobs.list(owned, 0)).keys()) {
    if (budget.exhausted()) return partial();
    const job = JOB.decode(await container.jobs.get(jobPk(id), JOB_SK, 0));
    if (job.dedupe !== undefined && (await container.jobs.delete(job.dedupe, JOB_SK, heldBy(id)))) claims++;
    if (job.slots !== undefined && (await container.jobs.delete(job.slots, String(job.slot), heldBy(id)))) claims++;
    if (job.tenantId !== undefined) jobs++;
    await container.jobs.delete(jobPk(id), JOB_SK);
    await container.jobs.delete(owned, id);
  }
  for (const provider of providers) {
    if (budget.exhausted()) return partial();
    claims += await deletePartition(container.jobs, slotsPk(identity, provider));
  }
  return { deleted: { jobs, job_claims: claims }, done: true };
}

/** Frees the (user, read) claim of job `jobId`, unless another job holds it by now. */
async function releaseDedupe(container: Container, dedupe: string, jobId: string): Promise<void> {
  await container.jobs.delete(dedupe, JOB_SK, heldBy(jobId));
}

/** The owner's view of a job; another user's job is as unknown as a missing one. */
export async function getJob(container: Container, identity: Identity, id: string) {
  const stored = await readJob(container, id);
  const job = stored?.job;
  if (!stored || !job || job.tenantId !== identity.tenantId || job.userId !== identity.userId) {
    throw new AppError(404, 'not_found', `No job '${id}'`);
  }
  const now = container.deps.now();
  const status = job.status;
  const answer: Record<string, unknown> = {
    job_id: id,
    status,
    operation: stored.op.name,
    provider: stored.op.provider ?? null,
    attempts: job.attempts ?? 0,
    created_at: new Date(job.createdAtMs ?? Number.NaN).toISOString(),
    updated_at: new Date(job.updatedAtMs ?? Number.NaN).toISOString(),
  };
  if (status === 'scheduled' || status === 'running') {
    answer['retry_after'] = Math.max(1, Math.ceil(((job.dueAtMs ?? now) - now) / 1000));
  }
  if (status === 'succeeded') {
    answer['data'] = decodeResult(job) ?? null;
    if (job.resultInCache === true) answer['data_note'] = 'The result was too large to keep with the job; repeat the original request (it is cached)';
  }
  if (status === 'failed' && job.error !== undefined) answer['error'] = JSON.parse(job.error);
  return answer;
}
