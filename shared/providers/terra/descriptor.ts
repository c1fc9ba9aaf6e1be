import { Capability, combine, type ProviderDescriptorInput } from '../spi';

// Terra is an aggregator reached with an API key (dev-id + x-api-key), not OAuth: the user
// connects through Terra's widget, which redirects back to our callback (checked with
// GET {apiBaseUrl}/userInfo; there is no token endpoint).
// sessionUrl: the widget session endpoint (POST; `generateWidgetSession` was deprecated on
// 2026-11-03 and answers 410 for accounts created after 2026-09-03).
// revokeUrl: DELETE ?user_id= deauthentication.
export const TERRA_DESCRIPTOR = {
  name: 'terra',
  displayName: 'Terra',
  capabilities: combine(Capability.ACTIVITIES, Capability.SLEEP_TRACKING, Capability.HEALTH_METRICS),
  connection: 'redirect',
  widgetEndpoints: {
    sessionUrl: 'https://access.tryterra.co/api/widget/session',
    revokeUrl: 'https://api.tryterra.co/v2/auth/deauthenticateUser',
  },
  apiBaseUrl: 'https://api.tryterra.co/v2',
  defaultScopes: [],
  pagination: { kind: 'time_windows' },
  webhooks: true,
  webhookSettings: ['WEBHOOK_SECRET'],
  derivedFromActivities: ['stats', 'personal_records'],
  aiUse: { allowed: true, terms: "none known from Terra itself; each source's own terms still apply to its data" },
} satisfies ProviderDescriptorInput;
