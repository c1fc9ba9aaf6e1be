import type { DynamoDBDocument, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ConnectionCodec, type UnreadableObserver } from '../connection-codec';
import type { Connection, ConnectionKey, ConnectionStore, ErasureBudget, ErasureStep, StoredConnectionEntry } from '../ports';
import type { TokenCipher } from '../token-cipher';
import { deleteCounted, isConditionFailure } from './client';
import { CONNECTIONS_TABLE_KEYS } from './table-keys';

const CONN_PREFIX = 'CONN#';

export const connectionKeys = {
  pk: (tenantId: string, userId: string) => `USER#${encodeURIComponent(tenantId)}#${encodeURIComponent(userId)}`,
  sk: (provider: string) => `${CONN_PREFIX}${provider}`,
  gsi1pk: (provider: string, providerUserId: string) => `PUSER#${provider}#${encodeURIComponent(providerUserId)}`,
};

/** The connection an item belongs to, read from its table keys (which stay readable when the rest does not). */
function keyOfItem(item: Record<string, unknown>): ConnectionKey | undefined {
  const user = typeof item['pk'] === 'string' ? /^USER#([^#]*)#([^#]*)$/.exec(item['pk']) : null;
  const sk = item['sk'];
  if (!user || typeof sk !== 'string' || !sk.startsWith(CONN_PREFIX)) return undefined;
  try {
    return { tenantId: decodeURIComponent(user[1]!), userId: decodeURIComponent(user[2]!), provider: sk.slice(CONN_PREFIX.length) };
  } catch {
    return undefined;
  }
}

/**
 * ConnectionStore on the connections table: one item per (tenant, user, provider), tokens
 * sealed by ConnectionCodec, provider-side user ids indexed by the `byProviderUser` GSI.
 */
export class DynamoConnectionStore implements ConnectionStore {
  readonly #codec: ConnectionCodec;

  constructor(
    private readonly doc: DynamoDBDocument,
    private readonly tableName: string,
    cipher: TokenCipher,
    onUnreadable?: UnreadableObserver,
  ) {
    this.#codec = new ConnectionCodec(cipher, onUnreadable);
  }

  async get(key: ConnectionKey): Promise<Connection | undefined> {
    const { Item } = await this.doc.get({ TableName: this.tableName, Key: this.#key(key), ConsistentRead: true });
    return Item && this.#codec.read(Item, key);
  }

  async put(connection: Connection): Promise<void> {
    await this.doc.put({ TableName: this.tableName, Item: this.#item(connection) });
  }

  async replaceIfUnchanged(connection: Connection, expectedUpdatedAt: string): Promise<boolean> {
    try {
      await this.doc.put({
        TableName: this.tableName,
        Item: this.#item(connection),
        ConditionExpression: 'updatedAt = :expected',
        ExpressionAttributeValues: { ':expected': expectedUpdatedAt },
      });
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async *scanAll(): AsyncIterable<StoredConnectionEntry> {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.scan({
        TableName: this.tableName,
        FilterExpression: 'begins_with(sk, :conn)',
        ExpressionAttributeValues: { ':conn': CONN_PREFIX },
        ConsistentRead: true,
        ExclusiveStartKey,
      });
      for (const item of page.Items ?? []) {
        const key = keyOfItem(item);
        if (key) yield { connection: this.#codec.read(item, key), sealedWithCurrentKey: this.#codec.sealedWithCurrentKey(item) };
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  #item(connection: Connection): Record<string, unknown> {
    const stored = this.#codec.encode(connection);
    const pk = connectionKeys.pk(stored.tenantId, stored.userId);
    const index = stored.providerUserId === undefined ? {} : { gsi1pk: connectionKeys.gsi1pk(stored.provider, stored.providerUserId), gsi1sk: pk };
    return { ...stored, ...index, pk, sk: connectionKeys.sk(stored.provider) };
  }

  async delete(key: ConnectionKey): Promise<void> {
    await this.doc.delete({ TableName: this.tableName, Key: this.#key(key) });
  }

  async eraseUser(tenantId: string, userId: string, budget: ErasureBudget): Promise<ErasureStep> {
    const { Items = [] } = await this.doc.query({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': connectionKeys.pk(tenantId, userId), ':sk': CONN_PREFIX },
      ProjectionExpression: 'pk, sk',
      ConsistentRead: true,
    });
    let connections = 0;
    for (const item of Items) {
      if (budget.exhausted()) return { deleted: { connections }, done: false };
      if (await deleteCounted(this.doc, this.tableName, { pk: item['pk'], sk: item['sk'] })) connections++;
    }
    return { deleted: { connections }, done: true };
  }

  async listForUser(tenantId: string, userId: string): Promise<Connection[]> {
    return this.#query({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': connectionKeys.pk(tenantId, userId), ':sk': CONN_PREFIX },
      ConsistentRead: true,
    });
  }

  async findByProviderUserId(provider: string, providerUserId: string): Promise<Connection[]> {
    return this.#query({
      TableName: this.tableName,
      IndexName: CONNECTIONS_TABLE_KEYS.byProviderUser.indexName,
      KeyConditionExpression: 'gsi1pk = :g',
      ExpressionAttributeValues: { ':g': connectionKeys.gsi1pk(provider, providerUserId) },
    });
  }

  #key(key: ConnectionKey) {
    return { pk: connectionKeys.pk(key.tenantId, key.userId), sk: connectionKeys.sk(key.provider) };
  }

  async #query(input: QueryCommandInput): Promise<Connection[]> {
    const out: Connection[] = [];
    let ExclusiveStartKey: QueryCommandInput['ExclusiveStartKey'];
    do {
      const page = await this.doc.query({ ...input, ExclusiveStartKey });
      for (const item of page.Items ?? []) {
        const key = keyOfItem(item);
        if (key) out.push(this.#codec.read(item, key));
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return out;
  }
}
