import { fullHealth, type ProviderDescriptorInput } from '../spi';

/**
 * Garmin Connect Developer Program (Health + Activity API), OAuth 2.0 with PKCE.
 *
 * Garmin's authorize page takes no `scope` parameter: the permissions an app may ask for are
 * configured in its developer portal and the user can switch each one off on the consent page.
 * `defaultScopes` therefore names the Garmin *permissions* this service needs; the client reads
 * what was granted from `GET /user/permissions` after the code exchange.
 */
export const GARMIN_DESCRIPTOR = {
  name: 'garmin',
  displayName: 'Garmin Connect',
  capabilities: fullHealth(),
  connection: 'oauth2',
  oauthEndpoints: {
    authUrl: 'https://connect.garmin.com/oauth2Confirm',
    tokenUrl: 'https://diauth.garmin.com/di-oauth2-service/oauth/token',
    // Garmin has no token revocation endpoint; deleting the user registration is the revoke.
    revokeUrl: 'https://apis.garmin.com/wellness-api/rest/user/registration',
  },
  oauthParams: { scopeSeparator: ' ', pkce: true, extraAuthorizeParams: {}, tokenEndpointAuth: 'body' },
  apiBaseUrl: 'https://apis.garmin.com/wellness-api/rest',
  defaultScopes: ['ACTIVITY_EXPORT', 'HEALTH_EXPORT'],
  requiredScopes: ['ACTIVITY_EXPORT'],
} satisfies ProviderDescriptorInput;
