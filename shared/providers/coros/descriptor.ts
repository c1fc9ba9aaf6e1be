import * as z from '../../zod';
import { textSetting, urlSetting, wholeNumber } from '../settings';
import { activityOnly, type ProviderDescriptorInput } from '../spi';

// COROS documents its API only to approved partners; these endpoints come from public
// integrations and every one of them can be overridden with PIERRE_COROS_* (`settings` below
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
  oauthParams: { scopeSeparator: ' ', pkce: false, extraAuthorizeParams: {}, tokenEndpointAuth: 'body', revokeClientAuth: false },
  apiBaseUrl: 'https://open.coros.com',
  defaultScopes: [],
  // COROS publishes no rate limits or usage headers: a per-application limit counted in clock
  // minutes is assumed, and the common trio is read should COROS ever send it.
  rateLimitHeaders: { windowName: 'window', windowSecs: 60, scope: 'app' },
  pagination: { kind: 'time_windows' },
  webhooks: true,
  pushesData: true,
  derivedFromActivities: ['stats', 'personal_records'],
  settings: z.object({
    REFRESH_URL: urlSetting('Refresh endpoint; by default `refresh-token` next to the token URL (`/oauth2/refresh-token`)'),
    WORKOUTS_PATH: textSetting(
      'Workout summaries by date range (`?token&openId&startDate=YYYYMMDD&endDate=YYYYMMDD`): a path joined to the API base URL, or an absolute URL',
      '/v2/coros/sport/list',
    ),
    USER_PATH: textSetting("The connected user's profile, as WORKOUTS_PATH; `none` skips the call (the athlete is then the openId alone)", '/v2/user'),
    WINDOW_DAYS: wholeNumber({
      min: 1,
      max: 29,
      default: 28,
      description: 'Days of one sport/list request, before the one-day pad on each side (public integrations ask for at most 30 days)',
    }),
    HISTORY_DAYS: wholeNumber({ min: 1, max: 3_650, default: 90, description: 'How far back COROS serves workouts (public integrations: three months)' }),
  }),
  aiUse: { allowed: true, terms: 'no restriction on AI use known to us (its API terms go to approved partners only)' },
} satisfies ProviderDescriptorInput;
