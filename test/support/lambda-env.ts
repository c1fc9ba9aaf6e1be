/**
 * The AWS side of one deployed function, on moto: its tables, its configuration secret and its
 * retry queue, and the environment Lambda would give it (AWS_LAMBDA_FUNCTION_NAME set, so the
 * container insists on Secrets Manager, DynamoDB and SQS). For running a built bundle in a fresh
 * process (test/infra/bundle-on-moto.test.ts, bench/cold-start.ts).
 */
import { randomBytes } from 'node:crypto';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ensureTables, type TableNames } from '../../shared/store/dynamodb/schema';

export interface LambdaOnMoto {
  env: Record<string, string>;
  tables: TableNames;
}

/** Call with AWS_ENDPOINT_URL already pointing at moto (this process's clients use it too). */
export async function provisionLambdaOnMoto(endpoint: string, functionName: string): Promise<LambdaOnMoto> {
  const suffix = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const tables = { connections: `conn-${suffix}`, cache: `cache-${suffix}` };
  await ensureTables(new DynamoDBClient({}), tables);
  const secretId = `pierre-config-${suffix}`;
  const keys = JSON.stringify([{ id: 'k1', key: randomBytes(32).toString('base64') }]);
  await new SecretsManagerClient({}).send(new CreateSecretCommand({ Name: secretId, SecretString: JSON.stringify({ PIERRE_TOKEN_KEYS: keys }) }));
  const sqs = new SQSClient({});
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `retry-${suffix}` }));
  const { QueueUrl: deliveries } = await sqs.send(new CreateQueueCommand({ QueueName: `deliveries-${suffix}` }));
  const env = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: process.env['AWS_REGION'] ?? 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    POWERTOOLS_METRICS_DISABLED: 'true',
    PIERRE_CONFIG_SECRET_ID: secretId,
    PIERRE_CONNECTIONS_TABLE: tables.connections,
    PIERRE_CACHE_TABLE: tables.cache,
    PIERRE_RETRY_QUEUE_URL: QueueUrl!,
    PIERRE_DELIVERY_QUEUE_URL: deliveries!,
    PIERRE_PUBLIC_BASE_URL: 'https://api.example.com',
  };
  return { env, tables };
}
