/**
 * Per-provider configuration from `PIERRE_<NAME>_*` keys, the legacy `<NAME>_CLIENT_ID` /
 * `<NAME>_CLIENT_SECRET` names, and the descriptor's defaults. Works for any registered
 * descriptor, so custom providers are configured exactly like built-in ones.
 */
import { parseScopes } from '../providers/oauth2';
import type { ProviderConfig, ProviderDescriptor } from '../providers/spi';
import { secretsWithheld, type RawConfig } from './raw';

const PROVIDER_KEYS = ['CLIENT_ID', 'CLIENT_SECRET', 'AUTH_URL', 'TOKEN_URL', 'API_BASE_URL', 'REVOKE_URL', 'SCOPES', 'REDIRECT_URI'] as const;

export function providerEnvPrefix(name: string): string {
  return `PIERRE_${name.toUpperCase()}_`;
}

/** The variables an operator sets to give a provider its client credentials. */
export function credentialVariables(name: string): string[] {
  const prefix = providerEnvPrefix(name);
  return [`${prefix}CLIENT_ID`, `${prefix}CLIENT_SECRET`];
}

export function resolveProviderConfig(descriptor: ProviderDescriptor, raw: RawConfig): ProviderConfig {
  const upper = descriptor.name.toUpperCase();
  const prefix = providerEnvPrefix(descriptor.name);
  const get = (key: string): string | undefined => raw[`${prefix}${key}`];
  const clientId = get('CLIENT_ID') ?? raw[`${upper}_CLIENT_ID`];
  const clientSecret = get('CLIENT_SECRET') ?? raw[`${upper}_CLIENT_SECRET`];
  const scopes = get('SCOPES');
  const settings: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    if (!(PROVIDER_KEYS as readonly string[]).includes(rest)) settings[rest] = value;
  }
  const needsCredentials = descriptor.connection !== 'none';
  return {
    name: descriptor.name,
    clientId,
    clientSecret,
    authUrl: get('AUTH_URL') ?? descriptor.oauthEndpoints?.authUrl ?? descriptor.widgetEndpoints?.sessionUrl,
    tokenUrl: get('TOKEN_URL') ?? descriptor.oauthEndpoints?.tokenUrl,
    revokeUrl: get('REVOKE_URL') ?? descriptor.oauthEndpoints?.revokeUrl ?? descriptor.widgetEndpoints?.revokeUrl,
    apiBaseUrl: get('API_BASE_URL') ?? descriptor.apiBaseUrl,
    scopes: scopes !== undefined ? parseScopes(scopes) : [...descriptor.defaultScopes],
    redirectUri: get('REDIRECT_URI'),
    // Where the secret is withheld, the client id alone says the operator configured the provider.
    configured: !needsCredentials || (clientId !== undefined && (clientSecret !== undefined || secretsWithheld(raw))),
    settings: Object.freeze(settings),
  };
}

/** What a tenant's own app replaces in a provider's configuration (shared/store/ports.ts TenantApp). */
export interface TenantCredentials {
  clientId: string;
  clientSecret: string;
  scopes?: string[] | undefined;
  redirectUri?: string | undefined;
  webhookSettings: Readonly<Record<string, string>>;
}

/**
 * The global configuration with a tenant's own app in place of the global one: its client
 * credentials, scopes, redirect URI and webhook settings. Endpoints and the provider's other
 * settings stay the operator's; the global webhook secrets never verify a tenant's deliveries.
 */
export function tenantProviderConfig(global: ProviderConfig, descriptor: ProviderDescriptor, app: TenantCredentials): ProviderConfig {
  const settings: Record<string, string> = {};
  for (const [key, value] of Object.entries(global.settings)) if (!descriptor.webhookSettings.includes(key)) settings[key] = value;
  for (const [key, value] of Object.entries(app.webhookSettings)) if (descriptor.webhookSettings.includes(key)) settings[key] = value;
  return {
    ...global,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    scopes: app.scopes ?? global.scopes,
    redirectUri: app.redirectUri ?? global.redirectUri,
    configured: true,
    settings: Object.freeze(settings),
  };
}
