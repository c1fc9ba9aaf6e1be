/**
 * Fitbit has no time zones in its data: every date and time is the user's local wall clock.
 * These helpers move between that and UTC instants.
 */
export const DAY_MS = 86_400_000;
/** The widest UTC offset there is (UTC+14), used as a safety margin when the offset is unknown. */
export const MAX_UTC_OFFSET_MS = 14 * 3_600_000;

/** `2026-11-25T06:30:00Z`; milliseconds only when there are some. */
export function isoInstant(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** `YYYY-MM-DD` of an instant, in UTC. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `yyyy-MM-ddTHH:mm:ss` of an instant read as a wall clock at UTC+0. */
export function wallClock(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** A local wall-clock time (no offset) to an instant, given the user's offset from UTC. */
export function localToUtcMs(local: string, offsetMs: number): number {
  const wall = Date.parse(`${local.length === 10 ? `${local}T00:00:00` : local}Z`);
  return wall - offsetMs;
}

export function addDays(date: string, days: number): string {
  return isoDate(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS);
}

/** Splits an inclusive date range into inclusive pieces of at most `maxDays` days. */
export function dateChunks(start: string, end: string, maxDays: number): Array<{ start: string; end: string }> {
  const chunks: Array<{ start: string; end: string }> = [];
  let from = start;
  while (from <= end) {
    const last = addDays(from, maxDays - 1);
    const to = last < end ? last : end;
    chunks.push({ start: from, end: to });
    from = addDays(to, 1);
  }
  return chunks;
}

/** Every date of an inclusive range. */
export function datesBetween(start: string, end: string): string[] {
  const out: string[] = [];
  for (let d = start; d <= end; d = addDays(d, 1)) out.push(d);
  return out;
}
