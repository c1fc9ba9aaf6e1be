import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import type { TenantApp, TenantAppStore } from '../ports';
import { TenantAppCodec } from '../tenant-app-codec';
import type { TokenCipher } from '../token-cipher';

const APP_PREFIX = 'APP#';

const tenantAppKeys = {
  pk: (tenantId: string) => `TENANT#${encodeURIComponent(tenantId)}`,
  sk: (provider: string) => `${APP_PREFIX}${provider}`,
};

/** TenantAppStore on the connections (durable) table: one item per tenant and provider, its secrets sealed. */
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
    await this.doc.put({ TableName: this.tableName, Item: { ...this.#codec.encode(app), ...this.#key(app.tenantId, app.provider) } });
  }

  async delete(tenantId: string, provider: string): Promise<boolean> {
    const out = await this.doc.delete({ TableName: this.tableName, Key: this.#key(tenantId, provider), ReturnValues: 'ALL_OLD' });
    return out.Attributes !== undefined;
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
