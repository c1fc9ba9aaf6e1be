/**
 * Garmin serves summaries by *upload* time, in windows of at most 24 hours
 * (`uploadStartTimeInSeconds` inclusive, `uploadEndTimeInSeconds` exclusive). These pure
 * helpers turn the service's queries (start-time bounds, calendar-day ranges) into the upload
 * windows that can hold the answer.
 */
import type { Activity } from '../../models';
import type { ActivityQuery, DateRange } from '../spi';
import { spansBackward, type Span } from '../time-spans';
import type { GarminSettings } from './settings';

const MAX_WINDOW_SECS = 86_400;
const DAY_SECS = 86_400;
/** Local days start up to 14 hours before UTC ones (UTC+14) and end up to 12 hours after (UTC-12). */
const EARLIEST_OFFSET_SECS = 14 * 3600;
const LATEST_OFFSET_SECS = 12 * 3600;

/** An upload window in epoch seconds. */
export type UploadWindow = Span;

/** Contiguous windows of at most 24 hours covering [lower, upper), newest first. */
export function windowsBackwards(upper: number, lower: number): Generator<UploadWindow> {
  return spansBackward(upper, lower, MAX_WINDOW_SECS);
}

interface ActivityPlan {
  /** Upload time to start walking back from (epoch s). */
  upper: number;
  /** Upload time below which no window can hold a matching activity (epoch s). */
  lower: number;
  beforeMs: number;
  afterMs: number;
  /** How many matching activities, newest first, the answer needs: offset + limit. */
  needed: number;
}

/**
 * An activity is uploaded after it starts, so windows below `after` hold nothing that started
 * after it, and nothing below the horizon is searched. Above, the walk starts `uploadGrace`
 * after `before` so an activity synced some hours after it started is still found.
 */
export function planActivities(query: ActivityQuery, nowMs: number, settings: GarminSettings): ActivityPlan {
  const nowSecs = Math.floor(nowMs / 1000);
  const beforeMs = query.before?.getTime() ?? Number.POSITIVE_INFINITY;
  const afterMs = query.after?.getTime() ?? Number.NEGATIVE_INFINITY;
  const fromBefore = Number.isFinite(beforeMs) ? Math.ceil(beforeMs / 1000) + settings.uploadGraceHours * 3600 : nowSecs;
  const horizon = nowSecs - settings.horizonDays * DAY_SECS;
  const fromAfter = Number.isFinite(afterMs) ? Math.floor(afterMs / 1000) : horizon;
  return {
    upper: Math.min(nowSecs, fromBefore),
    lower: Math.max(horizon, fromAfter),
    beforeMs,
    afterMs,
    needed: Math.max(0, Math.floor(query.offset)) + Math.max(0, Math.floor(query.limit)),
  };
}

export function startMs(activity: Activity): number {
  return Date.parse(activity.start_date);
}

/** Newest first; equal starts by id so pages are stable. */
export function newestFirst(a: Activity, b: Activity): number {
  return startMs(b) - startMs(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/**
 * True once `needed` matches started at or after `windowStart`: every activity in an older
 * window was uploaded, hence started, before `windowStart`, so none of them can rank higher.
 */
export function walkComplete(matched: readonly Activity[], windowStart: number, needed: number): boolean {
  if (needed === 0) return true;
  let settled = 0;
  for (const activity of matched) if (startMs(activity) >= windowStart * 1000) settled += 1;
  return settled >= needed;
}

interface RangePlan {
  upper: number;
  lower: number;
  /** Inclusive calendar days (`YYYY-MM-DD`) whose summaries are wanted. */
  firstDate: string;
  lastDate: string;
}

/**
 * Summaries of the calendar days of `range` (whole UTC days, both ends included) are uploaded
 * from the first local midnight of the first day (UTC+14) to the last local midnight of the
 * last day (UTC-12) plus the upload grace; clipped to the horizon and now.
 */
export function planRange(range: DateRange, nowMs: number, settings: GarminSettings): RangePlan {
  const nowSecs = Math.floor(nowMs / 1000);
  const firstDay = Math.floor(range.start.getTime() / 1000 / DAY_SECS);
  const lastDay = Math.floor(range.end.getTime() / 1000 / DAY_SECS);
  const day = (d: number) => new Date(d * DAY_SECS * 1000).toISOString().slice(0, 10);
  return {
    upper: Math.min(nowSecs, (lastDay + 1) * DAY_SECS + LATEST_OFFSET_SECS + settings.uploadGraceHours * 3600),
    lower: Math.max(nowSecs - settings.horizonDays * DAY_SECS, firstDay * DAY_SECS - EARLIEST_OFFSET_SECS),
    firstDate: day(firstDay),
    lastDate: day(lastDay),
  };
}

export const inDates = (date: string, plan: RangePlan) => date >= plan.firstDate && date <= plan.lastDate;
