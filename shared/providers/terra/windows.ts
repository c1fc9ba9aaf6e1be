/**
 * Terra has no pagination: data endpoints answer everything between `start_date` and
 * `end_date`. We page by walking date windows backwards from `before` (or now), newest first,
 * and stop as soon as enough items are found or the horizon is reached.
 */
import { spansBackward, spansForward, type Span } from '../time-spans';

export const DAY_MS = 86_400_000;
/** Window of one data request: small enough for a synchronous (`to_webhook=false`) answer. */
const WINDOW_DAYS = 28;
/** How far back from `before` (or now) activity queries look. */
export const HORIZON_DAYS = 365;

/** A query window in epoch milliseconds. */
export type TimeWindow = Span;

/** Windows of `sizeDays` from `endMs` back to `floorMs`, newest first. */
export function backwardWindows(endMs: number, floorMs: number, sizeDays = WINDOW_DAYS): Generator<TimeWindow> {
  return spansBackward(endMs, floorMs, sizeDays * DAY_MS);
}

/** Windows of at most `sizeDays` covering [startMs, endMs), oldest first. */
export function forwardWindows(startMs: number, endMs: number, sizeDays = WINDOW_DAYS): Generator<TimeWindow> {
  return spansForward(startMs, endMs, sizeDays * DAY_MS);
}

/** Terra takes unix seconds (10 digits) or YYYY-MM-DD; seconds keep our bounds exact. */
export function windowParams(window: TimeWindow): { start_date: string; end_date: string } {
  return {
    start_date: String(Math.floor(window.start / 1000)),
    end_date: String(Math.ceil(window.end / 1000)),
  };
}
