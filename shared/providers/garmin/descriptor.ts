import { fullHealth, type ProviderDescriptorInput } from '../spi';

export const GARMIN_DESCRIPTOR = {
  name: 'garmin',
  displayName: 'Garmin Connect',
  capabilities: fullHealth(),
  connection: 'oauth2',
  oauthEndpoints: {
    authUrl: 'https://connect.garmin.com/oauth2Confirm',
    tokenUrl: 'https://diauth.garmin.com/di-oauth2-service/oauth/token',
    revokeUrl: 'https://apis.garmin.com/wellness-api/rest/user/registration',
  },
  oauthParams: { scopeSeparator: ' ', pkce: true, extraAuthorizeParams: {}, tokenEndpointAuth: 'body' },
  apiBaseUrl: 'https://apis.garmin.com/wellness-api/rest',
  defaultScopes: [],
} satisfies ProviderDescriptorInput;
