/** Times and dates as the Google Health API writes them: RFC 3339 instants, `{year,month,day}`, filter literals. */
import type { DateRange } from '../spi';
import type { GoogleDate } from './schemas';

const DAY_MS = 86_400_000;
/** The widest UTC offsets there are (UTC-12 .. UTC+14): civil-time filters are widened by this. */
export const MAX_UTC_OFFSET_MS = 14 * 3_600_000;

/** `2026-11-25T06:30:00Z`; milliseconds only when there are some. */
export function isoInstant(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** `YYYY-MM-DD` of an instant, in UTC. */
function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `YYYY-MM-DDTHH:mm:ss` of an instant read at UTC+0: a civil-time filter literal. */
export function civilLiteral(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

export function dayString(date: GoogleDate): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${String(date.year).padStart(4, '0')}-${two(date.month)}-${two(date.day)}`;
}

export function googleDate(day: string): GoogleDate {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return { year, month, day: date };
}

/** The local calendar day of an instant, given its UTC offset in seconds (UTC when unknown). */
export function localDay(instant: string, utcOffsetSecs: number | undefined): string {
  return isoDay(Date.parse(instant) + (utcOffsetSecs ?? 0) * 1000);
}

/** A range as whole UTC days, both ends included, as every provider reads it: [startMs, endMs). */
export function wholeDays(range: DateRange): { startMs: number; endMs: number; first: string; last: string } {
  let [a, b] = [range.start.getTime(), range.end.getTime()];
  if (a > b) [a, b] = [b, a];
  const startMs = a - (a % DAY_MS);
  const endMs = b - (b % DAY_MS) + DAY_MS;
  return { startMs, endMs, first: isoDay(startMs), last: isoDay(endMs - DAY_MS) };
}

export function addDays(day: string, days: number): string {
  return isoDay(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS);
}

/** Splits [first, last] (inclusive days) into pieces of at most `maxDays`, each [start, endExclusive). */
export function dayChunks(first: string, last: string, maxDays: number): Array<{ start: string; end: string }> {
  const chunks: Array<{ start: string; end: string }> = [];
  for (let start = first; start <= last; start = addDays(start, maxDays)) {
    const end = addDays(start, maxDays);
    const stop = addDays(last, 1);
    // biome-ignore lint/complexity/useMathMinMax: ISO days are strings (they sort in date order); Math.min takes numbers.
    chunks.push({ start, end: end < stop ? end : stop });
  }
  return chunks;
}
