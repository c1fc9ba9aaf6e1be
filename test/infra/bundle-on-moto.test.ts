/**
 * A deployed bundle on its own, as on Lambda: built outside the repository (so nothing resolves
 * from node_modules: the AWS SDK is bundled), started with AWS_LAMBDA_FUNCTION_NAME set, so its
 * configuration comes from Secrets Manager and its stores are DynamoDB and SQS, all on moto.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunction, type BuiltBundle } from '../../infra/esbuild';
import { useMoto } from '../support/aws';
import { requestBundle } from '../support/bundle-probe';
import { provisionLambdaOnMoto } from '../support/lambda-env';

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
    const lambda = await provisionLambdaOnMoto(endpoint, 'data');
    env = lambda.env;
    cacheTable = lambda.tables.cache;
  }, BUILD_TIMEOUT);

  it('imports no AWS SDK package from outside the bundle', () => {
    const external = Object.values(bundle.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
    expect(external.filter((path) => !path.startsWith('node:'))).toEqual([]);
  });

  it(
    'answers from its secret, its DynamoDB tables and the synthetic provider, and caches the answer',
    async () => {
      const request = { path: '/activities?provider=synthetic&limit=3', claims: { sub: 'moto-user', tenant_id: 'moto-tenant' } };
      const answer = await requestBundle(bundle.file, request, env);
      expect(answer).toMatchObject({ statusCode: 200, body: { provider: 'synthetic' } });
      expect((answer.body as { activities: unknown[] }).activities).toHaveLength(3);
      // The answer was written to the cache table through the bundled DynamoDB client.
      const { Items = [] } = await new DynamoDBClient({}).send(new ScanCommand({ TableName: cacheTable }));
      expect(Items.some((item) => JSON.stringify(item).includes('synthetic'))).toBe(true);
    },
    BUILD_TIMEOUT,
  );

  it(
    'refuses to start without its secret, with a 503 and no secret in the answer',
    async () => {
      const answer = await requestBundle(
        bundle.file,
        { path: '/activities', claims: { sub: 'u', tenant_id: 't' } },
        { ...env, PIERRE_CONFIG_SECRET_ID: 'no-such-secret' },
      );
      expect(answer.statusCode).toBe(503);
      expect(answer.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    },
    BUILD_TIMEOUT,
  );
});
