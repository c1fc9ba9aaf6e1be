/**
 * Stores over DynamoDB tables whose every call is counted by command name, with the most calls
 * ever in flight at once: what a request costs DynamoDB, measured at the SDK.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Stores } from '../../shared/app/container';
import { createDocumentClient } from '../../shared/store/dynamodb/client';
import { DynamoCacheStore } from '../../shared/store/dynamodb/cache';
import { DynamoConnectionStore } from '../../shared/store/dynamodb/connections';
import { DynamoOAuthStateStore } from '../../shared/store/dynamodb/oauth-state';
import { ensureTables } from '../../shared/store/dynamodb/schema';
import { DynamoStateStore } from '../../shared/store/dynamodb/state';
import { parseTokenKeys, TokenCipher } from '../../shared/store/token-cipher';

export interface CountingDynamo {
  stores: Stores;
  tables: { connections: string; cache: string };
  tokenKeys: string;
  /** Calls by command name (`QueryCommand`, `GetCommand`, ...) since the last `reset()`. */
  calls: Map<string, number>;
  total(): number;
  /** The most calls in flight at once since the last `reset()`. */
  peakInFlight(): number;
  reset(): void;
  destroy(): void;
}

/** Creates the tables (AWS_ENDPOINT_URL must name moto) and counting stores over them. */
export async function countingDynamo(tables: { connections: string; cache: string }): Promise<CountingDynamo> {
  const calls = new Map<string, number>();
  let inFlight = 0;
  let peak = 0;
  const client = new DynamoDBClient({});
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? '?';
      calls.set(name, (calls.get(name) ?? 0) + 1);
      peak = Math.max(peak, ++inFlight);
      try {
        return await next(args);
      } finally {
        inFlight--;
      }
    },
    { step: 'initialize', name: 'countCalls' },
  );
  await ensureTables(client, tables);
  const doc = await createDocumentClient(client);
  const tokenKeys = JSON.stringify([{ id: 'k1', key: randomBytes(32).toString('base64') }]);
  const cipher = new TokenCipher(parseTokenKeys(tokenKeys));
  return {
    stores: {
      connections: new DynamoConnectionStore(doc, tables.connections, cipher),
      states: new DynamoOAuthStateStore(doc, tables.connections),
      cache: new DynamoCacheStore(doc, tables.cache),
      coordination: new DynamoStateStore(doc, tables.cache),
      jobs: new DynamoStateStore(doc, tables.connections),
    },
    tables,
    tokenKeys,
    calls,
    total: () => [...calls.values()].reduce((a, b) => a + b, 0),
    peakInFlight: () => peak,
    reset: () => {
      calls.clear();
      peak = 0;
    },
    destroy: () => client.destroy(),
  };
}
