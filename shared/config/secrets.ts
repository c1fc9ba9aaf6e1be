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
      const reason = error instanceof Error ? error.name : 'unknown error';
      throw new ConfigError(`Could not read secret '${secretId}' from Secrets Manager (${reason})`);
    }
    if (typeof value !== 'string') throw new ConfigError(`Secret '${secretId}' has no string value`);
    return value;
  };
}
