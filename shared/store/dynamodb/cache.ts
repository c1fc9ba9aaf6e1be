import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { toCacheJson } from '../encoding';
import type { CacheStore } from '../ports';

const BATCH_SIZE = 25;
const MAX_BATCH_ATTEMPTS = 8;

type Key = { pk: string; sk: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * CacheStore on the cache table: pk = partition, sk = key, the value as JSON text. `ttl`
 * (epoch seconds) lets DynamoDB drop old items, but `get` checks `expiresAtMs` itself because
 * that deletion is lazy.
 */
export class DynamoCacheStore implements CacheStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(partition: string, key: string, nowMs: number): Promise<unknown> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: partition, sk: key } }));
    if (!Item || typeof Item.value !== 'string' || typeof Item.expiresAtMs !== 'number') return undefined;
    if (Item.expiresAtMs <= nowMs) return undefined;
    return JSON.parse(Item.value);
  }

  async set(partition: string, key: string, value: unknown, ttlSecs: number, nowMs: number): Promise<void> {
    const expiresAtMs = nowMs + ttlSecs * 1000;
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: partition, sk: key, value: toCacheJson(value), expiresAtMs, ttl: Math.ceil(expiresAtMs / 1000) },
      }),
    );
  }

  async invalidate(partition: string, keyPrefix?: string): Promise<number> {
    const input: QueryCommandInput = keyPrefix
      ? {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': partition, ':prefix': keyPrefix },
        }
      : {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': partition },
        };
    let count = 0;
    let ExclusiveStartKey: QueryCommandInput['ExclusiveStartKey'];
    do {
      const page = await this.doc.send(
        new QueryCommand({ ...input, ProjectionExpression: 'pk, sk', ExclusiveStartKey }),
      );
      const keys = (page.Items ?? []).map((item) => ({ pk: item.pk, sk: item.sk }) as Key);
      for (let i = 0; i < keys.length; i += BATCH_SIZE) {
        await this.#deleteBatch(keys.slice(i, i + BATCH_SIZE));
      }
      count += keys.length;
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return count;
  }

  async #deleteBatch(keys: Key[]): Promise<void> {
    let requests = keys.map((Key) => ({ DeleteRequest: { Key } }));
    for (let attempt = 1; requests.length > 0; attempt++) {
      if (attempt > MAX_BATCH_ATTEMPTS) {
        throw new Error(`cache invalidate: ${requests.length} deletes still unprocessed after ${MAX_BATCH_ATTEMPTS} attempts`);
      }
      if (attempt > 1) await sleep(Math.min(1000, 25 * 2 ** attempt) * Math.random());
      const out = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
      requests = (out.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
    }
  }
}
