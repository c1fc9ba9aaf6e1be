import { fullHealth, type ProviderDescriptorInput, type StoredGrant } from '../spi';

/**
 * Fitbit (and Pixel Watch) data through the Google Health API with Google OAuth 2.0. The
 * legacy Fitbit Web API (`api.fitbit.com`) was switched off on 2026-11-02; the provider keeps
 * the name `fitbit` so users and `PIERRE_FITBIT_*` configuration stay as they were.
 */
const SCOPE_PREFIX = 'https://www.googleapis.com/auth/googlehealth.';

/** The Google Health scopes this provider asks for, by what they unlock. */
export const SCOPES = {
  activity: `${SCOPE_PREFIX}activity_and_fitness.readonly`,
  metrics: `${SCOPE_PREFIX}health_metrics_and_measurements.readonly`,
  sleep: `${SCOPE_PREFIX}sleep.readonly`,
  profile: `${SCOPE_PREFIX}profile.readonly`,
} as const;
export type ScopeArea = keyof typeof SCOPES;

const RETIRED_MESSAGE =
  'Fitbit moved to Google accounts: this connection was made with the retired Fitbit Web API (switched off on 2026-11-02) and can no longer be used; connect Fitbit again and sign in with Google';

/** Tokens from the retired Fitbit Web API carry Fitbit's scope names, never a Google Health one. */
function retiredFitbitConnection(grant: StoredGrant): string | undefined {
  return grant.scopes.some((s) => s.startsWith(SCOPE_PREFIX)) ? undefined : RETIRED_MESSAGE;
}

export const FITBIT_DESCRIPTOR = {
  name: 'fitbit',
  displayName: 'Fitbit (Google Health)',
  capabilities: fullHealth(),
  connection: 'oauth2',
  oauthEndpoints: {
    authUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    revokeUrl: 'https://oauth2.googleapis.com/revoke',
  },
  // A refresh token comes only with offline access on a consenting grant.
  oauthParams: {
    scopeSeparator: ' ',
    pkce: true,
    extraAuthorizeParams: { access_type: 'offline', prompt: 'consent' },
    tokenEndpointAuth: 'body',
    // The identity's `healthUserId` names the user in webhooks.
    identity: { path: 'users/me/identity', idField: 'healthUserId', idPattern: '^[A-Za-z0-9-]{1,63}$' },
    // Google's revoke takes the token alone; revoking the access token revokes its refresh token too.
    revokeClientAuth: false,
  },
  apiBaseUrl: 'https://health.googleapis.com/v4',
  defaultScopes: [SCOPES.activity, SCOPES.metrics, SCOPES.sleep, SCOPES.profile],
  // Sleep, health metrics and profile may be unticked: only the routes needing them refuse.
  requiredScopes: [SCOPES.activity],
  // A page may be empty and still carry a token: only a missing token ends.
  pagination: { kind: 'cursor', tokenParam: 'pageToken', itemsField: 'dataPoints', nextField: 'nextPageToken', emptyPageEnds: false },
  webhooks: true,
  webhookSettings: ['WEBHOOK_AUTHORIZATION'],
  derivedFromActivities: ['stats', 'personal_records'],
  retiredConnection: retiredFitbitConnection,
  aiUse: { allowed: true, terms: "no AI-specific restriction known to us; Google's API user data policy (Limited Use) applies" },
} satisfies ProviderDescriptorInput;
