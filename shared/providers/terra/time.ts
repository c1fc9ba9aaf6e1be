/**
 * Terra timestamps: ISO-8601 with microseconds and, "whenever possible", the user's UTC
 * offset (`2026-07-01T07:04:11.000000+01:00`). Without an offset we read them as UTC.
 */
const ZONE = /([zZ]|[+-]\d{2}:?\d{2})$/;

/** Epoch milliseconds, or NaN when the value is not a date-time. */
export function parseTerraTime(value: string): number {
  const trimmed = value.trim();
  const zoned = ZONE.test(trimmed) ? trimmed.replace(/([+-]\d{2})(\d{2})$/, '$1:$2') : `${trimmed}Z`;
  return Date.parse(zoned);
}

/** The calendar date as the user lived it: the date part of the (local) timestamp. */
export function localDateOf(value: string): string {
  return value.trim().slice(0, 10);
}

/** Unified instants are UTC. */
export function utcInstant(ms: number): string {
  return new Date(ms).toISOString();
}

/** Offset east of UTC in seconds written in a Terra timestamp; null when it has none. */
export function offsetSecondsOf(value: string): number | null {
  const match = /([zZ]|([+-])(\d{2}):?(\d{2}))$/.exec(value.trim());
  if (!match) return null;
  if (!match[2]) return 0;
  const seconds = (Number(match[3]) * 60 + Number(match[4])) * 60;
  return match[2] === '-' ? -seconds : seconds;
}

/** The wall-clock part of a Terra timestamp, `YYYY-MM-DDTHH:MM:SS`, when it carries an offset. */
export function localWallClockOf(value: string): string | null {
  if (offsetSecondsOf(value) === null) return null;
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?/.exec(value.trim());
  return match ? `${match[1]}${match[2] ?? ':00'}` : null;
}
