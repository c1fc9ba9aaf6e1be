/** The page's lists, built with DOM calls only (provider data never becomes markup). */
import type * as z from '../../zod';
import type { ActivitiesAnswerSchema, ProvidersAnswerSchema } from '../../app/answers';
import { formatDate, formatDistance, formatDuration, formatName } from './format';

export type ProviderEntry = z.output<typeof ProvidersAnswerSchema>['providers'][number];
export type ActivityEntry = z.output<typeof ActivitiesAnswerSchema>['activities'][number];

type Attrs = Record<string, string>;

export function el<K extends keyof HTMLElementTagNameMap>(name: K, attrs: Attrs = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

const STATUS_TEXT: Record<string, string> = {
  connected: 'Connected',
  disconnected: 'Not connected',
  revoked: 'Access revoked',
  reauthorization_required: 'Connect again',
};

function healthText(health: ProviderEntry['health']): { text: string; kind: string } {
  if (!health) return { text: 'Not checked', kind: 'unknown' };
  if (health.status === 'up') return { text: 'Reachable', kind: 'up' };
  if (health.status === 'not_configured') return { text: 'Not set up', kind: 'unknown' };
  return { text: 'Unreachable', kind: 'down' };
}

export type ProviderAction = (provider: ProviderEntry, action: 'connect' | 'disconnect') => void;

export function providerCard(provider: ProviderEntry, onAction: ProviderAction): HTMLLIElement {
  const headingId = `provider-${provider.name}`;
  const health = healthText(provider.health);
  const status = el('span', { class: `badge status-${provider.status}`, 'data-field': 'status' }, STATUS_TEXT[provider.status] ?? provider.status);
  const healthBadge = el('span', { class: `badge health-${health.kind}`, 'data-field': 'health' }, health.text);
  if (provider.health?.status === 'down') healthBadge.title = provider.health.message;
  const capabilities = el('ul', { class: 'capabilities', 'aria-label': `${provider.display_name} capabilities` });
  for (const capability of provider.capabilities.filter((c) => c !== 'oauth')) capabilities.append(el('li', {}, formatName(capability)));

  const card = el(
    'li',
    { class: 'provider', 'data-provider': provider.name, 'aria-labelledby': headingId },
    el('div', { class: 'provider-head' }, el('h3', { id: headingId }, provider.display_name), status, healthBadge),
    capabilities,
  );
  if (provider.connection_type === 'none') {
    card.append(el('p', { class: 'hint' }, 'Always connected: no account needed.'));
    return card;
  }
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
  if (!provider.configured) {
    button.disabled = true;
    card.append(el('p', { class: 'hint' }, 'Not set up on this service.'));
  }
  button.addEventListener('click', () => onAction(provider, action));
  card.append(button);
  return card;
}

export function activityItem(activity: ActivityEntry, providerName: (name: string) => string): HTMLLIElement {
  const source = providerName(activity.provider);
  return el(
    'li',
    { class: 'activity', 'data-provider': activity.provider },
    el(
      'div',
      { class: 'activity-head' },
      el('strong', {}, activity.name || formatName(activity.sport_type)),
      el('span', { class: `badge source source-${activity.provider}`, 'aria-label': `from ${source}` }, source),
    ),
    el(
      'p',
      { class: 'activity-meta' },
      `${formatName(activity.sport_type)} · `,
      el('time', { datetime: activity.start_date }, formatDate(activity.start_date)),
      ` · ${formatDistance(activity.distance_meters)} · ${formatDuration(activity.duration_seconds)}`,
    ),
  );
}
