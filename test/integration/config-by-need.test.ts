/**
 * Secrets only where needed, and picked up without a redeploy: on moto, a function deployed
 * without the configuration secret runs on the non-secret settings alone (and can neither seal
 * nor open tokens), and a changed secret is in use once its TTL has passed on the injected clock.
 */
import { randomBytes } from 'node:crypto';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildContainer, CONFIG_TTL_MS, containerSource } from '../../shared/app/container-core';
import { ensureTables, type TableNames } from '../../shared/store/dynamodb/schema';
import { uniqueName, useMoto } from '../support/aws';

const keys = JSON.stringify([{ id: 'k1', key: randomBytes(32).toString('base64') }]);
const now = new Date().toISOString();

describe('configuration by need', () => {
  let secrets: SecretsManagerClient;
  let tables: TableNames;

  beforeAll(async () => {
    useMoto();
    secrets = new SecretsManagerClient({});
    tables = { connections: uniqueName('conn'), cache: uniqueName('cache') };
    await ensureTables(new DynamoDBClient({}), tables);
  });

  const lambdaEnv = (extra: Record<string, string>) => ({
    AWS_LAMBDA_FUNCTION_NAME: 'pierre-test',
    PIERRE_CONNECTIONS_TABLE: tables.connections,
    PIERRE_CACHE_TABLE: tables.cache,
    PIERRE_RETRY_QUEUE_URL: 'http://127.0.0.1:1/queue/unused',
    PIERRE_DELIVERY_QUEUE_URL: 'http://127.0.0.1:1/queue/unused-deliveries',
    PIERRE_STRAVA_CLIENT_ID: 'strava-app',
    ...extra,
  });

  it('runs a function without the secret on its settings alone: providers configured by client id, tokens neither sealed nor opened', async () => {
    const secretId = uniqueName('pierre-config');
    await secrets.send(
      new CreateSecretCommand({ Name: secretId, SecretString: JSON.stringify({ PIERRE_TOKEN_KEYS: keys, PIERRE_STRAVA_CLIENT_SECRET: 's' }) }),
    );
    const withSecret = await buildContainer({ env: lambdaEnv({ PIERRE_CONFIG_SECRET_ID: secretId }) });
    const key = { tenantId: 't1', userId: 'u1', provider: 'strava' };
    await withSecret.connections.put({ ...key, accessToken: 'at', scopes: [], status: 'connected', connectedAt: now, updatedAt: now });

    const withheld = await buildContainer({ env: lambdaEnv({ PIERRE_SECRETS_WITHHELD: 'true' }) });
    expect(withheld.providerConfig('strava')).toMatchObject({ configured: true, clientSecret: undefined });
    await expect(
      withheld.connections.put({ ...key, userId: 'u2', accessToken: 'x', scopes: [], status: 'connected', connectedAt: now, updatedAt: now }),
    ).rejects.toThrow(/holds no token keys/);
    expect((await withheld.connections.get(key))?.accessToken).toBe('');
    // Without the flag, a Lambda function with no token keys still refuses to start.
    await expect(buildContainer({ env: lambdaEnv({}) })).rejects.toThrow(/PIERRE_TOKEN_KEYS is required/);
  });

  it('uses a changed secret once its TTL has passed, without a redeploy', async () => {
    const secretId = uniqueName('pierre-config');
    const value = (clientSecret: string) => JSON.stringify({ PIERRE_TOKEN_KEYS: keys, PIERRE_STRAVA_CLIENT_SECRET: clientSecret });
    await secrets.send(new CreateSecretCommand({ Name: secretId, SecretString: value('first') }));
    let clock = 1_000_000;
    const source = containerSource(() => buildContainer({ env: lambdaEnv({ PIERRE_CONFIG_SECRET_ID: secretId }) }));
    const secretOf = async () => (await source(() => clock)).providerConfig('strava').clientSecret;

    expect(await secretOf()).toBe('first');
    await secrets.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: value('second') }));
    clock += CONFIG_TTL_MS - 1;
    expect(await secretOf()).toBe('first');
    clock += 1;
    expect(await secretOf()).toBe('second');
    // Unchanged since: the next check keeps the same container.
    const kept = await source(() => clock);
    clock += CONFIG_TTL_MS;
    expect(await source(() => clock)).toBe(kept);
  });
});
