/** Short plain-text renderings of tool answers, for assistants that read text content only. */
import type { Activity } from '../models';

function clock(totalSeconds: number): string {
  const s = Math.round(totalSeconds);
  const hms = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  return hms.map((n, i) => (i === 0 ? String(n) : String(n).padStart(2, '0'))).join(':');
}

/** `2026-11-20 run 6.00 km 0:30:00 "Lunch run" (id w1)` */
export function activityLine(a: Activity): string {
  const distance = a.distance_meters === null ? 'no distance' : `${(a.distance_meters / 1000).toFixed(2)} km`;
  return `${a.start_date.slice(0, 10)} ${a.sport_type} ${distance} ${clock(a.duration_seconds)} "${a.name}" (${a.provider} id ${a.id})`;
}

export function activitiesText(provider: string, activities: readonly Activity[]): string {
  if (activities.length === 0) return `No activities from ${provider}.`;
  const noun = activities.length === 1 ? 'activity' : 'activities';
  return [`${activities.length} ${noun} from ${provider} (date, sport, distance, h:mm:ss, name):`, ...activities.map(activityLine)].join('\n');
}

function scalars(value: unknown, prefix = ''): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object' || v === null)) return [`${prefix}=${value.join(',')}`];
    return [`${prefix}=${value.length} items`];
  }
  if (typeof value === 'object') {
    return Object.entries(value).flatMap(([key, v]) => (key === 'provider' ? [] : scalars(v, prefix ? `${prefix}.${key}` : key)));
  }
  return [`${prefix}=${String(value)}`];
}

/** One line of `field=value` pairs per record; units are in the field names (`_meters`, `_seconds`, `_kg`). */
export function recordsText(title: string, records: readonly unknown[]): string {
  if (records.length === 0) return `No ${title}.`;
  return [`${records.length} ${title}:`, ...records.map((r) => scalars(r).join(' '))].join('\n');
}

export function recordText(title: string, record: unknown): string {
  return `${title}: ${scalars(record).join(' ')}`;
}

/** A connection's history in words, for the connection-status tool. */
export function historyText(h: { status: string; from: string | null; to: string | null; records: number }): string {
  const span = h.from && h.to ? ` from ${h.from.slice(0, 10)} to ${h.to.slice(0, 10)}` : '';
  switch (h.status) {
    case 'complete':
      return `history${span} stored (${h.records} records)`;
    case 'running':
      return `history${span} being read (${h.records} records so far)`;
    case 'failed':
      return `history${span} could not be read; connecting again retries it`;
    default:
      return `history${span} queued to be read`;
  }
}
