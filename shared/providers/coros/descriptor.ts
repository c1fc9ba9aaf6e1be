import { activityOnly, type ProviderDescriptorInput } from '../spi';

// COROS documents its API only to approved partners; these endpoints come from public
// integrations and every one of them can be overridden with PIERRE_COROS_*.
export const COROS_DESCRIPTOR = {
  name: 'coros',
  displayName: 'COROS',
  capabilities: activityOnly(),
  connection: 'oauth2',
  oauthEndpoints: {
    authUrl: 'https://open.coros.com/oauth2/authorize',
    tokenUrl: 'https://open.coros.com/oauth2/accesstoken',
  },
  oauthParams: { scopeSeparator: ' ', pkce: false, extraAuthorizeParams: {}, tokenEndpointAuth: 'body' },
  apiBaseUrl: 'https://open.coros.com',
  defaultScopes: [],
} satisfies ProviderDescriptorInput;
