import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConnectionCodec } from '../connection-codec';
import type { Connection, ConnectionKey, ConnectionStore } from '../ports';
import type { TokenCipher } from '../token-cipher';
import { CONNECTIONS_TABLE_KEYS } from './schema';

const CONN_PREFIX = 'CONN#';

export const connectionKeys = {
  pk: (tenantId: string, userId: string) => `USER#${encodeURIComponent(tenantId)}#${encodeURIComponent(userId)}`,
  sk: (provider: string) => `${CONN_PREFIX}${provider}`,
  gsi1pk: (provider: string, providerUserId: string) => `PUSER#${provider}#${encodeURIComponent(providerUserId)}`,
};

/**
 * ConnectionStore on the connections table: one item per (tenant, user, provider), tokens
 * sealed by ConnectionCodec, provider-side user ids indexed by the `byProviderUser` GSI.
 */
export class DynamoConnectionStore implements ConnectionStore {
  readonly #codec: ConnectionCodec;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    cipher: TokenCipher,
  ) {
    this.#codec = new ConnectionCodec(cipher);
  }

  async get(key: ConnectionKey): Promise<Connection | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: this.#key(key), ConsistentRead: true }),
    );
    return Item && this.#codec.decode(Item);
  }

  async put(connection: Connection): Promise<void> {
    const stored = this.#codec.encode(connection);
    const pk = connectionKeys.pk(stored.tenantId, stored.userId);
    const index =
      stored.providerUserId === undefined
        ? {}
        : { gsi1pk: connectionKeys.gsi1pk(stored.provider, stored.providerUserId), gsi1sk: pk };
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...stored, ...index, pk, sk: connectionKeys.sk(stored.provider) },
      }),
    );
  }

  async delete(key: ConnectionKey): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: this.#key(key) }));
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
      const page = await this.doc.send(new QueryCommand({ ...input, ExclusiveStartKey }));
      for (const item of page.Items ?? []) out.push(this.#codec.decode(item));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return out;
  }
}
