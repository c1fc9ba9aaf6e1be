/**
 * COROS endpoints and limits beyond the four standard URLs, each overridable through
 * `PIERRE_COROS_<KEY>` (handed to the provider as `config.settings.<KEY>`). The defaults are
 * what public integrations use; COROS's own reference is only given to approved partners.
 */
import { readIntSettings } from '../settings';
import type { ProviderConfig } from '../spi';
import { COROS_DESCRIPTOR } from './descriptor';

/** Paths are joined to `PIERRE_COROS_API_BASE_URL`; an absolute URL is used as it is. */
const COROS_SETTING_DEFAULTS = {
  /** Refresh endpoint; by default next to the token URL (`/oauth2/refresh-token`). */
  REFRESH_URL: undefined as string | undefined,
  /** Workout summaries by date range: `?token&openId&startDate=YYYYMMDD&endDate=YYYYMMDD`. */
  WORKOUTS_PATH: '/v2/coros/sport/list',
  /** The connected user's profile; `none` skips the call (the athlete is then the openId alone). */
  USER_PATH: '/v2/user',
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
    // WINDOW_DAYS and HISTORY_DAYS: the descriptor's intSettings.
    ...windowSettings(s),
  };
}

function windowSettings(settings: Readonly<Record<string, string>>): Pick<CorosSettings, 'windowDays' | 'historyDays'> {
  const values = readIntSettings(COROS_DESCRIPTOR.name, COROS_DESCRIPTOR.intSettings, settings);
  return { windowDays: values.WINDOW_DAYS, historyDays: values.HISTORY_DAYS };
}
