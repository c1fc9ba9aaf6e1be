/**
 * Raw configuration: the JSON secret named by PIERRE_CONFIG_SECRET_ID, overlaid by the
 * process environment. Empty values count as unset, so an empty variable never hides a
 * value from the secret.
 */
import * as z from '../zod';

export type RawConfig = Readonly<Record<string, string>>;

const SecretJsonSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.unknown()), z.record(z.string(), z.unknown())]));

/** A configuration that cannot run. Its message is for the logs only: callers get a generic 503. */
export class ConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/** Parses the secret's JSON text; nested values (e.g. PIERRE_TOKEN_KEYS as a list) become JSON text. */
export function parseSecretJson(text: string, secretId: string): Record<string, string> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`Secret '${secretId}' is not valid JSON`);
  }
  const parsed = SecretJsonSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(`Secret '${secretId}' must be a JSON object of PIERRE_* keys`);
  }
  return Object.fromEntries(Object.entries(parsed.data).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
}

function withoutEmpty(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}

/**
 * Set by the stack on functions that are not granted the configuration secret (web, health,
 * providers, jobs, health-check): they hold no client secret and no token key, by design.
 */
export const secretsWithheld = (raw: RawConfig): boolean => raw['PIERRE_SECRETS_WITHHELD'] === 'true';

export type SecretFetcher = (secretId: string) => Promise<string>;

export async function loadRawConfig(env: Record<string, string | undefined>, fetchSecret: SecretFetcher): Promise<RawConfig> {
  const secretId = env['PIERRE_CONFIG_SECRET_ID'];
  const fromSecret = secretId ? parseSecretJson(await fetchSecret(secretId), secretId) : {};
  return Object.freeze({ ...withoutEmpty(fromSecret), ...withoutEmpty(env) });
}
