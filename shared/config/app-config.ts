/** Service-wide settings, validated once per container. */
import * as z from '../zod';
import { ConfigError, type RawConfig } from './raw';
import { parseReturnTargets } from './return-targets';

const returnTargets = z.pipe(
  z.optional(z.string()),
  z.transform((value, ctx) => {
    const { targets, malformed } = parseReturnTargets(value);
    for (const entry of malformed) {
      ctx.issues.push({
        code: 'custom',
        message: `'${entry}' is neither an http(s) origin such as https://app.example.com nor a custom-scheme prefix such as myapp://oauth`,
        input: value,
      });
    }
    return targets;
  }),
);

const AppConfigSchema = z.pipe(
  z.object({
    PIERRE_DEFAULT_PROVIDER: z._default(z.string(), 'synthetic'),
    PIERRE_TENANT_CLAIM: z._default(z.string().check(z.minLength(1)), 'tenant_id'),
    PIERRE_ROLE_CLAIM: z._default(z.string().check(z.minLength(1)), 'pierre_role'),
    PIERRE_ALLOWED_RETURN_ORIGINS: returnTargets,
    PIERRE_PUBLIC_BASE_URL: z.optional(z.url()),
    PIERRE_JWT_ISSUER: z.optional(z.url()),
    PIERRE_OAUTH_SCOPES: z._default(z.string(), 'openid'),
    PIERRE_TOKEN_KEYS: z.optional(z.string()),
    PIERRE_CONNECTIONS_TABLE: z.optional(z.string().check(z.minLength(3))),
    PIERRE_CACHE_TABLE: z.optional(z.string().check(z.minLength(3))),
    PIERRE_DEV_JWT_SECRET: z.optional(z.string().check(z.minLength(16))),
    PIERRE_RETRY_QUEUE_URL: z.optional(z.url()),
    PIERRE_DELIVERY_QUEUE_URL: z.optional(z.url()),
    PIERRE_ENDPOINT_SECRETS_TABLE: z.optional(z.string().check(z.minLength(3))),
    // Set by the local server only: the web page fetches its own token from /dev/token.
    PIERRE_WEB_DEV_TOKENS: z._default(z.enum(['true', 'false']), 'false'),
    PIERRE_REQUIRE_TENANT_CREDENTIALS: z._default(z.enum(['true', 'false']), 'false'),
  }),
  z.transform((raw) => ({
    defaultProvider: raw.PIERRE_DEFAULT_PROVIDER,
    tenantClaim: raw.PIERRE_TENANT_CLAIM,
    roleClaim: raw.PIERRE_ROLE_CLAIM,
    returnTargets: raw.PIERRE_ALLOWED_RETURN_ORIGINS,
    publicBaseUrl: raw.PIERRE_PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    jwtIssuer: raw.PIERRE_JWT_ISSUER,
    oauthScopes: raw.PIERRE_OAUTH_SCOPES.split(/[\s,]+/).filter(Boolean),
    tokenKeysJson: raw.PIERRE_TOKEN_KEYS,
    connectionsTable: raw.PIERRE_CONNECTIONS_TABLE,
    cacheTable: raw.PIERRE_CACHE_TABLE,
    devJwtSecret: raw.PIERRE_DEV_JWT_SECRET,
    retryQueueUrl: raw.PIERRE_RETRY_QUEUE_URL,
    deliveryQueueUrl: raw.PIERRE_DELIVERY_QUEUE_URL,
    endpointSecretsTable: raw.PIERRE_ENDPOINT_SECRETS_TABLE,
    webDevTokens: raw.PIERRE_WEB_DEV_TOKENS === 'true',
    /** A tenant without its own app at a provider is refused the global one. */
    requireTenantCredentials: raw.PIERRE_REQUIRE_TENANT_CREDENTIALS === 'true',
  })),
);

export type AppConfig = z.output<typeof AppConfigSchema>;

export function parseAppConfig(raw: RawConfig): AppConfig {
  const result = AppConfigSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  return result.data;
}
