/** Weekly totals for the chart: UTC weeks starting on Monday, oldest first, empty weeks included. */
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

export interface WeekTotal {
  /** Monday of the week, `YYYY-MM-DD`. */
  start: string;
  count: number;
  distance_meters: number;
  duration_seconds: number;
}

/** What the chart reads of an activity (the unified model has more). */
export interface ActivityLike {
  start_date: string;
  distance_meters?: number | null;
  duration_seconds: number;
}

/** Midnight UTC of the Monday on or before `ms`. */
export function weekStart(ms: number): number {
  const midnight = Math.floor(ms / DAY_MS) * DAY_MS;
  const sinceMonday = (new Date(midnight).getUTCDay() + 6) % 7;
  return midnight - sinceMonday * DAY_MS;
}

export function weeklyTotals(activities: readonly ActivityLike[], nowMs: number, weeks: number): WeekTotal[] {
  const current = weekStart(nowMs);
  const first = current - (weeks - 1) * WEEK_MS;
  const totals: WeekTotal[] = Array.from({ length: weeks }, (_, i) => ({
    start: new Date(first + i * WEEK_MS).toISOString().slice(0, 10),
    count: 0,
    distance_meters: 0,
    duration_seconds: 0,
  }));
  for (const activity of activities) {
    const started = Date.parse(activity.start_date);
    if (Number.isNaN(started) || started < first || started >= current + WEEK_MS) continue;
    const week = totals[Math.floor((started - first) / WEEK_MS)]!;
    week.count += 1;
    week.distance_meters += activity.distance_meters ?? 0;
    week.duration_seconds += activity.duration_seconds;
  }
  return totals;
}
