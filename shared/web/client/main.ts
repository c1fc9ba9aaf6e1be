/** The connections page: providers with Connect/Disconnect, recent activities, a weekly chart. */
import { Api, ApiError } from './api';
import { weekChart, type Metric } from './chart';
import { TokenSource, whoText, type PageConfig, type Who } from './identity';
import { outcomeMessage, readOutcome } from './messages';
import { activityItem, el, providerCard, type ActivityEntry, type ProviderEntry } from './render';
import { weeklyTotals } from './weeks';

const WEEKS = 8;
const LIST_LENGTH = 20;

interface ProvidersAnswer {
  providers: ProviderEntry[];
}
interface ActivitiesAnswer {
  activities: ActivityEntry[];
  sources?: Record<string, { status: 'ok' | 'error'; message?: string }>;
}

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const config = JSON.parse(byId('pierre-config').textContent ?? '{}') as PageConfig;
const tokens = new TokenSource(config, { identity: showIdentity, offer: offerSwitch });
const api = new Api(tokens);

let providers: ProviderEntry[] = [];
let activities: ActivityEntry[] = [];
let metric: Metric = 'distance';

const displayName = (name: string) => providers.find((p) => p.name === name)?.display_name ?? name;

function say(text: string, kind: 'info' | 'error' = 'info'): void {
  const info = byId('notice');
  const alert = byId('alert');
  info.textContent = kind === 'info' ? text : '';
  alert.textContent = kind === 'error' ? text : '';
}

function showIdentity(who: Who | undefined): void {
  byId('identity').textContent = who ? `Connecting for ${whoText(who)}` : '';
}

/** A link carried someone else's token: nothing changes until the person chooses. */
function offerSwitch(offered: Who | undefined, current: Who | undefined, decide: (switchTo: boolean) => void): void {
  const box = byId('switch');
  const choose = (switchTo: boolean) => {
    box.replaceChildren();
    box.hidden = true;
    decide(switchTo);
    if (!switchTo) {
      say(`You are still connecting for ${whoText(current)}.`);
      return;
    }
    say(`You are now connecting for ${whoText(offered)}.`);
    Promise.all([loadProviders(), loadActivities()]).catch((error: unknown) => say(failure(error), 'error'));
  };
  const stay = el('button', { type: 'button', class: 'primary', 'data-choice': 'stay' }, `Stay as ${whoText(current)}`);
  const swap = el('button', { type: 'button', class: 'secondary', 'data-choice': 'switch' }, `Switch to ${whoText(offered)}`);
  stay.addEventListener('click', () => choose(false));
  swap.addEventListener('click', () => choose(true));
  box.replaceChildren(
    el('p', { id: 'switch-question' }, `This link signs you in as ${whoText(offered)}; you are ${whoText(current)}. Switch?`),
    el('p', { class: 'hint' }, 'Switch only if you opened this link yourself: whatever you connect goes to the account it names.'),
    el('div', { class: 'choices' }, stay, swap),
  );
  box.hidden = false;
  stay.focus();
}

function failure(error: unknown): string {
  return error instanceof ApiError ? error.message : 'The service could not be reached. Check your connection and try again.';
}

function renderProviders(focusName?: string): void {
  const list = byId('providers');
  list.replaceChildren(...providers.map((p) => providerCard(p, (provider, action) => void act(provider, action))));
  list.setAttribute('aria-busy', 'false');
  if (focusName) list.querySelector<HTMLButtonElement>(`[data-provider="${CSS.escape(focusName)}"] button`)?.focus();
}

function renderChart(): void {
  const weeks = weeklyTotals(activities, Date.now(), WEEKS);
  byId('chart').replaceChildren(weekChart(weeks, metric));
}

function renderActivities(): void {
  const list = byId('activities');
  const recent = activities.slice(0, LIST_LENGTH);
  list.replaceChildren(...recent.map((a) => activityItem(a, displayName)));
  byId('activities-empty').hidden = recent.length > 0;
  list.setAttribute('aria-busy', 'false');
  renderChart();
}

async function loadProviders(focusName?: string): Promise<void> {
  providers = (await api.call<ProvidersAnswer>('/providers?health=true')).providers;
  renderProviders(focusName);
}

async function loadActivities(): Promise<void> {
  const after = new Date(Date.now() - WEEKS * 7 * 86_400_000).toISOString();
  const answer = await api.call<ActivitiesAnswer>(`/activities?provider=all&limit=200&after=${encodeURIComponent(after)}`);
  activities = answer.activities;
  renderActivities();
  const failed = Object.entries(answer.sources ?? {}).filter(([, s]) => s.status === 'error');
  byId('sources-note').textContent = failed.length
    ? `Not shown: ${failed.map(([name, s]) => `${displayName(name)} (${s.message ?? 'unavailable'})`).join('; ')}`
    : '';
}

async function act(provider: ProviderEntry, action: 'connect' | 'disconnect'): Promise<void> {
  try {
    if (action === 'disconnect') {
      await api.call(`/connections/${encodeURIComponent(provider.name)}`, { method: 'DELETE' });
      await Promise.all([loadProviders(provider.name), loadActivities()]);
      say(`${provider.display_name} is disconnected.`);
      return;
    }
    const back = `${location.origin}${location.pathname}`;
    const answer = await api.call<{ authorization_url?: string; connected?: boolean }>(
      `/connect/${encodeURIComponent(provider.name)}?return_to=${encodeURIComponent(back)}`,
    );
    if (answer.authorization_url) {
      say(`Opening ${provider.display_name}…`);
      location.assign(answer.authorization_url);
      return;
    }
    await Promise.all([loadProviders(provider.name), loadActivities()]);
    say(`${provider.display_name} is connected.`);
  } catch (error) {
    say(failure(error), 'error');
  }
}

async function start(): Promise<void> {
  const outcome = readOutcome(location.search);
  if (outcome) history.replaceState(history.state, '', `${location.pathname}${location.hash}`);
  document.querySelectorAll<HTMLInputElement>('input[name="metric"]').forEach((input) => {
    input.addEventListener('change', () => {
      metric = input.value as Metric;
      renderChart();
    });
  });
  if (!tokens.canWait) say('Waiting for your application to sign you in (see docs/connections-page.md: Identity).');
  try {
    await loadProviders();
  } catch (error) {
    say(failure(error), 'error');
    document.body.dataset['ready'] = 'true';
    return;
  }
  // The outcome is said once the page shows the state it describes.
  const activitiesFailed = await loadActivities().then(
    () => undefined,
    (error: unknown) => error,
  );
  if (outcome) say(outcomeMessage(outcome, displayName(outcome.provider)), outcome.status === 'error' ? 'error' : 'info');
  else if (activitiesFailed) say(failure(activitiesFailed), 'error');
  else if (!tokens.canWait) say('');
  document.body.dataset['ready'] = 'true';
}

void start();
