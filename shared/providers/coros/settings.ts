/**
 * COROS endpoints and limits beyond the four standard URLs, each overridable through
 * `PIERRE_COROS_<KEY>` (handed to the provider as `config.settings.<KEY>`). The defaults are
 * what public integrations use; COROS's own reference is only given to approved partners.
 */
import { intSetting } from '../settings';
import type { ProviderConfig } from '../spi';

/** Paths are joined to `PIERRE_COROS_API_BASE_URL`; an absolute URL is used as it is. */
const COROS_SETTING_DEFAULTS = {
  /** Refresh endpoint; by default next to the token URL (`/oauth2/refresh-token`). */
  REFRESH_URL: undefined as string | undefined,
  /** Workout summaries by date range: `?token&openId&startDate=YYYYMMDD&endDate=YYYYMMDD`. */
  WORKOUTS_PATH: '/v2/coros/sport/list',
  /** The connected user's profile; `none` skips the call (the athlete is then the openId alone). */
  USER_PATH: '/v2/user',
  /**
   * Days of one sport/list request, before the one-day pad on each side. Public integrations
   * ask for at most 30 days per request; 28 + 2 pad days stays within that.
   */
  WINDOW_DAYS: 28,
  /** How far back COROS serves workouts (public integrations: three months). */
  HISTORY_DAYS: 90,
} as const;

export interface CorosSettings {
  refreshUrl: string | undefined;
  workoutsUrl: string;
  userUrl: string | undefined;
  windowDays: number;
  historyDays: number;
}

function joinUrl(base: string, path: string): string {
  if (/^https?:\/\//i.test(path)) return path;
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

export function resolveCorosSettings(config: ProviderConfig): CorosSettings {
  const s = config.settings;
  const refresh = s['REFRESH_URL']?.trim();
  const user = s['USER_PATH']?.trim() || COROS_SETTING_DEFAULTS.USER_PATH;
  return {
    // `refresh-token` resolved against `.../oauth2/accesstoken` is `.../oauth2/refresh-token`.
    refreshUrl: refresh || (config.tokenUrl ? new URL('refresh-token', config.tokenUrl).toString() : undefined),
    workoutsUrl: joinUrl(config.apiBaseUrl, s['WORKOUTS_PATH']?.trim() || COROS_SETTING_DEFAULTS.WORKOUTS_PATH),
    userUrl: user.toLowerCase() === 'none' ? undefined : joinUrl(config.apiBaseUrl, user),
    windowDays: intSetting('coros', s, 'WINDOW_DAYS', { min: 1, max: 29, fallback: COROS_SETTING_DEFAULTS.WINDOW_DAYS }),
    historyDays: intSetting('coros', s, 'HISTORY_DAYS', { min: 1, max: 3_650, fallback: COROS_SETTING_DEFAULTS.HISTORY_DAYS }),
  };
}
