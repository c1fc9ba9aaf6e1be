/**
 * Merging activities from several providers. Providers do not deduplicate across sources
 * (a run synced Garmin -> Strava arrives from both), so two activities of different providers
 * that start within a minute of each other and end about together (elapsed time, start to
 * end, is the same measure for every provider) are one activity.
 */
import type { Activity } from '../models';

const SAME_START_SECS = 60;
/** Ends may differ by this share of the longer elapsed time, and by at least SAME_END_SECS. */
const SAME_END_RATIO = 0.1;
const SAME_END_SECS = 120;

export function sameActivity(a: Activity, b: Activity): boolean {
  if (a.provider === b.provider) return false;
  const startGap = Math.abs(Date.parse(a.start_date) - Date.parse(b.start_date)) / 1000;
  if (startGap > SAME_START_SECS) return false;
  const endGap = Math.abs(Date.parse(a.end_date) - Date.parse(b.end_date)) / 1000;
  return endGap <= Math.max(SAME_END_SECS, SAME_END_RATIO * Math.max(a.duration_seconds, b.duration_seconds));
}

function detail(activity: Activity): number {
  return Object.values(activity).filter((value) => value !== null).length;
}

function newestFirst(a: Activity, b: Activity): number {
  return Date.parse(b.start_date) - Date.parse(a.start_date) || a.provider.localeCompare(b.provider) || a.id.localeCompare(b.id);
}

interface Candidate {
  activity: Activity;
  startMs: number;
  /** Which source list it came from: on equal detail, the earlier list wins. */
  list: number;
}

function better(challenger: Candidate, holder: Candidate): boolean {
  const gap = detail(challenger.activity) - detail(holder.activity);
  return gap > 0 || (gap === 0 && challenger.list < holder.list);
}

/**
 * One list, newest first, duplicates collapsed into the most detailed copy (ties go to the
 * provider listed first in `lists`). Sort and sweep: after sorting by start time, an activity
 * is compared only with the kept ones that started within SAME_START_SECS before it, so
 * merging n activities costs O(n log n), not O(n²).
 */
export function mergeActivities(lists: readonly (readonly Activity[])[]): Activity[] {
  const candidates: Candidate[] = lists.flatMap((list, index) => list.map((activity) => ({ activity, startMs: Date.parse(activity.start_date), list: index })));
  candidates.sort((a, b) => a.startMs - b.startMs || a.list - b.list);
  const kept: Candidate[] = [];
  let windowStart = 0;
  for (const candidate of candidates) {
    while (windowStart < kept.length && kept[windowStart]!.startMs < candidate.startMs - SAME_START_SECS * 1000) windowStart += 1;
    const twins: number[] = [];
    for (let i = windowStart; i < kept.length; i += 1) {
      if (sameActivity(kept[i]!.activity, candidate.activity)) twins.push(i);
    }
    if (twins.length === 0) kept.push(candidate);
    // Only a copy that matches one kept activity may take its place: with two (say two Strava
    // uploads of one Garmin workout) it would be a twin of the one it did not replace.
    // The holder keeps its place in the sweep, so the window stays ordered by start time.
    else if (twins.length === 1 && better(candidate, kept[twins[0]!]!)) kept[twins[0]!] = { ...candidate, startMs: kept[twins[0]!]!.startMs };
  }
  return kept.map((c) => c.activity).sort(newestFirst);
}
