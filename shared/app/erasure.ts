/**
 * Erasure: forgetting a user (DELETE /users/me, `npm run erase -- <tenant> <user>`). The
 * connections are revoked at their providers first (best effort, each outcome reported), while
 * their tokens still exist; then every part of the service that keeps something of the user
 * deletes it (USER_DATA, in order). When all of it is gone `user.erased` is published and the
 * answer is a receipt: counts per kind and the revoke outcome per provider.
 *
 * Work is bounded: each part deletes until the invocation's time runs short, and what is left is
 * finished by a queued continuation (the retry worker), answered 202 meanwhile. Erasing again is
 * safe at any time: what is already gone counts nothing, so a finished erasure answers a receipt
 * of nothing, and two erasures racing both end with nothing left.
 */
import { cachePartition } from '../cache/keys';
import { remainingBudgetMs } from '../context/request';
import * as z from '../zod';
import { deletePartition } from '../store/partition';
import type { ErasureBudget, ErasureStep } from '../store/ports';
import { RevokeOutcomeSchema, type ErasureReceipt } from './answers';
import type { Container } from './container';
import { DEAUTHORIZATION_CHECK_SK, deauthorizationCheckPk } from './deauthorization';
import { toErrorAnswer } from './error-answer';
import type { Identity } from './identity';
import { eraseUserHistory } from './history';
import { eraseUserJobs } from './jobs';
import { logger } from './observability';
import { refreshLeasePk, withSession } from './sessions';
import { eraseUserPriority } from './source-priority';

/** Whom an erasure is for, and the providers whose per-user items it looks for (every registered one, and any the user was connected to). */
interface ErasureSubject {
  tenantId: string;
  userId: string;
  providers: readonly string[];
}

type Eraser = (container: Container, subject: ErasureSubject, budget: ErasureBudget) => Promise<ErasureStep>;

/** Cache entries deleted per request while paging through a partition. */
const CACHE_PAGE = 100;

async function eraseCachedAnswers(container: Container, subject: ErasureSubject, budget: ErasureBudget): Promise<ErasureStep> {
  let cache_entries = 0;
  for (const provider of subject.providers) {
    const partition = cachePartition(subject.tenantId, subject.userId, provider);
    for (let page = CACHE_PAGE; page === CACHE_PAGE; ) {
      if (budget.exhausted()) return { deleted: { cache_entries }, done: false };
      page = await container.cache.invalidate(partition, undefined, CACHE_PAGE);
      cache_entries += page;
    }
  }
  return { deleted: { cache_entries }, done: true };
}

/** The user's stored records and their coverage, at every provider (docs/records.md). */
async function eraseRecords(container: Container, subject: ErasureSubject): Promise<ErasureStep> {
  let records = 0;
  for (const provider of subject.providers) records += await container.records.deleteAll({ tenantId: subject.tenantId, userId: subject.userId, provider });
  return { deleted: { records }, done: true };
}

/** Refresh leases, deauthorization checks, and the user's rate-limit and fair-share records. */
async function eraseCoordination(container: Container, subject: ErasureSubject): Promise<ErasureStep> {
  const store = container.coordination;
  let records = 0;
  records += await deletePartition(store, refreshLeasePk(subject));
  for (const provider of subject.providers) {
    const pk = deauthorizationCheckPk({ ...subject, provider });
    if ((await store.get(pk, DEAUTHORIZATION_CHECK_SK, 0)) === undefined) continue;
    await store.delete(pk, DEAUTHORIZATION_CHECK_SK);
    records++;
  }
  records += await container.gate.eraseUser(subject, subject.providers);
  return { deleted: { coordination_records: records }, done: true };
}

/**
 * Every part of the service that keeps data of a user, in the order it is erased (connections
 * first: their tokens were revoked just before). A new store keyed by user adds its line here.
 */
const USER_DATA: readonly Eraser[] = [
  (c, s, budget) => c.connections.eraseUser(s.tenantId, s.userId, budget),
  (c, s, budget) => c.states.eraseUser(s.tenantId, s.userId, budget),
  (c, s, budget) => eraseUserJobs(c, s, s.providers, budget),
  (c, s) => eraseCoordination(c, s),
  (c, s, budget) => eraseCachedAnswers(c, s, budget),
  (c, s) => eraseRecords(c, s),
  (c, s) => eraseUserHistory(c, s.tenantId, s.userId),
  (c, s) => eraseUserPriority(c, s),
  // Last: events published while the others erased (a revoked connection's) go too; the user.erased receipt stays.
  (c, s, budget) => c.eventStore.eraseUser(s.tenantId, s.userId, budget),
];

type RevokeOutcome = z.infer<typeof RevokeOutcomeSchema>;

