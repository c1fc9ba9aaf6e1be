/**
 * Reads the configuration secret with the SDK v3 Secrets Manager client. The client is
 * imported on the first read, not with the module: the Lambda bundles split it into a chunk of
 * its own, which would otherwise be most of a function's init phase.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsClientConfig } from '../aws/client-config';
import { traceAwsClient } from '../aws/xray';
import { ConfigError, type SecretFetcher } from './raw';

export function secretsManagerFetcher(): SecretFetcher {
  let client: SecretsManagerClient | undefined;
  return async (secretId) => {
    const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
    client ??= traceAwsClient(new SecretsManagerClient(awsClientConfig()));
    let value: string | undefined;
    try {
      // The container caches the resulting config itself, so there is no cache here.
      ({ SecretString: value } = await client.send(new GetSecretValueCommand({ SecretId: secretId })));
    } catch (error) {
      // The AWS error (AccessDenied, ResourceNotFound, ...) names the cause; the logs get it, callers never do.
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
      throw new ConfigError(`Could not read the configuration secret from Secrets Manager (${reason})`, { cause: error });
    }
    if (typeof value !== 'string') throw new ConfigError(`Secret '${secretId}' has no string value`);
    return value;
  };
}
