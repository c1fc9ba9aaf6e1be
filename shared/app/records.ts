/**
 * Writing a user's records into the records store, and telling the customer's application:
 * `data.created` / `data.updated` / `data.deleted` name the provider, the resource, the record
 * ids and the time range they span; the application reads the data through the API (an event
 * never carries a record, a token or a provider payload). docs/records.md.
 */
import type { DeliveredRecords } from '../providers/spi';
import type { NormalizedRecord, RecordResource, RecordScope } from '../store/ports';
import type { Container } from './container';
import { logger } from './observability';

/** Whose records: one user at one provider. */
export interface RecordOwner {
  tenantId: string;
  userId: string;
  provider: string;
}

export interface StoredOutcome {
  created: string[];
  updated: string[];
}

/** A stored value's fields, overlaid with the non-null ones of a part of the same day. */
function mergeParts(stored: unknown, part: unknown): unknown {
  if (typeof stored !== 'object' || stored === null || typeof part !== 'object' || part === null) return part;
  const merged: Record<string, unknown> = { ...(stored as Record<string, unknown>) };
  for (const [field, value] of Object.entries(part)) if (value !== null && value !== undefined) merged[field] = value;
  return merged;
}

function spanOf(records: readonly { at: string }[]): { from: string; to: string } {
  const instants = records.map((r) => new Date(r.at).toISOString()).sort();
  return { from: instants[0]!, to: instants.at(-1)! };
}

type DataEvent = 'data.created' | 'data.updated' | 'data.deleted';

/** One event naming the records' ids and the time range they span; none for no records. */
async function publishData(
  container: Container,
  owner: RecordOwner,
  resource: RecordResource,
  type: DataEvent,
  records: readonly { id: string; at: string }[],
) {
  if (records.length === 0) return;
  const { from, to } = spanOf(records);
  await container.events.publish({
    tenantId: owner.tenantId,
    type,
    data: { user_id: owner.userId, provider: owner.provider, resource, record_ids: records.map((r) => r.id), from, to },
  });
}

/**
 * Stores records of one resource (replacing stored ones the provider sent anew: `version` orders
 * them), publishes `data.created` for the new ids and `data.updated` for the replaced ones, and
 * returns both. With `partial`, each record is merged field by field into the stored record of
 * its day. A record too large for an item is left out (and logged).
 */
export async function storeRecords(
  container: Container,
  owner: RecordOwner,
  batch: DeliveredRecords | { resource: RecordResource; records: readonly NormalizedRecord[]; partial?: boolean },
  version: number = container.deps.now(),
): Promise<StoredOutcome> {
  if (batch.records.length === 0) return { created: [], updated: [] };
  const scope: RecordScope = { ...owner, resource: batch.resource };
  let records: NormalizedRecord[] = batch.records.map((r) => ({
    id: r.id,
    at: r.at,
    value: r.value,
    version: 'version' in r ? (r.version as number) : version,
  }));
  if (batch.partial) {
    const stored = await Promise.all(records.map((r) => container.records.get(scope, r.id)));
    records = records.map((r, i) => ({ ...r, value: mergeParts(stored[i]?.value, r.value) }));
  }
  const outcomes = await container.records.put(scope, records);
  const created = outcomes.filter((o) => o.outcome === 'created').map((o) => o.id);
  const updated = outcomes.filter((o) => o.outcome === 'updated').map((o) => o.id);
  const tooLarge = outcomes.filter((o) => o.outcome === 'too_large').length;
  if (tooLarge > 0) logger.warn('records too large to store were left out', { provider: owner.provider, resource: batch.resource, count: tooLarge });
  const byId = new Map(records.map((r) => [r.id, r]));
  await publishData(
    container,
    owner,
    batch.resource,
    'data.created',
    created.map((id) => byId.get(id)!),
  );
  await publishData(
    container,
    owner,
    batch.resource,
    'data.updated',
    updated.map((id) => byId.get(id)!),
  );
  return { created, updated };
}

/** Deletes records by the provider's ids, publishes `data.deleted` for those that were stored, and returns them. */
export async function deleteRecords(container: Container, owner: RecordOwner, resource: RecordResource, ids: readonly string[]): Promise<string[]> {
  const scope: RecordScope = { ...owner, resource };
  const stored = (await Promise.all(ids.map((id) => container.records.get(scope, id)))).filter((r) => r !== undefined);
  const deleted = await container.records.delete(scope, ids);
  await publishData(
    container,
    owner,
    resource,
    'data.deleted',
    stored.filter((r) => deleted.includes(r.id)),
  );
  return deleted;
}
