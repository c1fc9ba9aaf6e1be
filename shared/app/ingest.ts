/**
 * What a webhook delivery adds to the records store (docs/records.md), per provider user:
 * - records the delivery carries itself (Garmin pushes, COROS workouts): stored as they come,
 *   only from an authenticated delivery (a stranger's payload is never taken for a user's data);
 * - callback URLs to pull (Garmin pings), also only from an authenticated delivery: each pulled
 *   once across containers and redeliveries (a claim in the coordination store), with the user's
 *   session, through the rate-limit gate;
 * - items created, updated or deleted at the provider (Strava): a create or update is fetched
 *   once and stored; a delete removes the stored record once the provider confirms the item is
 *   gone (its events are unsigned).
 * Each is bounded per user and delivery, so a delivery costs bounded work whatever it holds.
 */
import { createHash, randomUUID } from 'node:crypto';
import { CacheRequest, withCacheRequest } from '../cache/policy';
import { ProviderError, type Activity } from '../models';
import type { DeliveredRecords, WebhookEvent } from '../providers/spi';
import { acquireLease, releaseLease } from '../resilience/lease';
import { covers } from '../store/coverage';
import { RECORD_RESOURCES, type Connection } from '../store/ports';
import { hasCapability } from '../providers/capabilities';
import { resourceNamed } from '../resources';
import type { Container } from './container';
import { logger } from './observability';
import { deleteRecords, storeRecords, type RecordOwner } from './records';
import { withSession } from './sessions';

/** Records one user's share of a delivery may store. */
const MAX_INGESTED_RECORDS = 500;
/** Callback URLs pulled, and items fetched, per user and delivery. */
const MAX_PULLS = 8;
/** Garmin redelivers for 7 days: a pulled callback stays claimed that long. */
const PULL_CLAIM_MS = 7 * 86_400_000;

export interface Ingest {
  /** Records carried by the delivery, mapped only once the user is applied. */
  carried: (() => readonly DeliveredRecords[])[];
  pulls: Set<string>;
  /** Item id -> the latest aspect named. */
  items: Map<string, 'create' | 'update' | 'delete'>;
}

export const emptyIngest = (): Ingest => ({ carried: [], pulls: new Set(), items: new Map() });

/** Adds what one event names, within the bounds (the rest is dropped: the cache was marked stale anyway). */
export function collectIngest(into: Ingest, event: WebhookEvent): void {
  if (event.records && into.carried.length < MAX_INGESTED_RECORDS) into.carried.push(event.records);
  if (event.pullUrl !== undefined && (into.pulls.size < MAX_PULLS || into.pulls.has(event.pullUrl))) into.pulls.add(event.pullUrl);
  if (event.objectId !== undefined && event.aspect !== undefined && event.changed.includes('activities')) {
    if (into.items.size < MAX_PULLS || into.items.has(event.objectId)) into.items.set(event.objectId, event.aspect);
  }
}

export async function ingest(container: Container, connection: Connection, work: Ingest, authenticated: boolean): Promise<void> {
  const owner: RecordOwner = { tenantId: connection.tenantId, userId: connection.userId, provider: connection.provider };
  if (authenticated) {
    await coverSinceConnected(container, connection);
    let room = MAX_INGESTED_RECORDS;
    for (const batch of work.carried.flatMap((records) => records())) {
      const records = batch.records.slice(0, Math.max(0, room));
      room -= records.length;
      if (records.length > 0) await storeRecords(container, owner, { ...batch, records });
    }
    // A callback to pull spends the user's budget at the provider: only on the provider's own word.
    for (const url of work.pulls) await pullOnce(container, connection, owner, url);
  }
  for (const [id, aspect] of work.items) await syncItem(container, connection, owner, id, aspect);
}

/**
 * A provider whose authenticated notifications bring every new record: the store holds the
 * user's data from the connection on (a backfill adds what came before).
 */
async function coverSinceConnected(container: Container, connection: Connection): Promise<void> {
  const descriptor = container.registry.descriptor(connection.provider);
  if (!descriptor?.pushesData) return;
  const from = connection.connectedAt;
  for (const resource of RECORD_RESOURCES) {
    const needs = resourceNamed(resource).capability;
    if (needs && !hasCapability(descriptor.capabilities, needs.flag)) continue;
    const scope = { tenantId: connection.tenantId, userId: connection.userId, provider: connection.provider, resource };
    if (!covers(await container.records.coverage(scope), { from }, container.deps.now())) await container.records.addCoverage(scope, { from });
  }
}

/** Pulls a callback URL unless another container or an earlier delivery did; a failed pull gives the claim back. */
async function pullOnce(container: Container, connection: Connection, owner: RecordOwner, url: string): Promise<void> {
  const pk = `pull#${encodeURIComponent(owner.tenantId)}#${encodeURIComponent(owner.userId)}#${owner.provider}`;
  const sk = createHash('sha256').update(url, 'utf8').digest('base64url');
  const holder = randomUUID();
  const nowMs = container.deps.now();
  if (!(await acquireLease(container.coordination, pk, sk, { holder, untilMs: nowMs + PULL_CLAIM_MS, nowMs }))) {
    logger.info('notification callback already pulled; skipped', { provider: owner.provider });
    return;
  }
  try {
    const batches = await withSession(
      container,
      owner,
      owner.provider,
      (p, s) => (p.pullNotification ? p.pullNotification(s, url) : Promise.resolve([])),
      connection,
    );
    for (const batch of batches) await storeRecords(container, owner, batch);
  } catch (error) {
    await releaseLease(container.coordination, pk, sk, holder).catch(() => undefined);
    throw error;
  }
}

/** One item as the provider has it now: stored when it exists, deleted from the store when the provider says it is gone. */
async function syncItem(container: Container, connection: Connection, owner: RecordOwner, id: string, aspect: 'create' | 'update' | 'delete'): Promise<void> {
  let activity: Activity | undefined;
  try {
    // Fresh from the provider: the cached copy is what changed.
    activity = await withCacheRequest(new CacheRequest('bypass'), () =>
      withSession(container, owner, owner.provider, (p, s) => p.getActivity(s, id), connection),
    );
  } catch (error) {
    if (!(error instanceof ProviderError && error.kind === 'not_found')) throw error;
  }
  if (activity) {
    await storeRecords(container, owner, { resource: 'activities', records: [{ id: activity.id, at: activity.start_date, value: activity }] });
  } else {
    await deleteRecords(container, owner, 'activities', [id]);
    if (aspect !== 'delete') logger.info('a created or updated item is already gone at the provider', { provider: owner.provider });
  }
}
