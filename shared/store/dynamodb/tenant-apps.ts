import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import type { TenantApp, TenantAppStore } from '../ports';
import { tenantAppCursor, TenantAppCodec } from '../tenant-app-codec';
import { CONNECTIONS_TABLE_KEYS } from './table-keys';
import type { TokenCipher } from '../token-cipher';

const APP_PREFIX = 'APP#';
/** Every app also sits in one partition of the sparse `byProviderUser` index, in `page` order: the scheduled health check walks it a page at a time. */
const EVERY_APP = 'TENANTAPPS';

const tenantAppKeys = {
  pk: (tenantId: string) => `TENANT#${encodeURIComponent(tenantId)}`,
  sk: (provider: string) => `${APP_PREFIX}${provider}`,
};

/** TenantAppStore on the connections (durable) table: one item per tenant and provider, its secrets sealed, indexed for `page`. */
export class DynamoTenantAppStore implements TenantAppStore {
  readonly #codec: TenantAppCodec;

  constructor(
    private readonly doc: DynamoDBDocument,
    private readonly tableName: string,
    cipher: TokenCipher,
  ) {
    this.#codec = new TenantAppCodec(cipher);
  }

  async get(tenantId: string, provider: string): Promise<TenantApp | undefined> {
    const { Item } = await this.doc.get({ TableName: this.tableName, Key: this.#key(tenantId, provider), ConsistentRead: true });
    return Item && this.#codec.decode(Item);
  }

  async put(app: TenantApp): Promise<void> {
    const index = { gsi1pk: EVERY_APP, gsi1sk: tenantAppCursor(app.provider, app.tenantId) };
    await this.doc.put({ TableName: this.tableName, Item: { ...this.#codec.encode(app), ...this.#key(app.tenantId, app.provider), ...index } });
  }

  async delete(tenantId: string, provider: string): Promise<boolean> {
    const out = await this.doc.delete({ TableName: this.tableName, Key: this.#key(tenantId, provider), ReturnValues: 'ALL_OLD' });
    return out.Attributes !== undefined;
  }

  async page(after: string | undefined, limit: number): Promise<{ apps: TenantApp[]; next: string | undefined }> {
    const { Items, LastEvaluatedKey } = await this.doc.query({
      TableName: this.tableName,
      IndexName: CONNECTIONS_TABLE_KEYS.byProviderUser.indexName,
      KeyConditionExpression: after === undefined ? 'gsi1pk = :all' : 'gsi1pk = :all AND gsi1sk > :after',
      ExpressionAttributeValues: { ':all': EVERY_APP, ...(after !== undefined && { ':after': after }) },
      Limit: limit,
    });
    const apps = (Items ?? []).flatMap((item) => this.#codec.tryDecode(item) ?? []);
    const next = LastEvaluatedKey?.[CONNECTIONS_TABLE_KEYS.byProviderUser.sortKey];
    return { apps, next: typeof next === 'string' ? next : undefined };
  }

  async listForTenant(tenantId: string): Promise<TenantApp[]> {
    // A tenant has at most one app per registered provider: one page.
    const { Items } = await this.doc.query({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :app)',
      ExpressionAttributeValues: { ':pk': tenantAppKeys.pk(tenantId), ':app': APP_PREFIX },
      ConsistentRead: true,
    });
    return (Items ?? []).map((item) => this.#codec.decode(item));
  }

  #key(tenantId: string, provider: string) {
    return { pk: tenantAppKeys.pk(tenantId), sk: tenantAppKeys.sk(provider) };
  }
}
