/**
 * Reads answered from the records store (docs/records.md): a read of activities, sleep,
 * recovery or health metrics whose range the store holds completely (coverage) is answered from
 * it with one coverage read and one Query, with the answers, order, cursors and limits of the
 * provider's own read, and `X-Source: store`. Anything else goes to the provider (through the
 * cache) as before. `?cache=bypass|refresh` asks the provider.
 */
import { prefetchRead } from '../cache/caching-provider';
import { currentCacheRequest } from '../cache/policy';
import type { Activity } from '../models';
import type { ActivityQuery, DateRange } from '../providers/spi';
import type { ResourceRow } from '../resources';
import { covers, rangeEndingAt } from '../store/coverage';
import type { CoveredRange, NormalizedRecord, RecordResource, RecordScope } from '../store/ports';
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

/** What the store knows before it is queried: the coverage (ranges), or the record itself (one item). */
type Lookup = { coverage: Promise<CoveredRange[]> } | { item: Promise<NormalizedRecord | undefined> };

/** Newest activities of a page, when the store holds every activity the page could contain. */
async function storedPage(container: Container, scope: RecordScope, coverage: CoveredRange[], query: ActivityQuery): Promise<Activity[] | undefined> {
  const nowMs = container.deps.now();
  const toMs = query.before?.getTime() ?? nowMs;
  const range = rangeEndingAt(coverage, Math.min(toMs, nowMs));
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
async function storedDays(container: Container, scope: RecordScope, coverage: CoveredRange[], range: DateRange): Promise<unknown[] | undefined> {
  const from = iso(dayStart(range.start.getTime()));
  const to = iso(dayStart(range.end.getTime()) + DAY_MS);
  if (!covers(coverage, { from, to }, container.deps.now())) return undefined;
  const values = (await container.records.query(scope, { from, to, order: 'oldest_first' })).map((r) => r.value);
  if (scope.resource !== 'sleep') return values;
  return values.sort((a, b) => String((a as { start_date: string }).start_date).localeCompare(String((b as { start_date: string }).start_date)));
}

/**
 * A read the store may answer: its first store read (the coverage, or the item) starts now, and
 * the cached answer is read alongside it, so a read the store cannot answer still waits one
 * round trip before the cache path. Undefined for resources the store does not keep, and under
 * `?cache=bypass|refresh` (they ask the provider).
 */
export interface StoredRead {
  answer(): Promise<unknown>;
}

export function startStoredRead(
  container: Container,
  identity: Identity,
  resource: ResourceRow,
  provider: string,
  args: readonly unknown[],
): StoredRead | undefined {
  const kind = STORED[resource.name];
  const request = currentCacheRequest();
  if (kind === undefined || (request && request.policy !== 'use')) return undefined;
  const scope: RecordScope = { tenantId: identity.tenantId, userId: identity.userId, provider, resource: kind };
  const lookup: Lookup =
    resource.arguments === 'item' ? { item: container.records.get(scope, args[0] as string) } : { coverage: container.records.coverage(scope) };
  const pending = 'item' in lookup ? lookup.item : lookup.coverage;
  pending.catch(() => undefined); // its taker sees the failure
  if (container.registry.factory(provider)) prefetchRead(container.provider(provider), identity, resource, args);
  return {
    async answer() {
      let value: unknown;
      if ('item' in lookup) value = (await lookup.item)?.value;
      else if (resource.arguments === 'page') value = await storedPage(container, scope, await lookup.coverage, args[0] as ActivityQuery);
      else if (resource.arguments === 'range') value = await storedDays(container, scope, await lookup.coverage, args[0] as DateRange);
      if (value !== undefined) request?.recordStored();
      return value;
    },
  };
}
