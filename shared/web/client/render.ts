/** The page's lists, built with DOM calls only (provider data never becomes markup). */
import type * as z from '../../zod';
import type { ActivitiesAnswerSchema, LapsAnswerSchema, ProvidersAnswerSchema } from '../../app/answers';
import { formatClock, formatDateTime, formatDistance, formatDuration, formatName, formatPace, formatValue } from './format';

export type ProviderEntry = z.output<typeof ProvidersAnswerSchema>['providers'][number];
export type ActivityEntry = z.output<typeof ActivitiesAnswerSchema>['activities'][number];
export type LapEntry = z.output<typeof LapsAnswerSchema>['laps'][number];

type Attrs = Record<string, string>;

export function el<K extends keyof HTMLElementTagNameMap>(name: K, attrs: Attrs = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

/** Demo data: a provider that needs no account (the synthetic one). */
export const isDemo = (provider: Pick<ProviderEntry, 'connection_type'>) => provider.connection_type === 'none';

const STATUS_TEXT: Record<string, string> = {
  connected: 'Connected',
  disconnected: 'Not connected',
  revoked: 'Access revoked',
  reauthorization_required: 'Connect again',
};

/** The operator's view of a provider, shown only when something is wrong. */
function healthProblem(provider: ProviderEntry): string | undefined {
  if (provider.health?.status === 'down') return 'Unreachable';
  if (!provider.configured && !isDemo(provider)) return 'Not set up';
  return undefined;
}

export type ProviderAction = (provider: ProviderEntry, action: 'connect' | 'disconnect') => void;

/** A provider as a chip of the compact row: name, status, the one action; capabilities on demand. */
export function providerChip(provider: ProviderEntry, onAction: ProviderAction): HTMLLIElement {
  const headingId = `provider-${provider.name}`;
  // "Not connected" is what the Connect button already says: read out, not shown.
  const quiet = provider.status === 'disconnected' && !isDemo(provider);
  const status = el(
    'span',
    { class: quiet ? 'visually-hidden' : `badge status-${provider.status}`, 'data-field': 'status' },
    isDemo(provider) ? 'Demo' : (STATUS_TEXT[provider.status] ?? provider.status),
  );
  const chip = el(
    'li',
    { class: 'provider', 'data-provider': provider.name, 'aria-labelledby': headingId },
    el('h3', { id: headingId }, provider.display_name),
    status,
  );
  const problem = healthProblem(provider);
  if (problem) {
    const badge = el('span', { class: 'badge health-down', 'data-field': 'health' }, problem);
    if (provider.health?.status === 'down') badge.title = provider.health.message;
    chip.append(badge);
  }
  const details = el('details', { class: 'provider-details' }, el('summary', { 'aria-label': `${provider.display_name} details` }, 'i'));
  const capabilities = el('ul', { class: 'capabilities', 'aria-label': `${provider.display_name} capabilities` });
  for (const capability of provider.capabilities.filter((c) => c !== 'oauth')) capabilities.append(el('li', {}, formatName(capability)));
  const panel = el('div', { class: 'details-panel' }, capabilities);
  if (isDemo(provider)) panel.append(el('p', { class: 'hint' }, 'Demo data, always connected: no account needed.'));
  else if (provider.health?.status === 'down') panel.append(el('p', { class: 'hint' }, `Unreachable: ${provider.health.message}`));
  else if (!provider.configured) panel.append(el('p', { class: 'hint' }, 'Not set up on this service.'));
  details.append(panel);
  chip.append(details);
  if (isDemo(provider)) return chip;
  const connected = provider.status === 'connected';
  const action = connected ? 'disconnect' : 'connect';
  const button = el(
    'button',
    {
      type: 'button',
      class: connected ? 'secondary' : 'primary',
      'data-action': action,
      'aria-label': `${connected ? 'Disconnect' : 'Connect'} ${provider.display_name}`,
    },
    connected ? 'Disconnect' : 'Connect',
  );
  if (!provider.configured) button.disabled = true;
  button.addEventListener('click', () => onAction(provider, action));
  chip.append(button);
  return chip;
}

const value = (text: string, field?: string) => el('span', { class: 'value', ...(field && { 'data-field': field }) }, text);

/** One line of the list; the whole row opens the activity. */
export function activityItem(activity: ActivityEntry, providerName: (name: string) => string, open: (activity: ActivityEntry) => void): HTMLLIElement {
  const source = providerName(activity.provider);
  const title = activity.name || formatName(activity.sport_type);
  const button = el(
    'button',
    {
      type: 'button',
      class: 'activity-open',
      'aria-label': `${title}, ${formatDateTime(activity.start_date_local ?? activity.start_date)}, from ${source}: details`,
    },
    el('span', { class: 'activity-head' }, el('strong', {}, title), el('span', { class: `badge source source-${activity.provider}` }, source)),
    el(
      'span',
      { class: 'activity-meta' },
      el('time', { datetime: activity.start_date }, formatDateTime(activity.start_date_local ?? activity.start_date)),
      value(formatName(activity.sport_type)),
      value(formatDistance(activity.distance_meters), 'distance'),
      value(formatDuration(activity.duration_seconds), 'duration'),
    ),
  );
  button.addEventListener('click', () => open(activity));
  return el('li', { class: 'activity', 'data-provider': activity.provider, 'data-id': activity.id }, button);
}

const averageAndMax = (average: number | null | undefined, max: number | null | undefined, unit: string) =>
  average ? `${formatValue(average, unit)} avg${max ? ` · ${formatValue(max, unit)} max` : ''}` : undefined;

/** The facts of one activity the provider recorded, as term and value pairs (absent ones left out). */
export function activityFacts(activity: ActivityEntry, source: string): HTMLDListElement {
  const facts: Array<[string, string | undefined]> = [
    ['Started', formatDateTime(activity.start_date_local ?? activity.start_date)],
    ['Sport', formatName(activity.sport_type)],
    ['Distance', activity.distance_meters ? formatDistance(activity.distance_meters) : undefined],
    ['Duration', formatDuration(activity.duration_seconds)],
    ['Moving time', activity.moving_time_seconds ? formatDuration(activity.moving_time_seconds) : undefined],
    ['Pace', activity.distance_meters ? formatPace(activity.distance_meters, activity.moving_time_seconds ?? activity.duration_seconds) : undefined],
    ['Heart rate', averageAndMax(activity.average_heart_rate, activity.max_heart_rate, 'bpm')],
    ['Power', averageAndMax(activity.average_power, activity.max_power, 'W')],
    ['Cadence', activity.average_cadence ? formatValue(activity.average_cadence, 'rpm') : undefined],
    [
      'Calories',
      activity.calories
        ? formatValue(activity.calories, 'kcal')
        : activity.active_calories
          ? `${formatValue(activity.active_calories, 'kcal')} active`
          : undefined,
    ],
    ['Elevation gain', activity.elevation_gain_meters ? formatValue(activity.elevation_gain_meters, 'm') : undefined],
    ['Device', activity.device_name ?? undefined],
    ['Source', source],
  ];
  const list = el('dl', { class: 'facts' });
  for (const [term, text] of facts) if (text !== undefined) list.append(el('div', {}, el('dt', {}, term), el('dd', { class: 'value' }, text)));
  return list;
}

/** Splits as a table: distance, time, pace, heart rate per lap. */
export function lapsTable(laps: readonly LapEntry[]): HTMLDivElement {
  const head = el('tr', {}, ...['Lap', 'Distance', 'Time', 'Pace', 'HR (bpm)'].map((h) => el('th', { scope: 'col' }, h)));
  const rows = laps.map((lap, i) =>
    el(
      'tr',
      {},
      el('th', { scope: 'row' }, String(i + 1)),
      el('td', {}, formatDistance(lap.distance_meters)),
      el('td', {}, formatClock(lap.elapsed_time_seconds)),
      el('td', {}, formatPace(lap.distance_meters, lap.moving_time_seconds ?? lap.elapsed_time_seconds)),
      el('td', {}, formatValue(lap.average_heart_rate, '')),
    ),
  );
  return el('div', { class: 'table-scroll' }, el('table', { class: 'laps' }, el('caption', {}, 'Splits'), el('thead', {}, head), el('tbody', {}, ...rows)));
}

/** Grey placeholders of the shape of what is loading. */
export function skeletons(count: number, className: string): HTMLLIElement[] {
  return Array.from({ length: count }, () => el('li', { class: `skeleton skeleton-${className}`, 'aria-hidden': 'true' }));
}

/** A failed load said in words, with a button that tries it again. */
export function failureBox(message: string, retry: () => void): HTMLDivElement {
  const button = el('button', { type: 'button', class: 'secondary', 'data-action': 'retry' }, 'Try again');
  button.addEventListener('click', retry);
  return el('div', { class: 'load-failed', role: 'alert' }, el('p', {}, message), button);
}
