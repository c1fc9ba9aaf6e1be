import { fullHealth, type ProviderDescriptorInput } from '../spi';

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
  defaultScopes: ['activity', 'heartrate', 'profile', 'sleep', 'weight'],
  requiredScopes: ['activity'],
} satisfies ProviderDescriptorInput;
