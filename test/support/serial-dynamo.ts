/**
 * Stores for several app contexts ("Lambda containers") over the same DynamoDB tables on moto,
 * with every request carried over ONE connection.
 *
 * Why: real DynamoDB applies conditional writes to an item one at a time; moto's threaded
 * server does not (two concurrent conditional UpdateItems on one key can both succeed: we
 * measured 2 winners in about 1 race of 8 with four clients). One connection makes moto apply
 * the containers' requests one at a time, in whatever order the containers race, which is
 * the guarantee the fill lease relies on in AWS.
 */
import { Agent } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Stores } from '../../shared/app/container';
import { createDocumentClient } from '../../shared/store/dynamodb/client';
import { DynamoCacheStore } from '../../shared/store/dynamodb/cache';
import { DynamoConnectionStore } from '../../shared/store/dynamodb/connections';
import { DynamoOAuthStateStore } from '../../shared/store/dynamodb/oauth-state';
import { DynamoRecordStore } from '../../shared/store/dynamodb/records';
import { DynamoStateStore } from '../../shared/store/dynamodb/state';
import { parseTokenKeys, TokenCipher } from '../../shared/store/token-cipher';

/** One shared connection; `stores()` gives each container its own adapters over it. */
export async function serialDynamo(tables: { connections: string; cache: string }, tokenKeysJson: string): Promise<{ stores(): Stores; destroy(): void }> {
  const client = new DynamoDBClient({
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 1 }) }),
  });
  const doc = await createDocumentClient(client);
  const cipher = new TokenCipher(parseTokenKeys(tokenKeysJson));
  return {
    stores: () => ({
      connections: new DynamoConnectionStore(doc, tables.connections, cipher),
      states: new DynamoOAuthStateStore(doc, tables.connections),
      cache: new DynamoCacheStore(doc, tables.cache),
      coordination: new DynamoStateStore(doc, tables.cache),
      jobs: new DynamoStateStore(doc, tables.connections),
      records: new DynamoRecordStore(doc, tables.connections),
    }),
    destroy: () => client.destroy(),
  };
}
