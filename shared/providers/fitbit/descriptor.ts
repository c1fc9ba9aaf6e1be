import { fullHealth, type ProviderDescriptorInput } from '../spi';

/**
 * Fitbit Web API (legacy `api.fitbit.com`). Scopes are space-separated and the user may untick
 * any of them on the consent page; only `activity` is required. `oxygen_saturation` is asked for
 * so that recovery can carry SpO2; sleep, weight and heart-rate data need their own scopes.
 */
export const FITBIT_DESCRIPTOR = {
  name: 'fitbit',
  displayName: 'Fitbit',
  capabilities: fullHealth(),
  connection: 'oauth2',
  oauthEndpoints: {
    authUrl: 'https://www.fitbit.com/oauth2/authorize',
    tokenUrl: 'https://api.fitbit.com/oauth2/token',
    revokeUrl: 'https://api.fitbit.com/oauth2/revoke',
  },
  oauthParams: { scopeSeparator: ' ', pkce: true, extraAuthorizeParams: {}, tokenEndpointAuth: 'basic' },
  apiBaseUrl: 'https://api.fitbit.com',
  defaultScopes: ['activity', 'heartrate', 'profile', 'sleep', 'weight', 'oxygen_saturation'],
  requiredScopes: ['activity'],
} satisfies ProviderDescriptorInput;
