/** DynamoDB-on-moto wiring shared by the contract suites: fresh tables per suite. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../shared/store/dynamodb/client';
import { ensureTables, type TableNames } from '../../shared/store/dynamodb/schema';
import { uniqueName, useMoto } from '../support/aws';

export interface MotoTables {
  client: DynamoDBClient;
  doc: DynamoDBDocument;
  tables: TableNames;
}

/** Call in beforeAll. */
export async function createMotoTables(): Promise<MotoTables> {
  useMoto();
  const client = new DynamoDBClient({});
  const tables = { connections: uniqueName('connections'), cache: uniqueName('cache') };
  await ensureTables(client, tables);
  return { client, doc: await createDocumentClient(client), tables };
}