/** The queued continuation of an erasure that ran out of time (no token in it: those are gone). */
export const ErasureMessageSchema = z.object({
  erase_user: z.object({
    tenant_id: z.string().check(z.minLength(1)),
    user_id: z.string().check(z.minLength(1)),
    providers: z.array(z.string()),
    deleted: z.record(z.string(), z.number()),
    revoked: z.record(z.string(), RevokeOutcomeSchema),
  }),
});
export type ErasureMessage = z.infer<typeof ErasureMessageSchema>;

/** Time kept back from the invocation: a deletion under way ends, the continuation is queued, the answer sent. */
const ERASURE_MARGIN_MS = 2_000;
/** How soon a continuation runs, and the retry_after of an answer in progress. */
const CONTINUE_AFTER_SECS = 1;

/** Stops new deletions once the invocation's time runs short (never, outside a deadline: the operator's command). */
const invocationBudget: ErasureBudget = { exhausted: () => (remainingBudgetMs() ?? Number.POSITIVE_INFINITY) < ERASURE_MARGIN_MS };

async function revokeAt(container: Container, user: Identity, provider: string): Promise<RevokeOutcome> {
  try {
    // Through a session: an expired access token is refreshed first, so the provider is told.
    await withSession(container, user, provider, (p, session) => p.revokeToken(session));
    return { outcome: 'revoked' };
  } catch (error) {
    const { code } = toErrorAnswer(error);
    logger.warn('erasure: revoking at the provider failed; tokens deleted anyway', { provider, reason: code });
    return { outcome: 'failed', error: code };
  }
}

async function revokeAll(container: Container, user: Identity): Promise<Record<string, RevokeOutcome>> {
  const connections = await container.connections.listForUser(user.tenantId, user.userId);
  const outcomes = await Promise.all(
    connections.map(
      async (c): Promise<[string, RevokeOutcome]> => [
        c.provider,
        c.status === 'connected' ? await revokeAt(container, user, c.provider) : { outcome: 'nothing_to_revoke' },
      ],
    ),
  );
  return Object.fromEntries(outcomes);
}

function addCounts(total: Record<string, number>, step: Record<string, number>): Record<string, number> {
  const out = { ...total };
  for (const [kind, n] of Object.entries(step)) if (n > 0) out[kind] = (out[kind] ?? 0) + n;
  return out;
}

interface Progress {
  deleted: Record<string, number>;
  revoked: Record<string, RevokeOutcome>;
}

/** Runs every eraser within the budget; finishes (event) or queues the rest. */
async function eraseData(container: Container, subject: ErasureSubject, progress: Progress): Promise<ErasureReceipt> {
  let { deleted } = progress;
  for (const eraser of USER_DATA) {
    const step = await eraser(container, subject, invocationBudget);
    deleted = addCounts(deleted, step.deleted);
    if (!step.done) {
      const erase_user = { tenant_id: subject.tenantId, user_id: subject.userId, providers: [...subject.providers], deleted, revoked: progress.revoked };
      await container.queue.send(JSON.stringify({ erase_user }), CONTINUE_AFTER_SECS);
      return { status: 'in_progress', deleted, revoked: progress.revoked, retry_after: CONTINUE_AFTER_SECS };
    }
  }
  // A second erasure, with nothing left to delete, tells nobody again.
  if (Object.keys(deleted).length > 0 || Object.keys(progress.revoked).length > 0) {
    await container.events.publish({
      tenantId: subject.tenantId,
      type: 'user.erased',
      data: { user_id: subject.userId, deleted, revoked: progress.revoked },
    });
  }
  logger.info('user erased', { deleted });
  return { status: 'erased', deleted, revoked: progress.revoked };
}

/** Erases everything of `user`: 200 with the receipt, or 202 while a queued continuation finishes it. */
export async function eraseUser(container: Container, user: Identity): Promise<{ status: 200 | 202; body: ErasureReceipt }> {
  const who = { tenantId: user.tenantId, userId: user.userId };
  const revoked = await revokeAll(container, who);
  const providers = [...new Set([...container.registry.supportedProviders(), ...Object.keys(revoked)])];
  const receipt = await eraseData(container, { ...who, providers }, { deleted: {}, revoked });
  return { status: receipt.status === 'erased' ? 200 : 202, body: receipt };
}

/** The retry worker's side: one queued continuation (queues itself again when still not done). */
export async function continueErasure(container: Container, message: ErasureMessage): Promise<ErasureReceipt> {
  const { tenant_id, user_id, providers, deleted, revoked } = message.erase_user;
  return eraseData(container, { tenantId: tenant_id, userId: user_id, providers }, { deleted, revoked });
}
