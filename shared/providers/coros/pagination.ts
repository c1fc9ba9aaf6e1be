/**
 * COROS lists workouts by calendar date range only (`startDate` / `endDate` as YYYYMMDD, at
 * most about 30 days, history about 3 months back). The unified newest-first paging is served
 * by walking date windows backwards from `before` (or now) and stopping as soon as enough
 * workouts are found.
 *
 * Whether COROS reads the dates in UTC or in the user's time zone is not public, so each request
 * is padded by one day on both sides and only workouts whose UTC start day falls in the window's
 * own days are kept: windows never overlap and no time zone can hide a workout at a boundary.
 */
import { spansBackward } from '../time-spans';
import { corosDate } from './mapping';

const DAY_MS = 86_400_000;
const PAD_DAYS = 1;

export interface CorosWindow {
  /** Inclusive UTC day numbers this window owns. */
  firstDay: number;
  lastDay: number;
  /** The padded dates to ask COROS for. */
  startDate: string;
  endDate: string;
}

export interface WindowQuery {
  nowMs: number;
  before?: Date | undefined;
  after?: Date | undefined;
  windowDays: number;
  historyDays: number;
}

const dayOf = (ms: number) => Math.floor(ms / DAY_MS);

/** The windows to fetch, newest first; the caller stops early once it has enough. */
export function planWindows(q: WindowQuery): CorosWindow[] {
  const upperMs = Math.min(q.before?.getTime() ?? q.nowMs, q.nowMs);
  const floorMs = q.nowMs - q.historyDays * DAY_MS;
  const lowerMs = Math.max(q.after?.getTime() ?? floorMs, floorMs);
  return [...spansBackward(dayOf(upperMs) + 1, dayOf(lowerMs), q.windowDays)].map(({ start, end }) => ({
    firstDay: start,
    lastDay: end - 1,
    startDate: corosDate(start - PAD_DAYS),
    endDate: corosDate(end - 1 + PAD_DAYS),
  }));
}

/** Whether a workout starting at `startSecs` belongs to `window` and to the query's bounds. */
export function inWindow(window: CorosWindow, startSecs: number, q: Pick<WindowQuery, 'before' | 'after'>): boolean {
  const ms = startSecs * 1000;
  const day = dayOf(ms);
  if (day < window.firstDay || day > window.lastDay) return false;
  if (q.before && !(ms < q.before.getTime())) return false;
  if (q.after && !(ms > q.after.getTime())) return false;
  return true;
}
