import { activityOnly, type ProviderDescriptorInput } from '../spi';

// COROS documents its API only to approved partners; these endpoints come from public
// integrations and every one of them can be overridden with PIERRE_COROS_* (see settings.ts
// for the refresh, workouts and user endpoints). COROS's sandbox host is opentest.coros.com.
// The authorize request carries no scope: COROS grants what the partner agreement covers.
export const COROS_DESCRIPTOR = {
  name: 'coros',
  displayName: 'COROS',
  capabilities: activityOnly(),
  connection: 'oauth2',
  oauthEndpoints: {
    authUrl: 'https://open.coros.com/oauth2/authorize',
    tokenUrl: 'https://open.coros.com/oauth2/accesstoken',
    revokeUrl: 'https://open.coros.com/oauth2/deauthorize',
  },
  oauthParams: { scopeSeparator: ' ', pkce: false, extraAuthorizeParams: {}, tokenEndpointAuth: 'body' },
  apiBaseUrl: 'https://open.coros.com',
  defaultScopes: [],
} satisfies ProviderDescriptorInput;
