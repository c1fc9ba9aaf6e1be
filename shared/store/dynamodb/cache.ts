import { gunzipSync, gzipSync } from 'node:zlib';
import type { DynamoDBDocument, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './client';
import { toCacheJson } from '../encoding';
import type { CacheEntry, CacheLease, CacheRead, CacheStore, CacheWrite, CacheWriteOutcome } from '../ports';

const BATCH_SIZE = 25;
const MAX_BATCH_ATTEMPTS = 8;
/** Values above this are stored gzip-compressed. */
const COMPRESS_ABOVE_BYTES = 64 * 1024;
/** DynamoDB's item limit is 400 KB including names and the other attributes: keep a margin. */
const MAX_VALUE_BYTES = 390 * 1024;

type Key = { pk: string; sk: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The value of an item, or undefined when it cannot be read back (a miss, never an error). */
function decode(item: Record<string, unknown>): CacheEntry | undefined {
  const { storedAtMs, expiresAtMs } = item;
  if (typeof storedAtMs !== 'number' || typeof expiresAtMs !== 'number') return undefined;
  try {
    let json: string;
    if (typeof item['value'] === 'string') json = item['value'];
    else if (item['gz'] instanceof Uint8Array) json = gunzipSync(item['gz']).toString('utf8');
    else return undefined;
    return { value: JSON.parse(json), storedAtMs, expiresAtMs };
  } catch {
    return undefined;
  }
}

/**
 * CacheStore on the cache table: pk = partition, sk = key; the value as JSON text (`value`)
 * or gzip (`gz`) when large. Reads check `keepUntilMs` themselves because TTL deletion
 * (`ttl`, epoch seconds, at the end of the stale grace period) is lazy. A fill lease lives on
 * the same item (`leaseHolder`, `leaseUntilMs`), so one GetItem sees both value and lease.
 */
export class DynamoCacheStore implements CacheStore {
  constructor(
    private readonly doc: DynamoDBDocument,
    private readonly tableName: string,
  ) {}

  async get(partition: string, key: string, nowMs: number): Promise<CacheRead> {
    const { Item } = await this.doc.get({ TableName: this.tableName, Key: { pk: partition, sk: key } });
    if (!Item) return {};
    const readable = typeof Item['keepUntilMs'] === 'number' && Item['keepUntilMs'] > nowMs;
    const lease =
      typeof Item['leaseHolder'] === 'string' && typeof Item['leaseUntilMs'] === 'number' && Item['leaseUntilMs'] > nowMs
        ? { holder: Item['leaseHolder'], untilMs: Item['leaseUntilMs'] }
        : undefined;
    return { entry: readable ? decode(Item) : undefined, lease };
  }

  async set(partition: string, key: string, value: unknown, write: CacheWrite): Promise<CacheWriteOutcome> {
    const json = toCacheJson(value);
    const bytes = Buffer.byteLength(json, 'utf8');
    const body: Record<string, unknown> = {};
    if (bytes <= COMPRESS_ABOVE_BYTES) body['value'] = json;
    else {
      const gz = gzipSync(json);
      if (gz.length > MAX_VALUE_BYTES) return 'too_large';
      body['gz'] = gz;
    }
    const expiresAtMs = write.nowMs + write.ttlSecs * 1000;
    const keepUntilMs = expiresAtMs + write.staleSecs * 1000;
    const guarded = write.leaseHolder !== undefined;
    try {
      await this.doc.put({
        TableName: this.tableName,
        Item: { pk: partition, sk: key, ...body, storedAtMs: write.nowMs, expiresAtMs, keepUntilMs, ttl: Math.ceil(keepUntilMs / 1000) },
        ...(guarded && {
          ConditionExpression: 'leaseHolder = :holder',
          ExpressionAttributeValues: { ':holder': write.leaseHolder },
        }),
      });
      return 'stored';
    } catch (error) {
      if (guarded && isConditionFailure(error)) return 'lease_lost';
      throw error;
    }
  }

  async acquireLease(partition: string, key: string, lease: CacheLease & { nowMs: number; force?: boolean }): Promise<boolean> {
    try {
      await this.doc.update({
        TableName: this.tableName,
        Key: { pk: partition, sk: key },
        // A new item (lease only) vanishes with the lease; an entry keeps its own expiry.
        UpdateExpression:
          'SET leaseHolder = :holder, leaseUntilMs = :until, keepUntilMs = if_not_exists(keepUntilMs, :until), #ttl = if_not_exists(#ttl, :ttl)',
        // Nobody else filling, and no fresh value (another fill may have finished since our read).
        ...(!lease.force && {
          ConditionExpression: '(attribute_not_exists(leaseUntilMs) OR leaseUntilMs <= :now) AND (attribute_not_exists(expiresAtMs) OR expiresAtMs <= :now)',
        }),
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':holder': lease.holder,
          ':until': lease.untilMs,
          ':ttl': Math.ceil(lease.untilMs / 1000),
          ...(!lease.force && { ':now': lease.nowMs }),
        },
      });
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async releaseLease(partition: string, key: string, holder: string): Promise<void> {
    try {
      await this.doc.update({
        TableName: this.tableName,
        Key: { pk: partition, sk: key },
        UpdateExpression: 'REMOVE leaseHolder, leaseUntilMs',
        ConditionExpression: 'leaseHolder = :holder',
        ExpressionAttributeValues: { ':holder': holder },
      });
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async invalidate(partition: string, keyPrefixes?: string | readonly string[], limit = Number.POSITIVE_INFINITY): Promise<number> {
    let count = 0;
    for await (const page of this.#keyPages(partition, keyPrefixes)) {
      const keys = page.slice(0, limit - count);
      for (let i = 0; i < keys.length; i += BATCH_SIZE) {
        await this.#deleteBatch(keys.slice(i, i + BATCH_SIZE));
      }
      count += keys.length;
      if (count >= limit) break;
    }
    return count;
  }

  async markStale(partition: string, keyPrefixes: string | readonly string[] | undefined, nowMs: number): Promise<number> {
    let count = 0;
    for await (const keys of this.#keyPages(partition, keyPrefixes, nowMs)) {
      for (let i = 0; i < keys.length; i += BATCH_SIZE) {
        const outcomes = await Promise.all(keys.slice(i, i + BATCH_SIZE).map((Key) => this.#expire(Key, nowMs)));
        count += outcomes.filter(Boolean).length;
      }
    }
    return count;
  }

  /** Ends the entry's freshness at `nowMs` unless it is already stale (or gone); its stale grace (`keepUntilMs`, `ttl`) stays. */
  async #expire(Key: Key, nowMs: number): Promise<boolean> {
    try {
      await this.doc.update({
        TableName: this.tableName,
        Key,
        UpdateExpression: 'SET expiresAtMs = :now',
        ConditionExpression: 'expiresAtMs > :now AND keepUntilMs > :now',
        ExpressionAttributeValues: { ':now': nowMs },
      });
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** The keys of the partition under `prefixes` (all when absent), a page at a time; with `freshAt`, only entries still fresh then. */
  async *#keyPages(partition: string, keyPrefixes: string | readonly string[] | undefined, freshAt?: number): AsyncGenerator<Key[]> {
    const prefixes = typeof keyPrefixes === 'string' ? [keyPrefixes] : keyPrefixes;
    if (prefixes && prefixes.length === 0) return;
    const single = prefixes?.length === 1 ? prefixes[0] : undefined;
    const input: QueryCommandInput = {
      TableName: this.tableName,
      KeyConditionExpression: single ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
      ExpressionAttributeValues: { ':pk': partition, ...(single && { ':prefix': single }), ...(freshAt !== undefined && { ':now': freshAt }) },
      ProjectionExpression: 'pk, sk',
      ...(freshAt !== undefined && { FilterExpression: 'expiresAtMs > :now' }),
    };
    let ExclusiveStartKey: QueryCommandInput['ExclusiveStartKey'];
    do {
      const page = await this.doc.query({ ...input, ExclusiveStartKey });
      yield (page.Items ?? []).map((item) => ({ pk: item['pk'], sk: item['sk'] }) as Key).filter((k) => !prefixes || prefixes.some((p) => k.sk.startsWith(p)));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  async #deleteBatch(keys: Key[]): Promise<void> {
    let requests = keys.map((Key) => ({ DeleteRequest: { Key } }));
    for (let attempt = 1; requests.length > 0; attempt++) {
      if (attempt > MAX_BATCH_ATTEMPTS) {
        throw new Error(`cache invalidate: ${requests.length} deletes still unprocessed after ${MAX_BATCH_ATTEMPTS} attempts`);
      }
      if (attempt > 1) await sleep(Math.min(1000, 25 * 2 ** attempt) * Math.random());
      const out = await this.doc.batchWrite({ RequestItems: { [this.tableName]: requests } });
      requests = (out.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
    }
  }
}
