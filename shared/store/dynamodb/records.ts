import type { DynamoDBDocument, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { mergeCoverage } from '../coverage';
import {
  RECORD_RESOURCES,
  type CoveredRange,
  type NormalizedRecord,
  type RecordPutOutcome,
  type RecordQuery,
  type RecordScope,
  type RecordStore,
} from '../ports';
import { packRecordValue, recordIdKey, recordInstant, unpackRecordValue } from '../record-keys';
import { isConditionFailure } from './client';

/** Records written at once per user and resource (each a read and a small transaction). */
const PUT_CONCURRENCY = 8;
const BATCH_SIZE = 25;
/** Conditional writes that lost a race are tried again this many times. */
const MAX_ATTEMPTS = 5;
const COVERAGE_SK = 'coverage';
const RECORD_PREFIX = 't#';
const POINTER_PREFIX = 'id#';

const partitionKey = (s: Omit<RecordScope, 'resource'> & { resource: string }) =>
  `records#${encodeURIComponent(s.tenantId)}#${encodeURIComponent(s.userId)}#${encodeURIComponent(s.provider)}#${s.resource}`;
const recordSk = (at: string, id: string) => `${RECORD_PREFIX}${recordInstant(at)}#${recordIdKey(id)}`;
const pointerSk = (id: string) => `${POINTER_PREFIX}${recordIdKey(id)}`;

type Item = Record<string, unknown>;

function toRecord(item: Item): NormalizedRecord {
  return { id: item['id'] as string, at: item['at'] as string, version: item['version'] as number, value: unpackRecordValue(item) };
}

/**
 * RecordStore on the durable (connections) table. One partition per user, provider and
 * resource (`records#<tenant>#<user>#<provider>#<resource>`), holding:
 * - a record item per record, sort key `t#<instant>#<id>`: a time range is one Query between two
 *   sort keys (the `to` bound excluded as `t#<to>` sorts before every `t#<to>#<id>`);
 * - a pointer item per record, `id#<id>`: its version and where its record item sits, so a newer
 *   version whose instant moved replaces the old item in the same transaction;
 * - the coverage item, `coverage`: the ranges held completely, as JSON, with a revision for
 *   conditional updates.
 * Values over 64 KB are gzip-compressed; over 390 KB compressed they are refused (`too_large`).
 */
export class DynamoRecordStore implements RecordStore {
  constructor(
    private readonly doc: DynamoDBDocument,
    private readonly tableName: string,
  ) {}

  async put(scope: RecordScope, records: readonly NormalizedRecord[]): Promise<{ id: string; outcome: RecordPutOutcome }[]> {
    const outcomes = new Array<{ id: string; outcome: RecordPutOutcome }>(records.length);
    let next = 0;
    const worker = async () => {
      while (next < records.length) {
        const index = next++;
        const record = records[index]!;
        outcomes[index] = { id: record.id, outcome: await this.#putOne(partitionKey(scope), record) };
      }
    };
    await Promise.all(Array.from({ length: Math.min(PUT_CONCURRENCY, records.length) }, worker));
    return outcomes;
  }

  async #putOne(pk: string, record: NormalizedRecord): Promise<RecordPutOutcome> {
    const packed = packRecordValue(record.value);
    const at = recordInstant(record.at);
    const sk = recordSk(at, record.id);
    for (let attempt = 1; ; attempt++) {
      const { Item: pointer } = await this.doc.get({ TableName: this.tableName, Key: { pk, sk: pointerSk(record.id) }, ConsistentRead: true });
      const previous = pointer as { version: number; recordSk: string } | undefined;
      if (previous && previous.version >= record.version) return 'unchanged';
      if (!packed) return 'too_large';
      const value = 'json' in packed ? { json: packed.json } : { gz: packed.gz };
      try {
        await this.doc.transactWrite({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { pk, sk: pointerSk(record.id), version: record.version, recordSk: sk },
                // Nobody wrote the pointer since it was read.
                ConditionExpression: previous ? 'version = :seen' : 'attribute_not_exists(pk)',
                ...(previous && { ExpressionAttributeValues: { ':seen': previous.version } }),
              },
            },
            { Put: { TableName: this.tableName, Item: { pk, sk, id: record.id, at, version: record.version, ...value } } },
            ...(previous && previous.recordSk !== sk ? [{ Delete: { TableName: this.tableName, Key: { pk, sk: previous.recordSk } } }] : []),
          ],
        });
        return previous ? 'updated' : 'created';
      } catch (error) {
        if (!isTransactionConflict(error) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  async delete(scope: RecordScope, ids: readonly string[]): Promise<string[]> {
    const pk = partitionKey(scope);
    const deleted: string[] = [];
    for (const id of new Set(ids)) {
      const { Attributes } = await this.doc.delete({ TableName: this.tableName, Key: { pk, sk: pointerSk(id) }, ReturnValues: 'ALL_OLD' });
      if (!Attributes) continue;
      await this.doc.delete({ TableName: this.tableName, Key: { pk, sk: Attributes['recordSk'] } });
      deleted.push(id);
    }
    return deleted;
  }

  async get(scope: RecordScope, id: string): Promise<NormalizedRecord | undefined> {
    const pk = partitionKey(scope);
    const { Item: pointer } = await this.doc.get({ TableName: this.tableName, Key: { pk, sk: pointerSk(id) }, ConsistentRead: true });
    if (!pointer) return undefined;
    const { Item } = await this.doc.get({ TableName: this.tableName, Key: { pk, sk: pointer['recordSk'] }, ConsistentRead: true });
    return Item && toRecord(Item);
  }

  async query(scope: RecordScope, query: RecordQuery): Promise<NormalizedRecord[]> {
    const lower = query.from === undefined ? RECORD_PREFIX : `${RECORD_PREFIX}${recordInstant(query.from)}`;
    // '$' follows '#': above every record key.
    const upper = query.to === undefined ? 't$' : `${RECORD_PREFIX}${recordInstant(query.to)}`;
    if (upper <= lower) return [];
    const input: QueryCommandInput = {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lower AND :upper',
      ExpressionAttributeValues: { ':pk': partitionKey(scope), ':lower': lower, ':upper': upper },
      ScanIndexForward: query.order === 'oldest_first',
      ConsistentRead: true,
    };
    const records: NormalizedRecord[] = [];
    let ExclusiveStartKey: QueryCommandInput['ExclusiveStartKey'];
    // One Query unless the answer passes 1 MB.
    do {
      const wanted = query.limit === undefined ? undefined : query.limit - records.length;
      const page = await this.doc.query({ ...input, ...(wanted !== undefined && { Limit: wanted }), ExclusiveStartKey });
      for (const item of page.Items ?? []) records.push(toRecord(item));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey && (query.limit === undefined || records.length < query.limit));
    return records;
  }

  async coverage(scope: RecordScope): Promise<CoveredRange[]> {
    return (await this.#coverageItem(partitionKey(scope))).ranges;
  }

  async #coverageItem(pk: string): Promise<{ ranges: CoveredRange[]; revision: number | undefined }> {
    const { Item } = await this.doc.get({ TableName: this.tableName, Key: { pk, sk: COVERAGE_SK }, ConsistentRead: true });
    if (!Item) return { ranges: [], revision: undefined };
    return { ranges: JSON.parse(Item['ranges'] as string) as CoveredRange[], revision: Item['revision'] as number };
  }

  async addCoverage(scope: RecordScope, range: CoveredRange): Promise<CoveredRange[]> {
    const pk = partitionKey(scope);
    for (let attempt = 1; ; attempt++) {
      const current = await this.#coverageItem(pk);
      const ranges = mergeCoverage([...current.ranges, range]);
      try {
        await this.doc.put({
          TableName: this.tableName,
          Item: { pk, sk: COVERAGE_SK, ranges: JSON.stringify(ranges), revision: (current.revision ?? 0) + 1 },
          ConditionExpression: current.revision === undefined ? 'attribute_not_exists(pk)' : 'revision = :seen',
          ...(current.revision !== undefined && { ExpressionAttributeValues: { ':seen': current.revision } }),
        });
        return ranges;
      } catch (error) {
        if (!isConditionFailure(error) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  async deleteAll(scope: Omit<RecordScope, 'resource'>): Promise<number> {
    let records = 0;
    for (const resource of RECORD_RESOURCES) {
      const pk = partitionKey({ ...scope, resource });
      let ExclusiveStartKey: QueryCommandInput['ExclusiveStartKey'];
      do {
        const page = await this.doc.query({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ProjectionExpression: 'pk, sk',
          ExclusiveStartKey,
        });
        const keys = (page.Items ?? []).map((item) => ({ pk: item['pk'] as string, sk: item['sk'] as string }));
        records += keys.filter((k) => k.sk.startsWith(RECORD_PREFIX)).length;
        for (let i = 0; i < keys.length; i += BATCH_SIZE) await this.#deleteBatch(keys.slice(i, i + BATCH_SIZE));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
    }
    return records;
  }

  async #deleteBatch(keys: { pk: string; sk: string }[]): Promise<void> {
    let requests = keys.map((Key) => ({ DeleteRequest: { Key } }));
    for (let attempt = 1; requests.length > 0; attempt++) {
      if (attempt > MAX_ATTEMPTS) throw new Error(`records deleteAll: ${requests.length} deletes still unprocessed`);
      const out = await this.doc.batchWrite({ RequestItems: { [this.tableName]: requests } });
      requests = (out.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
    }
  }
}

/** A transaction refused because a condition failed or another transaction held an item: read again and retry. */
function isTransactionConflict(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'TransactionCanceledException' || name === 'TransactionConflictException' || isConditionFailure(error);
}
