import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import * as z from '../../zod';
import { deleteCounted, isConditionFailure } from './client';
import { hashState } from '../encoding';
import { OAuthStateSchema, type ErasureBudget, type ErasureStep, type OAuthState, type OAuthStateStore } from '../ports';
import { CONNECTIONS_TABLE_KEYS } from './table-keys';

const StoredStateSchema = z.omit(OAuthStateSchema, { state: true });

const stateKey = (state: string) => ({ pk: `STATE#${hashState(state)}`, sk: 'STATE' });
/** The states a user has pending, found through the table's index (erasure), at no extra write. */
const ownerKey = (tenantId: string, userId: string) => `STATEOF#${encodeURIComponent(tenantId)}#${encodeURIComponent(userId)}`;

/**
 * OAuthStateStore on the connections table. Only the SHA-256 of the state is stored (as the
 * key); the item expires through the table's TTL, and `consume` also checks the expiry itself
 * because DynamoDB deletes expired items lazily. The item also sits in the table's index under
 * its owner (`STATEOF#<tenant>#<user>`), so erasing a user finds its pending states.
 */
export class DynamoOAuthStateStore implements OAuthStateStore {
  constructor(
    private readonly doc: DynamoDBDocument,
    private readonly tableName: string,
  ) {}

  async create(state: OAuthState): Promise<void> {
    const { state: value, ...rest } = OAuthStateSchema.parse(state);
    try {
      await this.doc.put({
        TableName: this.tableName,
        Item: { ...rest, ...stateKey(value), gsi1pk: ownerKey(rest.tenantId, rest.userId), gsi1sk: stateKey(value).pk, ttl: rest.expiresAt },
        ConditionExpression: 'attribute_not_exists(pk)',
      });
    } catch (err) {
      if (isConditionFailure(err)) throw new Error('OAuth state already exists');
      throw err;
    }
  }

  async consume(state: string, provider: string, nowSecs: number): Promise<OAuthState | undefined> {
    let old: Record<string, unknown> | undefined;
    try {
      // One conditional delete: of concurrent callers exactly one gets the old item back, and
      // only when it was issued for this provider (else it stays for the right callback).
      const out = await this.doc.delete({
        TableName: this.tableName,
        Key: stateKey(state),
        ConditionExpression: 'attribute_exists(pk) AND #provider = :provider',
        ExpressionAttributeNames: { '#provider': 'provider' },
        ExpressionAttributeValues: { ':provider': provider },
        ReturnValues: 'ALL_OLD',
      });
      old = out.Attributes;
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
    if (!old) return undefined;
    const stored = StoredStateSchema.parse(old);
    if (stored.expiresAt <= nowSecs) return undefined;
    return { ...stored, state };
  }

  async eraseUser(tenantId: string, userId: string, budget: ErasureBudget): Promise<ErasureStep> {
    let oauth_states = 0;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.query({
        TableName: this.tableName,
        IndexName: CONNECTIONS_TABLE_KEYS.byProviderUser.indexName,
        KeyConditionExpression: 'gsi1pk = :owner',
        ExpressionAttributeValues: { ':owner': ownerKey(tenantId, userId) },
        ProjectionExpression: 'pk, sk',
        ExclusiveStartKey,
      });
      for (const item of page.Items ?? []) {
        if (budget.exhausted()) return { deleted: { oauth_states }, done: false };
        if (await deleteCounted(this.doc, this.tableName, { pk: item['pk'], sk: item['sk'] })) oauth_states++;
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return { deleted: { oauth_states }, done: true };
  }
}
