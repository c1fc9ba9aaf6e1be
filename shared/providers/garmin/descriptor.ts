import * as z from '../../zod';
import { wholeNumber } from '../settings';
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
  // The token answer's `scope` names Garmin's identity-service scopes, not the user's data
  // permissions: the client reads those from `GET /user/permissions` after the exchange.
  oauthParams: {
    scopeSeparator: ' ',
    authorizeScope: false,
    pkce: true,
    extraAuthorizeParams: {},
    tokenEndpointAuth: 'body',
    tokenScopes: false,
    // Webhooks name users by this id.
    identity: { path: 'user/id', idField: 'userId' },
    revokeStyle: 'bearer_delete',
  },
  apiBaseUrl: 'https://apis.garmin.com/wellness-api/rest',
  defaultScopes: ['ACTIVITY_EXPORT', 'HEALTH_EXPORT'],
  requiredScopes: ['ACTIVITY_EXPORT'],
  // Garmin documents no usage headers; evaluation keys get about 100 requests per minute per
  // application (unverified). A gateway's conventional trio is read when present.
  rateLimitHeaders: { windowName: 'minute', windowSecs: 60, scope: 'app' },
  pagination: { kind: 'time_windows' },
  webhooks: true,
  webhookSettings: ['WEBHOOK_SECRET'],
  pushesData: true,
  // History comes from the backfill endpoints: asked for, then pushed.
  historyByRequest: true,
  derivedFromActivities: ['stats', 'personal_records'],
  settings: z.object({
    PULL_HORIZON_DAYS: wholeNumber({
      min: 1,
      max: 366,
      default: 90,
      description: 'How far back (by upload time) the client looks: Garmin serves pulls by upload window only',
    }),
    UPLOAD_GRACE_HOURS: wholeNumber({
      min: 0,
      max: 24 * 14,
      default: 24,
      description: "How long after an activity's start its upload may come and still be found by a query with `before` (a watch synced the next day)",
    }),
    WINDOW_CONCURRENCY: wholeNumber({
      min: 1,
      max: 16,
      default: 4,
      description: 'Upload windows fetched in parallel when every window of a range is needed anyway',
    }),
  }),
  aiUse: { allowed: true, terms: "no restriction on AI use known to us (the programme's agreement is not public)" },
} satisfies ProviderDescriptorInput;
