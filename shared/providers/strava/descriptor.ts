import { activityOnly, type ProviderDescriptorInput } from '../spi';

export const STRAVA_DESCRIPTOR = {
  name: 'strava',
  displayName: 'Strava',
  capabilities: activityOnly(),
  connection: 'oauth2',
  oauthEndpoints: {
    authUrl: 'https://www.strava.com/oauth/authorize',
    tokenUrl: 'https://www.strava.com/oauth/token',
    revokeUrl: 'https://www.strava.com/oauth/deauthorize',
  },
  oauthParams: {
    scopeSeparator: ',',
    pkce: false,
    extraAuthorizeParams: { approval_prompt: 'force' },
    tokenEndpointAuth: 'body',
  },
  apiBaseUrl: 'https://www.strava.com/api/v3',
  defaultScopes: ['read', 'activity:read_all', 'profile:read_all'],
  requiredScopes: ['activity:read_all'],
} satisfies ProviderDescriptorInput;
