/**
 * The connections page: who it acts for, providers as a compact row, then the data: activities
 * (weekly chart, a list that opens each one, more on demand), sleep and recovery, over one date range.
 */
import { Api, ApiError } from './api';
import { type DayValue, lineChart, type Metric, type NightStages, sleepChart, weekChart } from './charts';
import { formatDuration, formatValue } from './format';
import { TokenSource, whoText, type PageConfig, type Who } from './identity';
import { outcomeMessage, readOutcome } from './messages';
import {
  activityFacts,
  activityItem,
  el,
  failureBox,
  isDemo,
  lapsTable,
  providerChip,
  skeletons,
  type ActivityEntry,
  type LapEntry,
  type ProviderEntry,
} from './render';
import { weeklyTotals, weekStart } from './weeks';

const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 28;
const PAGE = 20;
const FETCH = 200;

interface ActivitiesAnswer {
  activities: ActivityEntry[];
  sources?: Record<string, { status: 'ok' | 'error'; message?: string }>;
}
interface SleepSession {
  start_date: string;
  end_date: string;
  is_nap?: boolean | null;
  time_asleep_seconds?: number | null;
  efficiency_percentage?: number | null;
  stage_totals?: { awake_seconds?: number | null; light_seconds?: number | null; deep_seconds?: number | null; rem_seconds?: number | null } | null;
}
interface RecoveryDay {
  date: string;
  recovery_score?: number | null;
  resting_heart_rate?: number | null;
  hrv_rmssd_ms?: number | null;
}
type View = 'activities' | 'sleep' | 'recovery';
const VIEWS: readonly View[] = ['activities', 'sleep', 'recovery'];

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const config = JSON.parse(byId('pierre-config').textContent ?? '{}') as PageConfig;
const tokens = new TokenSource(config, { identity: showIdentity, offer: offerSwitch });
const api = new Api(tokens);

let providers: ProviderEntry[] = [];
let activities: ActivityEntry[] = [];
let activitiesExhausted = true;
let shown = PAGE;
let metric: Metric = 'distance';
let view: View = 'activities';
let showDemo = false;

const displayName = (name: string) => providers.find((p) => p.name === name)?.display_name ?? name;
const realConnected = () => providers.some((p) => !isDemo(p) && p.status === 'connected');
/** Demo data stays apart once a real provider is connected: hidden unless asked for. */
const demoVisible = () => showDemo || !realConnected();
const visibleProvider = (name: string) => {
  const provider = providers.find((p) => p.name === name);
  return !provider || !isDemo(provider) || demoVisible();
};

