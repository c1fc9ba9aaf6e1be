/**
 * Merging activities from several providers. Providers do not deduplicate across sources
 * (a run synced Garmin -> Strava arrives from both), so two activities of different providers
 * that start within a minute of each other and last about as long are one activity.
 */
import type { Activity } from '../models';

const SAME_START_SECS = 60;
const SAME_DURATION_RATIO = 0.1;
const SAME_DURATION_SECS = 120;

export function sameActivity(a: Activity, b: Activity): boolean {
  if (a.provider === b.provider) return false;
  const startGap = Math.abs(Date.parse(a.start_date) - Date.parse(b.start_date)) / 1000;
  if (startGap > SAME_START_SECS) return false;
  const durationGap = Math.abs(a.duration_seconds - b.duration_seconds);
  return durationGap <= Math.max(SAME_DURATION_SECS, SAME_DURATION_RATIO * Math.max(a.duration_seconds, b.duration_seconds));
}

function detail(activity: Activity): number {
  return Object.values(activity).filter((value) => value !== null).length;
}

export function newestFirst(a: Activity, b: Activity): number {
  return Date.parse(b.start_date) - Date.parse(a.start_date) || a.provider.localeCompare(b.provider) || a.id.localeCompare(b.id);
}

/**
 * One list, newest first, duplicates collapsed into the most detailed copy (ties go to the
 * provider listed first in `lists`).
 */
export function mergeActivities(lists: readonly (readonly Activity[])[]): Activity[] {
  const kept: Activity[] = [];
  for (const list of lists) {
    for (const activity of list) {
      const twin = kept.findIndex((k) => sameActivity(k, activity));
      if (twin < 0) kept.push(activity);
      else if (detail(activity) > detail(kept[twin]!)) kept[twin] = activity;
    }
  }
  return kept.sort(newestFirst);
}
