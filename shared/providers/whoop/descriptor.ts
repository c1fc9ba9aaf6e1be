import { fullHealth, type ProviderDescriptorInput } from '../spi';

export const WHOOP_DESCRIPTOR = {
  name: 'whoop',
  displayName: 'WHOOP',
  capabilities: fullHealth(),
  connection: 'oauth2',
  oauthEndpoints: {
    authUrl: 'https://api.prod.whoop.com/oauth/oauth2/auth',
    tokenUrl: 'https://api.prod.whoop.com/oauth/oauth2/token',
    revokeUrl: 'https://api.prod.whoop.com/developer/v2/user/access',
  },
  oauthParams: {
    scopeSeparator: ' ',
    pkce: true,
    extraAuthorizeParams: {},
    tokenEndpointAuth: 'body',
    // WHOOP only returns a new refresh token when the refresh asks for `offline` again.
    refreshParams: { scope: 'offline' },
    // The token answer names no user: the basic profile does. Without `read:profile` (or on a
    // passing failure) the connection still works; only webhook routing lacks the id.
    identity: { path: '/v2/user/profile/basic', idField: 'user_id', idPattern: '^[0-9]{1,20}$', optional: true },
    // `DELETE /v2/user/access` with the user's bearer token (204) revokes the grant.
    revokeStyle: 'bearer_delete',
  },
  apiBaseUrl: 'https://api.prod.whoop.com/developer',
  // `offline` is what makes WHOOP issue a refresh token at all.
  defaultScopes: ['offline', 'read:profile', 'read:body_measurement', 'read:workout', 'read:sleep', 'read:recovery', 'read:cycles'],
  requiredScopes: ['offline', 'read:workout'],
  pagination: { kind: 'cursor', tokenParam: 'nextToken', itemsField: 'records', nextField: 'next_token', emptyPageEnds: true },
  webhooks: true,
  derivedFromActivities: ['stats', 'personal_records'],
  aiUse: { allowed: true, terms: 'no restriction on AI use known to us' },
} satisfies ProviderDescriptorInput;