function say(text: string, kind: 'info' | 'error' = 'info'): void {
  byId('notice').textContent = kind === 'info' ? text : '';
  byId('alert').textContent = kind === 'error' ? text : '';
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
    void reloadAll();
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

// ---- the date range ----

const dayString = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const rangeInput = (which: 'from' | 'to') => byId<HTMLInputElement>(`range-${which}`);

function range(): { from: string; to: string; fromMs: number; toMs: number } {
  const today = dayString(Date.now());
  let to = rangeInput('to').value || today;
  let from = rangeInput('from').value || dayString(Date.parse(to) - (DEFAULT_DAYS - 1) * DAY_MS);
  if (from > to) [from, to] = [to, from];
  return { from, to, fromMs: Date.parse(`${from}T00:00:00Z`), toMs: Date.parse(`${to}T00:00:00Z`) + DAY_MS - 1 };
}

// ---- providers ----

function renderProviders(focusName?: string): void {
  const list = byId('providers');
  // Once a provider of the person's own is connected, theirs lead the row and the demo trails it.
  const rank = (p: ProviderEntry) => (!realConnected() ? 0 : isDemo(p) ? 2 : p.status === 'connected' ? 0 : 1);
  const ordered = [...providers].sort((a, b) => rank(a) - rank(b));
  list.replaceChildren(...ordered.map((p) => providerChip(p, (provider, action) => void act(provider, action))));
  list.setAttribute('aria-busy', 'false');
  if (focusName) list.querySelector<HTMLButtonElement>(`[data-provider="${CSS.escape(focusName)}"] button`)?.focus();
  const demo = providers.filter(isDemo).map((p) => p.display_name);
  byId('demo-toggle-label').hidden = !realConnected() || demo.length === 0;
  byId('demo-note').textContent = demo.length && !realConnected() ? `Showing demo data (${demo.join(', ')}) until you connect a provider of your own.` : '';
}

async function loadProviders(focusName?: string): Promise<void> {
  providers = (await api.call<{ providers: ProviderEntry[] }>('/providers?health=true')).providers;
  renderProviders(focusName);
}

// ---- activities ----

function renderChart(): void {
  const { fromMs, toMs } = range();
  const weeks = Math.min(26, Math.floor((weekStart(toMs) - weekStart(fromMs)) / (7 * DAY_MS)) + 1);
  const totals = weeklyTotals(
    activities.filter((a) => visibleProvider(a.provider)),
    toMs,
    weeks,
  );
  byId('chart').replaceChildren(weekChart(totals, metric));
}

function renderActivities(): void {
  const list = byId('activities');
  const visible = activities.filter((a) => visibleProvider(a.provider));
  list.replaceChildren(...visible.slice(0, shown).map((a) => activityItem(a, displayName, (activity) => void openActivity(activity))));
  byId('activities-empty').hidden = visible.length > 0;
  list.setAttribute('aria-busy', 'false');
  byId('more').hidden = visible.length <= shown && activitiesExhausted;
  renderChart();
}

async function fetchActivities(before?: string): Promise<ActivityEntry[]> {
  const { fromMs, toMs } = range();
  const after = new Date(fromMs).toISOString();
  const query = `/activities?provider=all&limit=${FETCH}&after=${encodeURIComponent(after)}&before=${encodeURIComponent(before ?? new Date(toMs + 1).toISOString())}`;
  const answer = await api.call<ActivitiesAnswer>(query);
  activitiesExhausted = answer.activities.length < FETCH;
  const failed = Object.entries(answer.sources ?? {}).filter(([, s]) => s.status === 'error');
  byId('sources-note').textContent = failed.length
    ? `Not shown: ${failed.map(([name, s]) => `${displayName(name)} (${s.message ?? 'unavailable'})`).join('; ')}`
    : '';
  return answer.activities;
}

async function loadActivities(): Promise<void> {
  const list = byId('activities');
  list.setAttribute('aria-busy', 'true');
  list.replaceChildren(...skeletons(4, 'activity'));
  byId('activities-failed').replaceChildren();
  try {
    activities = await fetchActivities();
    shown = PAGE;
    renderActivities();
  } catch (error) {
    list.replaceChildren();
    list.setAttribute('aria-busy', 'false');
    byId('activities-failed').replaceChildren(failureBox(`Activities could not be loaded: ${failure(error)}`, () => void loadActivities()));
    throw error;
  }
}

/** More of the list: what is loaded first, then older activities, from before the last one held. */
async function showMore(): Promise<void> {
  shown += PAGE;
  const visible = activities.filter((a) => visibleProvider(a.provider));
  if (visible.length < shown && !activitiesExhausted) {
    const last = activities[activities.length - 1];
    const older = await fetchActivities(last?.start_date).catch((error: unknown) => {
      say(failure(error), 'error');
      return [];
    });
    const held = new Set(activities.map((a) => `${a.provider}/${a.id}`));
    activities = [...activities, ...older.filter((a) => !held.has(`${a.provider}/${a.id}`))];
  }
  renderActivities();
  byId('activities').querySelectorAll<HTMLButtonElement>('button.activity-open')[shown - PAGE]?.focus();
}

async function openActivity(activity: ActivityEntry): Promise<void> {
  const dialog = byId<HTMLDialogElement>('detail');
  byId('detail-title').textContent = activity.name || activity.sport_type;
  const laps = el('div', { id: 'detail-laps' }, el('p', { class: 'skeleton-line', 'aria-hidden': 'true' }));
  byId('detail-body').replaceChildren(activityFacts(activity, displayName(activity.provider)), laps);
  if (!dialog.open) dialog.showModal();
  const path = `/activities/${encodeURIComponent(activity.provider)}/${encodeURIComponent(activity.id)}/laps`;
  try {
    const answer = await api.call<{ laps: LapEntry[] }>(path);
    laps.replaceChildren(answer.laps.length ? lapsTable(answer.laps) : el('p', { class: 'hint' }, 'No splits recorded for this activity.'));
  } catch (error) {
    const unsupported = error instanceof ApiError && error.code === 'unsupported_feature';
    laps.replaceChildren(
      unsupported
        ? el('p', { class: 'hint' }, `${displayName(activity.provider)} does not record splits.`)
        : failureBox(`Splits could not be loaded: ${failure(error)}`, () => void openActivity(activity)),
    );
  }
}

// ---- sleep and recovery ----

/** Connected providers that have this kind of data, demo data only when it is shown. */
function sourcesFor(capability: string): ProviderEntry[] {
  return providers.filter((p) => p.status === 'connected' && p.capabilities.includes(capability) && visibleProvider(p.name));
}

function pickSource(panel: HTMLElement, capability: string, load: (provider: ProviderEntry) => Promise<void>): void {
  const sources = sourcesFor(capability);
  const box = panel.querySelector<HTMLElement>('.view-body')!;
  const picker = panel.querySelector<HTMLElement>('.source-pick')!;
  if (sources.length === 0) {
    picker.replaceChildren();
    box.replaceChildren(el('p', { class: 'hint' }, 'Connect a provider that records this (Garmin, Fitbit, WHOOP...) to see it here.'));
    return;
  }
  const select = el('select', { 'aria-label': 'Source' }, ...sources.map((p) => el('option', { value: p.name }, p.display_name)));
  const previous = picker.querySelector('select')?.value;
  if (previous && sources.some((p) => p.name === previous)) select.value = previous;
  select.addEventListener('change', () => void guarded(box, () => load(sources.find((p) => p.name === select.value)!)));
  picker.replaceChildren(el('label', {}, 'Source ', select));
  void guarded(box, () => load(sources.find((p) => p.name === select.value)!));
}

/** Runs a view's load with a skeleton meanwhile and a retry on failure. */
async function guarded(box: HTMLElement, load: () => Promise<void>): Promise<void> {
  box.setAttribute('aria-busy', 'true');
  box.replaceChildren(el('div', { class: 'skeleton chart-skeleton', 'aria-hidden': 'true' }));
  try {
    await load();
  } catch (error) {
    box.replaceChildren(failureBox(`This could not be loaded: ${failure(error)}`, () => void guarded(box, load)));
  } finally {
    box.setAttribute('aria-busy', 'false');
  }
}

const nightOf = (session: SleepSession): NightStages => {
  const t = session.stage_totals;
  const split = t && (t.deep_seconds || t.light_seconds || t.rem_seconds);
  return {
    date: session.end_date.slice(0, 10),
    stages: split
      ? { deep: t.deep_seconds ?? 0, light: t.light_seconds ?? 0, rem: t.rem_seconds ?? 0, awake: t.awake_seconds ?? 0 }
      : { asleep: session.time_asleep_seconds ?? 0, awake: t?.awake_seconds ?? 0 },
  };
};

async function loadSleep(provider: ProviderEntry): Promise<void> {
  const { from, to } = range();
  const answer = await api.call<{ sleep_sessions: SleepSession[] }>(`/sleep?provider=${encodeURIComponent(provider.name)}&start=${from}&end=${to}`);
  const nights = answer.sleep_sessions.filter((s) => !s.is_nap).sort((a, b) => a.end_date.localeCompare(b.end_date));
  const box = byId('view-sleep').querySelector<HTMLElement>('.view-body')!;
  if (nights.length === 0) {
    box.replaceChildren(el('p', { class: 'hint' }, `No nights recorded by ${provider.display_name} in this range.`));
    return;
  }
  const asleep = nights.map((n) => n.time_asleep_seconds ?? 0);
  const efficiency = nights.map((n) => n.efficiency_percentage).filter((v): v is number => typeof v === 'number');
  const average = asleep.reduce((a, b) => a + b, 0) / nights.length;
  box.replaceChildren(
    el(
      'p',
      { class: 'summary' },
      el('span', { class: 'value' }, `${nights.length} nights`),
      el('span', { class: 'value' }, `${formatDuration(average)} asleep on average`),
      ...(efficiency.length
        ? [el('span', { class: 'value' }, `efficiency ${formatValue(efficiency.reduce((a, b) => a + b, 0) / efficiency.length, '%')}`)]
        : []),
    ),
    el('div', { class: 'chart-box' }, sleepChart(nights.map(nightOf))),
  );
}

const series = (days: readonly RecoveryDay[], field: keyof RecoveryDay): DayValue[] =>
  days.flatMap((d) => (typeof d[field] === 'number' ? [{ date: d.date, value: d[field] as number }] : []));

async function loadRecovery(provider: ProviderEntry): Promise<void> {
  const { from, to } = range();
  const answer = await api.call<{ recovery: RecoveryDay[] }>(`/recovery?provider=${encodeURIComponent(provider.name)}&start=${from}&end=${to}`);
  const days = [...answer.recovery].sort((a, b) => a.date.localeCompare(b.date));
  const charts = [
    ['recovery-score', series(days, 'recovery_score'), 'Recovery score per day', '%'],
    ['resting-hr', series(days, 'resting_heart_rate'), 'Resting heart rate per day', 'bpm'],
    ['hrv', series(days, 'hrv_rmssd_ms'), 'Heart rate variability (RMSSD) per day', 'ms'],
  ] as const;
  const box = byId('view-recovery').querySelector<HTMLElement>('.view-body')!;
  const shownCharts = charts.filter(([, points]) => points.length > 0);
  if (shownCharts.length === 0) {
    box.replaceChildren(el('p', { class: 'hint' }, `No recovery data from ${provider.display_name} in this range.`));
    return;
  }
  box.replaceChildren(
    el(
      'div',
      { class: 'chart-grid' },
      ...shownCharts.map(([id, points, title, unit]) => el('figure', { class: 'chart-box' }, el('figcaption', {}, title), lineChart(id, points, title, unit))),
    ),
  );
}

function loadView(): void {
  if (view === 'sleep') pickSource(byId('view-sleep'), 'sleep_tracking', loadSleep);
  if (view === 'recovery') pickSource(byId('view-recovery'), 'recovery_metrics', loadRecovery);
}

function selectView(next: View, focus = false): void {
  view = next;
  for (const name of VIEWS) {
    const tab = byId(`tab-${name}`);
    tab.setAttribute('aria-selected', String(name === next));
    tab.tabIndex = name === next ? 0 : -1;
    byId(`view-${name}`).hidden = name !== next;
  }
  if (focus) byId(`tab-${next}`).focus();
  loadView();
}

// ---- actions ----

async function reloadAll(focusName?: string): Promise<void> {
  await loadProviders(focusName);
  await loadActivities().catch(() => undefined);
  loadView();
}

async function act(provider: ProviderEntry, action: 'connect' | 'disconnect'): Promise<void> {
  try {
    if (action === 'disconnect') {
      await api.call(`/connections/${encodeURIComponent(provider.name)}`, { method: 'DELETE' });
      await reloadAll(provider.name);
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
    await reloadAll(provider.name);
    say(`${provider.display_name} is connected.`);
  } catch (error) {
    say(failure(error), 'error');
  }
}

function wireControls(): void {
  document.querySelectorAll<HTMLInputElement>('input[name="metric"]').forEach((input) => {
    input.addEventListener('change', () => {
      metric = input.value as Metric;
      renderChart();
    });
  });
  const { from, to } = range();
  rangeInput('from').value = from;
  rangeInput('to').value = to;
  for (const which of ['from', 'to'] as const) {
    rangeInput(which).addEventListener('change', () => {
      void loadActivities().catch(() => undefined);
      loadView();
    });
  }
  byId<HTMLInputElement>('demo-toggle').addEventListener('change', (event) => {
    showDemo = (event.target as HTMLInputElement).checked;
    shown = PAGE;
    renderActivities();
    loadView();
  });
  byId('more').addEventListener('click', () => void showMore());
  byId('detail-close').addEventListener('click', () => byId<HTMLDialogElement>('detail').close());
  VIEWS.forEach((name, i) => {
    const tab = byId(`tab-${name}`);
    tab.addEventListener('click', () => selectView(name));
    tab.addEventListener('keydown', (event) => {
      const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
      if (step) selectView(VIEWS[(i + step + VIEWS.length) % VIEWS.length]!, true);
    });
  });
}

async function start(): Promise<void> {
  const outcome = readOutcome(location.search);
  if (outcome) history.replaceState(history.state, '', `${location.pathname}${location.hash}`);
  wireControls();
  await boot(outcome);
}

async function boot(outcome: ReturnType<typeof readOutcome>): Promise<void> {
  byId('providers').replaceChildren(...skeletons(4, 'provider'));
  byId('activities').replaceChildren(...skeletons(4, 'activity'));
  if (!tokens.canWait) say('Waiting for your application to sign you in (see docs/connections-page.md: Identity).');
  try {
    await loadProviders();
  } catch (error) {
    byId('providers').replaceChildren();
    byId('providers-failed').replaceChildren(
      failureBox(`Providers could not be loaded: ${failure(error)}`, () => {
        byId('providers-failed').replaceChildren();
        say('');
        void boot(outcome);
      }),
    );
    say(failure(error), 'error');
    document.body.dataset['ready'] = 'true';
    return;
  }
  // The outcome is said once the page shows the state it describes.
  const activitiesFailed = await loadActivities().then(
    () => undefined,
    (error: unknown) => error,
  );
  loadView();
  if (outcome) say(outcomeMessage(outcome, displayName(outcome.provider)), outcome.status === 'error' ? 'error' : 'info');
  else if (activitiesFailed) say(failure(activitiesFailed), 'error');
  else if (!tokens.canWait) say('');
  document.body.dataset['ready'] = 'true';
}

void start();
