/**
 * The DynamoDB table shapes the adapters rely on. The CDK stack creates the same tables;
 * `ensureTables` creates them against an emulator (tests, local server) when missing.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { CACHE_TABLE_KEYS, CONNECTIONS_TABLE_KEYS, ENDPOINT_SECRETS_TABLE_KEYS } from './table-keys';

export interface TableNames {
  connections: string;
  cache: string;
  /** The event endpoints' signing secrets (created only when named). */
  endpointSecrets?: string | undefined;
}

function connectionsTable(name: string): CreateTableCommandInput {
  const { partitionKey, sortKey, byProviderUser: gsi } = CONNECTIONS_TABLE_KEYS;
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: partitionKey, AttributeType: 'S' },
      { AttributeName: sortKey, AttributeType: 'S' },
      { AttributeName: gsi.partitionKey, AttributeType: 'S' },
      { AttributeName: gsi.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: gsi.indexName,
        KeySchema: [
          { AttributeName: gsi.partitionKey, KeyType: 'HASH' },
          { AttributeName: gsi.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

function keyValueTable(name: string, keys: { partitionKey: string; sortKey: string }): CreateTableCommandInput {
  const { partitionKey, sortKey } = keys;
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: partitionKey, AttributeType: 'S' },
      { AttributeName: sortKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ],
  };
}

async function ensureTable(client: DynamoDBClient, input: CreateTableCommandInput, ttlAttribute?: string) {
  const TableName = input.TableName!;
  try {
    await client.send(new DescribeTableCommand({ TableName }));
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
    try {
      await client.send(new CreateTableCommand(input));
    } catch (createErr) {
      // Someone else created it meanwhile: fine, wait for it below.
      if (!(createErr instanceof ResourceInUseException)) throw createErr;
    }
  }
  await waitUntilTableExists({ client, maxWaitTime: 120, minDelay: 1, maxDelay: 5 }, { TableName });

  if (!ttlAttribute) return;
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName }));
  const status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
  // Enabling TTL twice is an error in DynamoDB.
  if (status !== 'ENABLED' && status !== 'ENABLING') {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName,
        TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
      }),
    );
  }
}

/** Creates the connections and cache tables (and the secrets table when named) when missing, waits until ACTIVE, enables TTL. */
export async function ensureTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  await Promise.all([
    ensureTable(client, connectionsTable(names.connections), CONNECTIONS_TABLE_KEYS.ttlAttribute),
    ensureTable(client, keyValueTable(names.cache, CACHE_TABLE_KEYS), CACHE_TABLE_KEYS.ttlAttribute),
    names.endpointSecrets ? ensureTable(client, keyValueTable(names.endpointSecrets, ENDPOINT_SECRETS_TABLE_KEYS)) : undefined,
  ]);
}
