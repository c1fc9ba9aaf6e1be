/** Reads the configuration secret through Powertools Parameters (SDK v3 client underneath). */
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { ConfigError, type SecretFetcher } from './raw';

export function secretsManagerFetcher(): SecretFetcher {
  const provider = new SecretsProvider();
  return async (secretId) => {
    let value: unknown;
    try {
      // The container caches the resulting config itself, so no second-level cache here.
      value = await provider.get(secretId, { maxAge: 0 });
    } catch (error) {
      // Powertools wraps the SDK's error; the AWS error (AccessDenied, ResourceNotFound, ...) is its cause.
      const aws = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      const reason = aws instanceof Error ? `${aws.name}: ${aws.message}` : 'unknown error';
      throw new ConfigError(`Could not read the configuration secret from Secrets Manager (${reason})`, { cause: aws });
    }
    if (typeof value !== 'string') throw new ConfigError(`Secret '${secretId}' has no string value`);
    return value;
  };
}
