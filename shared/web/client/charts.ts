/**
 * Charts as plain SVG: labelled axes, every value written on the chart (nothing needs a hover),
 * and a title and description for screen readers. Sizes are in viewBox units; CSS scales them.
 */
import { formatDuration, formatHours, shortDate } from './format';
import type { WeekTotal } from './weeks';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 360;

function svg<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  if (text !== undefined) el.textContent = text;
  return el;
}

function frame(id: string, height: number, title: string, summary: string, data: Record<string, string> = {}): SVGSVGElement {
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${height}`, role: 'img', 'aria-labelledby': `${id}-title ${id}-desc`, class: 'chart', ...data });
  root.append(svg('title', { id: `${id}-title` }, title), svg('desc', { id: `${id}-desc` }, summary));
  return root;
}

/** A round step for about `count` ticks up to `max`. */
function niceStep(max: number, count: number): number {
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
}

export type Metric = 'distance' | 'duration';

const weekValue = (week: WeekTotal, metric: Metric) => (metric === 'distance' ? week.distance_meters / 1000 : week.duration_seconds / 3600);

/** Distance (km) or duration (h) per week: bars with their values above, weeks below, a unit axis on the left. */
export function weekChart(weeks: readonly WeekTotal[], metric: Metric): SVGSVGElement {
  const unit = metric === 'distance' ? 'km' : 'h';
  const title = `${metric === 'distance' ? 'Distance' : 'Duration'} per week, ${weeks.length} weeks`;
  const summary = weeks.map((w) => `week of ${shortDate(w.start)}: ${weekValue(w, metric).toFixed(1)} ${unit}, ${w.count} activities`).join('; ');
  const height = 200;
  const [left, top, bottom] = [34, 18, 34];
  const root = frame('week-chart', height, title, summary, { 'data-metric': metric });
  const max = Math.max(...weeks.map((w) => weekValue(w, metric)), 1);
  const step = niceStep(max, 3);
  const ceiling = Math.ceil(max / step) * step;
  const plot = height - top - bottom;
  const y = (value: number) => top + plot - (value / ceiling) * plot;
  for (let tick = 0; tick <= ceiling + 1e-9; tick += step) {
    root.append(
      svg('line', { x1: left, x2: WIDTH, y1: y(tick), y2: y(tick), class: tick === 0 ? 'axis' : 'grid' }),
      svg('text', { x: left - 4, y: y(tick) + 3, 'text-anchor': 'end', class: 'tick' }, `${Number(tick.toFixed(1))}`),
    );
  }
  root.append(svg('text', { x: 2, y: 10, class: 'axis-title' }, unit === 'km' ? 'km per week' : 'hours per week'));
  const slot = (WIDTH - left) / weeks.length;
  const labelEvery = Math.ceil(weeks.length / 8);
  weeks.forEach((week, i) => {
    const value = weekValue(week, metric);
    const x = left + i * slot + slot * 0.15;
    const barTop = value > 0 ? Math.min(y(value), y(0) - 2) : y(0);
    root.append(
      svg('rect', { x, y: barTop, width: slot * 0.7, height: y(0) - barTop, rx: 2, class: 'bar', 'data-week': week.start, 'data-value': value.toFixed(2) }),
    );
    if (value > 0)
      root.append(svg('text', { x: x + slot * 0.35, y: barTop - 3, 'text-anchor': 'middle', class: 'value' }, value.toFixed(value >= 100 ? 0 : 1)));
    if (i % labelEvery === 0)
      root.append(svg('text', { x: x + slot * 0.35, y: height - bottom + 13, 'text-anchor': 'middle', class: 'tick' }, shortDate(week.start)));
  });
  root.append(svg('text', { x: left + (WIDTH - left) / 2, y: height - 4, 'text-anchor': 'middle', class: 'axis-title' }, 'week starting'));
  return root;
}

export interface NightStages {
  date: string;
  /** Seconds per stage; `asleep` when the provider does not split the night into stages. */
  stages: Partial<Record<SleepStage, number>>;
}
const SLEEP_STAGES = ['deep', 'light', 'rem', 'awake', 'asleep'] as const;
type SleepStage = (typeof SLEEP_STAGES)[number];
const STAGE_NAMES: Record<SleepStage, string> = { deep: 'Deep', light: 'Light', rem: 'REM', awake: 'Awake', asleep: 'Asleep' };

/** One bar per night, its stages stacked, the time asleep written at its end; hours along the bottom. */
export function sleepChart(nights: readonly NightStages[]): SVGSVGElement {
  const row = 16;
  const gap = 5;
  const [left, right, top, bottom] = [44, 48, 24, 30];
  const height = top + nights.length * (row + gap) + bottom;
  const asleep = (n: NightStages) => (n.stages.deep ?? 0) + (n.stages.light ?? 0) + (n.stages.rem ?? 0) + (n.stages.asleep ?? 0);
  const total = (n: NightStages) => asleep(n) + (n.stages.awake ?? 0);
  const summary = nights.map((n) => `${shortDate(n.date)}: ${formatDuration(asleep(n))} asleep`).join('; ');
  const root = frame('sleep-chart', height, `Sleep per night by stage, ${nights.length} nights`, summary);
  const maxHours = Math.max(8, Math.ceil(Math.max(...nights.map(total), 0) / 3600));
  const scale = (WIDTH - left - right) / (maxHours * 3600);
  let legendX = left;
  for (const stage of SLEEP_STAGES) {
    if (!nights.some((n) => n.stages[stage])) continue;
    root.append(svg('rect', { x: legendX, y: 4, width: 9, height: 9, class: `stage-${stage}` }));
    root.append(svg('text', { x: legendX + 12, y: 12, class: 'tick' }, STAGE_NAMES[stage]));
    legendX += 22 + STAGE_NAMES[stage].length * 6.5;
  }
  const axisY = top + nights.length * (row + gap);
  for (let hour = 0; hour <= maxHours; hour += 2) {
    const x = left + hour * 3600 * scale;
    root.append(
      svg('line', { x1: x, x2: x, y1: top - 4, y2: axisY, class: hour === 0 ? 'axis' : 'grid' }),
      svg('text', { x, y: axisY + 12, 'text-anchor': 'middle', class: 'tick' }, formatHours(hour * 3600)),
    );
  }
  root.append(svg('text', { x: left + (WIDTH - left - right) / 2, y: height - 4, 'text-anchor': 'middle', class: 'axis-title' }, 'hours in bed'));
  nights.forEach((night, i) => {
    const y = top + i * (row + gap);
    const group = svg('g', { class: 'night', 'data-date': night.date });
    group.append(svg('text', { x: left - 4, y: y + row - 4, 'text-anchor': 'end', class: 'tick' }, shortDate(night.date)));
    let x = left;
    for (const stage of SLEEP_STAGES) {
      const seconds = night.stages[stage] ?? 0;
      if (seconds <= 0) continue;
      group.append(svg('rect', { x, y, width: seconds * scale, height: row, class: `stage-${stage}`, 'data-stage': stage, 'data-seconds': seconds }));
      x += seconds * scale;
    }
    group.append(svg('text', { x: x + 3, y: y + row - 4, class: 'value' }, formatDuration(asleep(night))));
    root.append(group);
  });
  return root;
}

export interface DayValue {
  date: string;
  value: number;
}

/** A daily series as a line with its points: the values written beside the points, min and max on the axis. */
export function lineChart(id: string, points: readonly DayValue[], title: string, unit: string, digits = 0): SVGSVGElement {
  const height = 170;
  const [left, right, top, bottom] = [34, 14, 22, 32];
  const fixed = (v: number) => v.toFixed(digits);
  const summary = points.map((p) => `${shortDate(p.date)}: ${fixed(p.value)} ${unit}`).join('; ');
  const root = frame(id, height, title, summary, { 'data-points': String(points.length) });
  const values = points.map((p) => p.value);
  const low = Math.min(...values);
  const high = Math.max(...values);
  const pad = Math.max((high - low) * 0.15, high === low ? 1 : 0);
  const [min, max] = [low - pad, high + pad];
  const plotW = WIDTH - left - right;
  const plotH = height - top - bottom;
  const x = (i: number) => left + (points.length === 1 ? plotW / 2 : (i / (points.length - 1)) * plotW);
  const y = (v: number) => top + plotH - ((v - min) / (max - min)) * plotH;
  root.append(svg('text', { x: 2, y: 10, class: 'axis-title' }, unit));
  for (const tick of [low, high]) {
    root.append(
      svg('line', { x1: left, x2: WIDTH - right, y1: y(tick), y2: y(tick), class: 'grid' }),
      svg('text', { x: left - 4, y: y(tick) + 3, 'text-anchor': 'end', class: 'tick' }, fixed(tick)),
    );
  }
  root.append(svg('line', { x1: left, x2: WIDTH - right, y1: top + plotH, y2: top + plotH, class: 'axis' }));
  root.append(svg('polyline', { points: points.map((p, i) => `${x(i)},${y(p.value)}`).join(' '), class: 'line' }));
  const labelEvery = Math.ceil(points.length / 9);
  points.forEach((p, i) => {
    root.append(svg('circle', { cx: x(i), cy: y(p.value), r: 2.5, class: 'point', 'data-date': p.date, 'data-value': fixed(p.value) }));
    if (i % labelEvery === 0 || i === points.length - 1)
      root.append(svg('text', { x: x(i), y: y(p.value) - 6, 'text-anchor': 'middle', class: 'value' }, fixed(p.value)));
  });
  const dateLabels = points.length > 2 ? [0, Math.floor((points.length - 1) / 2), points.length - 1] : points.map((_, i) => i);
  const anchor = (i: number) => (points.length < 2 ? 'middle' : i === 0 ? 'start' : i === points.length - 1 ? 'end' : 'middle');
  for (const i of dateLabels) root.append(svg('text', { x: x(i), y: top + plotH + 13, 'text-anchor': anchor(i), class: 'tick' }, shortDate(points[i]!.date)));
  root.append(svg('text', { x: left + plotW / 2, y: height - 4, 'text-anchor': 'middle', class: 'axis-title' }, 'day'));
  return root;
}
