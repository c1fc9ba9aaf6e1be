/**
 * A deployed bundle on its own, as on Lambda: built outside the repository (so nothing resolves
 * from node_modules: the AWS SDK is bundled), started with AWS_LAMBDA_FUNCTION_NAME set, so its
 * configuration comes from Secrets Manager and its stores are DynamoDB and SQS, all on moto.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunction, type BuiltBundle } from '../../infra/esbuild';
import { ensureTables } from '../../shared/store/dynamodb/schema';
import { uniqueName, useMoto } from '../support/aws';
import { requestBundle } from '../support/bundle-probe';

const BUILD_TIMEOUT = 120_000;
const outdir = mkdtempSync(join(tmpdir(), 'pierre-bundle-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the data bundle on moto, with the AWS SDK bundled', () => {
  let bundle: BuiltBundle;
  let env: Record<string, string>;
  let cacheTable: string;

  beforeAll(async () => {
    const endpoint = useMoto();
    bundle = await bundleFunction('data', { outdir });
    const tables = { connections: uniqueName('conn'), cache: uniqueName('cache') };
    cacheTable = tables.cache;
    await ensureTables(new DynamoDBClient({}), tables);
    const secretId = uniqueName('pierre-config');
    const keys = JSON.stringify([{ id: 'k1', key: randomBytes(32).toString('base64') }]);
    await new SecretsManagerClient({}).send(new CreateSecretCommand({ Name: secretId, SecretString: JSON.stringify({ PIERRE_TOKEN_KEYS: keys }) }));
    const { QueueUrl } = await new SQSClient({}).send(new CreateQueueCommand({ QueueName: uniqueName('retry') }));
    env = {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: process.env['AWS_REGION'] ?? 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_LAMBDA_FUNCTION_NAME: 'data',
      POWERTOOLS_METRICS_DISABLED: 'true',
      PIERRE_CONFIG_SECRET_ID: secretId,
      PIERRE_CONNECTIONS_TABLE: tables.connections,
      PIERRE_CACHE_TABLE: tables.cache,
      PIERRE_RETRY_QUEUE_URL: QueueUrl!,
      PIERRE_PUBLIC_BASE_URL: 'https://api.example.com',
    };
  }, BUILD_TIMEOUT);

  it('imports no AWS SDK package from outside the bundle', () => {
    const external = Object.values(bundle.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
    expect(external.filter((path) => !path.startsWith('node:'))).toEqual([]);
  });

  it('answers from its secret, its DynamoDB tables and the synthetic provider, and caches the answer', async () => {
    const request = { path: '/activities?provider=synthetic&limit=3', claims: { sub: 'moto-user', tenant_id: 'moto-tenant' } };
    const answer = await requestBundle(bundle.file, request, env);
    expect(answer).toMatchObject({ statusCode: 200, body: { provider: 'synthetic' } });
    expect((answer.body as { activities: unknown[] }).activities).toHaveLength(3);
    // The answer was written to the cache table through the bundled DynamoDB client.
    const { Items = [] } = await new DynamoDBClient({}).send(new ScanCommand({ TableName: cacheTable }));
    expect(Items.some((item) => JSON.stringify(item).includes('synthetic'))).toBe(true);
  }, BUILD_TIMEOUT);

  it('refuses to start without its secret, with a 503 and no secret in the answer', async () => {
    const answer = await requestBundle(bundle.file, { path: '/activities', claims: { sub: 'u', tenant_id: 't' } }, { ...env, PIERRE_CONFIG_SECRET_ID: 'no-such-secret' });
    expect(answer.statusCode).toBe(503);
    expect(answer.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  }, BUILD_TIMEOUT);
});
