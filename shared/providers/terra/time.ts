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
