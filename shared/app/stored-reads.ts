/**
 * Reads answered from the records store (docs/records.md): a read of activities, sleep,
 * recovery or health metrics whose range the store holds completely (coverage) is answered from
 * it with one coverage read and one Query, with the answers, order, cursors and limits of the
 * provider's own read, and `X-Source: store`. Anything else goes to the provider (through the
 * cache) as before. `?cache=bypass|refresh` asks the provider.
 */
import { currentCacheRequest } from '../cache/policy';
import type { Activity } from '../models';
import type { ActivityQuery, DateRange } from '../providers/spi';
import type { ResourceRow } from '../resources';
import { covers, rangeEndingAt } from '../store/coverage';
import type { RecordResource, RecordScope } from '../store/ports';
import type { Container } from './container';
import type { Identity } from './identity';

const DAY_MS = 86_400_000;

/** The store's resource behind a row of the resource table, if it keeps one. */
const STORED: Partial<Record<ResourceRow['name'], RecordResource>> = {
  activities: 'activities',
  activity: 'activities',
  sleep: 'sleep',
  recovery: 'recovery',
  health_metrics: 'health_metrics',
};

const dayStart = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
const iso = (ms: number) => new Date(ms).toISOString();

/** Newest activities of a page, when the store holds every activity the page could contain. */
async function storedPage(container: Container, scope: RecordScope, query: ActivityQuery): Promise<Activity[] | undefined> {
  const nowMs = container.deps.now();
  const toMs = query.before?.getTime() ?? nowMs;
  const range = rangeEndingAt(await container.records.coverage(scope), Math.min(toMs, nowMs));
  if (!range) return undefined;
  const coveredFrom = Date.parse(range.from);
  // `after` excludes its instant; the store's `from` includes it.
  const fromMs = query.after === undefined ? coveredFrom : Math.max(query.after.getTime() + 1, coveredFrom);
  const needed = query.offset + query.limit;
  const records = await container.records.query(scope, { from: iso(fromMs), to: query.before?.toISOString(), order: 'newest_first', limit: needed });
  // Complete when the page is full, or when the wanted range starts inside the covered one.
  const complete = records.length >= needed || (query.after !== undefined && query.after.getTime() + 1 >= coveredFrom);
  return complete ? records.slice(query.offset).map((r) => r.value as Activity) : undefined;
}

/** Every record of the range's whole UTC days (both ends included, as Garmin's pulls read them), oldest first. */
async function storedDays(container: Container, scope: RecordScope, range: DateRange): Promise<unknown[] | undefined> {
  const from = iso(dayStart(range.start.getTime()));
  const to = iso(dayStart(range.end.getTime()) + DAY_MS);
  if (!covers(await container.records.coverage(scope), { from, to }, container.deps.now())) return undefined;
  const values = (await container.records.query(scope, { from, to, order: 'oldest_first' })).map((r) => r.value);
  if (scope.resource !== 'sleep') return values;
  return values.sort((a, b) => String((a as { start_date: string }).start_date).localeCompare(String((b as { start_date: string }).start_date)));
}

/** The read's answer value from the store, or undefined when the store cannot answer it completely. */
export async function storedAnswer(
  container: Container,
  identity: Identity,
  resource: ResourceRow,
  provider: string,
  args: readonly unknown[],
): Promise<unknown> {
  const kind = STORED[resource.name];
  const request = currentCacheRequest();
  if (kind === undefined || (request && request.policy !== 'use')) return undefined;
  const scope: RecordScope = { tenantId: identity.tenantId, userId: identity.userId, provider, resource: kind };
  let value: unknown;
  if (resource.arguments === 'page') value = await storedPage(container, scope, args[0] as ActivityQuery);
  else if (resource.arguments === 'range') value = await storedDays(container, scope, args[0] as DateRange);
  else if (resource.arguments === 'item') value = (await container.records.get(scope, args[0] as string))?.value;
  if (value !== undefined) request?.recordStored();
  return value;
}
