import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import * as z from '../../zod';
import { isConditionFailure } from './client';
import { hashState } from '../encoding';
import { OAuthStateSchema, type OAuthState, type OAuthStateStore } from '../ports';

const StoredStateSchema = z.omit(OAuthStateSchema, { state: true });

const stateKey = (state: string) => ({ pk: `STATE#${hashState(state)}`, sk: 'STATE' });

/**
 * OAuthStateStore on the connections table. Only the SHA-256 of the state is stored (as the
 * key); the item expires through the table's TTL, and `consume` also checks the expiry itself
 * because DynamoDB deletes expired items lazily.
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
        Item: { ...rest, ...stateKey(value), ttl: rest.expiresAt },
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
}
