/** A bar chart of weekly totals as plain SVG, described for screen readers. */
import { formatDistance, formatDuration } from './format';
import type { WeekTotal } from './weeks';

export type Metric = 'distance' | 'duration';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 320;
const HEIGHT = 160;
const AXIS = 20;
const TOP = 16;

function svg<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  if (text !== undefined) el.textContent = text;
  return el;
}

const valueFor = (week: WeekTotal, metric: Metric) => (metric === 'distance' ? week.distance_meters : week.duration_seconds);
const label = (value: number, metric: Metric) => (metric === 'distance' ? formatDistance(value) : formatDuration(value));
const shortDate = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString('en', { day: 'numeric', month: 'short', timeZone: 'UTC' });

export function weekChart(weeks: readonly WeekTotal[], metric: Metric): SVGSVGElement {
  const title = `${metric === 'distance' ? 'Distance' : 'Duration'} per week, last ${weeks.length} weeks`;
  const summary = weeks.map((w) => `week of ${shortDate(w.start)}: ${label(valueFor(w, metric), metric)}`).join('; ');
  const root = svg('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: 'img',
    'aria-labelledby': 'chart-title chart-desc',
    class: 'chart',
    'data-metric': metric,
  });
  root.append(svg('title', { id: 'chart-title' }, title), svg('desc', { id: 'chart-desc' }, summary));
  const max = Math.max(1, ...weeks.map((w) => valueFor(w, metric)));
  const slot = WIDTH / weeks.length;
  const plot = HEIGHT - AXIS - TOP;
  root.append(svg('line', { x1: 0, x2: WIDTH, y1: HEIGHT - AXIS, y2: HEIGHT - AXIS, class: 'axis' }));
  weeks.forEach((week, i) => {
    const value = valueFor(week, metric);
    const height = value > 0 ? Math.max(2, (value / max) * plot) : 0;
    const x = i * slot + slot * 0.15;
    const bar = svg('rect', { x, y: HEIGHT - AXIS - height, width: slot * 0.7, height, rx: 3, class: 'bar', 'data-week': week.start, 'data-value': value });
    bar.append(svg('title', {}, `Week of ${shortDate(week.start)}: ${label(value, metric)}, ${week.count} activities`));
    root.append(bar, svg('text', { x: x + slot * 0.35, y: HEIGHT - 6, 'text-anchor': 'middle', class: 'tick' }, shortDate(week.start)));
  });
  const peak = weeks.reduce((best, w) => (valueFor(w, metric) > valueFor(best, metric) ? w : best), weeks[0]!);
  if (peak && valueFor(peak, metric) > 0) {
    root.append(svg('text', { x: WIDTH - 2, y: 11, 'text-anchor': 'end', class: 'tick' }, `max ${label(valueFor(peak, metric), metric)}`));
  }
  return root;
}
