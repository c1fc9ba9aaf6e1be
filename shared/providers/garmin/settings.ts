/**
 * Garmin-specific settings (`PIERRE_GARMIN_<KEY>`, delivered in `config.settings`). An invalid
 * value stops start-up naming the variable.
 */
import { intSetting } from '../settings';

/** How far back (by upload time) the client looks for data: Garmin serves pulls by upload window only. */
const DEFAULT_PULL_HORIZON_DAYS = 90;
/**
 * How long after an activity's start its upload may come and still be found by a query with
 * `before`: the walk starts this much after `before` (a watch synced the next day is found).
 */
const DEFAULT_UPLOAD_GRACE_HOURS = 24;
/** Upload windows fetched in parallel when every window of a range is needed anyway. */
const DEFAULT_WINDOW_CONCURRENCY = 4;

const HORIZON_SETTING = 'PULL_HORIZON_DAYS';
const GRACE_SETTING = 'UPLOAD_GRACE_HOURS';
const CONCURRENCY_SETTING = 'WINDOW_CONCURRENCY';

export interface GarminSettings {
  horizonDays: number;
  uploadGraceHours: number;
  windowConcurrency: number;
}

export function garminSettings(settings: Readonly<Record<string, string>>): GarminSettings {
  return {
    horizonDays: intSetting('garmin', settings, HORIZON_SETTING, { min: 1, max: 366, fallback: DEFAULT_PULL_HORIZON_DAYS }),
    uploadGraceHours: intSetting('garmin', settings, GRACE_SETTING, { min: 0, max: 24 * 14, fallback: DEFAULT_UPLOAD_GRACE_HOURS }),
    windowConcurrency: intSetting('garmin', settings, CONCURRENCY_SETTING, { min: 1, max: 16, fallback: DEFAULT_WINDOW_CONCURRENCY }),
  };
}
