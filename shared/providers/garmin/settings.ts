/**
 * Garmin-specific settings (`PIERRE_GARMIN_<KEY>`, delivered in `config.settings`). Invalid
 * values fall back to the defaults so a typo never takes the provider down.
 */
import { z } from 'zod';

/** How far back (by upload time) the client looks for data: Garmin serves pulls by upload window only. */
export const DEFAULT_PULL_HORIZON_DAYS = 90;
/**
 * How long after an activity's start its upload may come and still be found by a query with
 * `before`: the walk starts this much after `before` (a watch synced the next day is found).
 */
export const DEFAULT_UPLOAD_GRACE_HOURS = 24;
/** Upload windows fetched in parallel when every window of a range is needed anyway. */
export const DEFAULT_WINDOW_CONCURRENCY = 4;

export const HORIZON_SETTING = 'PULL_HORIZON_DAYS';
export const GRACE_SETTING = 'UPLOAD_GRACE_HOURS';
export const CONCURRENCY_SETTING = 'WINDOW_CONCURRENCY';

export interface GarminSettings {
  horizonDays: number;
  uploadGraceHours: number;
  windowConcurrency: number;
}

function intSetting(value: string | undefined, min: number, max: number, fallback: number): number {
  const parsed = z.coerce.number().int().min(min).max(max).safeParse(value?.trim() || undefined);
  return parsed.success ? parsed.data : fallback;
}

export function garminSettings(settings: Readonly<Record<string, string>>): GarminSettings {
  return {
    horizonDays: intSetting(settings[HORIZON_SETTING], 1, 366, DEFAULT_PULL_HORIZON_DAYS),
    uploadGraceHours: intSetting(settings[GRACE_SETTING], 0, 24 * 14, DEFAULT_UPLOAD_GRACE_HOURS),
    windowConcurrency: intSetting(settings[CONCURRENCY_SETTING], 1, 16, DEFAULT_WINDOW_CONCURRENCY),
  };
}
