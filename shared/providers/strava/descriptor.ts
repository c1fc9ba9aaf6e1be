import * as z from '../../zod';
import { choiceSetting } from '../settings';
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
    // The token endpoint takes client_id, client_secret, code and grant_type only.
    exchangeRedirectUri: false,
    // The athlete id is the owner_id of webhook events: it links them to the connection.
    tokenUserIdPath: 'athlete.id',
    // Deauthorize with the access token: Strava revokes every token of the athlete for this app.
    revokeTokenField: 'access_token',
    revokeClientAuth: false,
  },
  apiBaseUrl: 'https://www.strava.com/api/v3',
  defaultScopes: ['read', 'activity:read_all', 'profile:read_all'],
  requiredScopes: ['activity:read_all'],
  webhooks: true,
  webhookSettings: ['WEBHOOK_VERIFY_TOKEN', 'WEBHOOK_SUBSCRIPTION_ID'],
  derivedFromActivities: ['personal_records'],
  aiUse: {
    allowed: false,
    terms: "Strava's API agreement forbids training AI models on Strava data and (reported, June 2026) putting it into an AI model's context",
  },
  settings: z.object({
    REVOKE_STYLE: choiceSetting(
      ['deauthorize', 'revoke'],
      'deauthorize',
      '`deauthorize`: POST the access token as `access_token` to `oauth/deauthorize` (today). `revoke`: POST it as `token` with the client id and secret, OAuth token revocation style, to `oauth/revoke` (reported for 2027-06-01; set PIERRE_STRAVA_REVOKE_URL with it)',
    ),
  }),
} satisfies ProviderDescriptorInput;
