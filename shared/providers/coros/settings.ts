/**
 * COROS endpoints and limits beyond the four standard URLs, from the descriptor's `settings`
 * (`PIERRE_COROS_<KEY>`). The defaults are what public integrations use; COROS's own reference
 * is only given to approved partners. What stays here depends on the rest of the configuration:
 * paths are joined to `PIERRE_COROS_API_BASE_URL` and the refresh endpoint defaults next to the token URL.
 */
import { readSettings } from '../settings';
import type { ProviderConfig } from '../spi';
import { COROS_DESCRIPTOR } from './descriptor';

export interface CorosSettings {
  refreshUrl: string | undefined;
  workoutsUrl: string;
  userUrl: string | undefined;
  windowDays: number;
  historyDays: number;
}

/** A path is joined to the API base URL; an absolute URL is used as it is. */
function joinUrl(base: string, path: string): string {
  if (/^https?:\/\//i.test(path)) return path;
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

export function resolveCorosSettings(config: ProviderConfig): CorosSettings {
  const s = readSettings(COROS_DESCRIPTOR, config.settings);
  return {
    // `refresh-token` resolved against `.../oauth2/accesstoken` is `.../oauth2/refresh-token`.
    refreshUrl: s.REFRESH_URL ?? (config.tokenUrl ? new URL('refresh-token', config.tokenUrl).toString() : undefined),
    workoutsUrl: joinUrl(config.apiBaseUrl, s.WORKOUTS_PATH),
    userUrl: s.USER_PATH.toLowerCase() === 'none' ? undefined : joinUrl(config.apiBaseUrl, s.USER_PATH),
    windowDays: s.WINDOW_DAYS,
    historyDays: s.HISTORY_DAYS,
  };
}
