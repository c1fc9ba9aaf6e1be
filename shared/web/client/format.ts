/** How numbers, dates and names read on the page. */
const DASH = '–';

export function formatDistance(meters: number | null | undefined): string {
  if (meters === null || meters === undefined) return DASH;
  return meters >= 1000 ? `${(meters / 1000).toFixed(1)} km` : `${Math.round(meters)} m`;
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return DASH;
  const total = Math.round(seconds / 60);
  const hours = Math.floor(total / 60);
  const minutes = total % 60;
  return hours > 0 ? `${hours} h ${String(minutes).padStart(2, '0')} min` : `${minutes} min`;
}

/** A stopwatch reading: `4:43`, `1:02:05`. */
export function formatClock(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return DASH;
  const total = Math.round(seconds);
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** Hours with one decimal, for chart axes: `7.5 h`. */
export const formatHours = (seconds: number): string => `${(seconds / 3600).toFixed(seconds % 3600 === 0 ? 0 : 1)} h`;

/** Pace per kilometre from metres and seconds: `5:12 /km`. */
export function formatPace(meters: number | null | undefined, seconds: number | null | undefined): string {
  if (!meters || !seconds || meters < 100) return DASH;
  const perKm = Math.round(seconds / (meters / 1000));
  return `${Math.floor(perKm / 60)}:${String(perKm % 60).padStart(2, '0')} /km`;
}

/** A value with its unit, or a dash: `formatValue(152, 'bpm')`. */
export function formatValue(value: number | null | undefined, unit: string, digits = 0): string {
  if (value === null || value === undefined) return DASH;
  return `${value.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}

/** A snake_case name in words: `health_metrics` → `Health metrics`, `trail_run` → `Trail run`. */
export function formatName(name: string): string {
  const words = name.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Dates are shown as recorded: a local time without zone is read as it stands. */
function asShown(iso: string): Date {
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
}

/** `Mon 7 Dec, 18:29`: the day and the time of day where the activity took place. */
export function formatDateTime(iso: string): string {
  const date = asShown(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const day = date.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
  const time = date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
  return `${day}, ${time}`;
}

/** `7 Dec` from `YYYY-MM-DD` or an instant. */
export const shortDate = (day: string): string =>
  asShown(day.length === 10 ? `${day}T00:00:00` : day).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
