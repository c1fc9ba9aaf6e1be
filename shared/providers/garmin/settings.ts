/** Garmin-specific settings (`PIERRE_GARMIN_<KEY>`), as the descriptor's `settings` schema reads them. */
import { readSettings } from '../settings';
import { GARMIN_DESCRIPTOR } from './descriptor';

export interface GarminSettings {
  horizonDays: number;
  uploadGraceHours: number;
  windowConcurrency: number;
}

export function garminSettings(settings: Readonly<Record<string, string>>): GarminSettings {
  const values = readSettings(GARMIN_DESCRIPTOR, settings);
  return {
    horizonDays: values.PULL_HORIZON_DAYS,
    uploadGraceHours: values.UPLOAD_GRACE_HOURS,
    windowConcurrency: values.WINDOW_CONCURRENCY,
  };
}
