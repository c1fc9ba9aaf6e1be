/**
 * What history backfill puts into the records store: each page's records in the store's
 * normalized form, and, once a run is done, the range it read as covered for each resource it
 * read, so that reads within it are answered from the store.
 */
import type { Activity, HealthMetrics, RecoveryMetrics, SleepSession } from '../models';
import type { ConnectionKey, NormalizedRecord, RecordResource } from '../store/ports';
import type { Container } from './container';
import type { Range } from './history';

/** One page of history: records of one resource, read for a time range (epoch ms). */
export type HistoryPage = { range: Range } & (
  | { resource: 'activities'; records: readonly Activity[] }
  | { resource: 'sleep'; records: readonly SleepSession[] }
  | { resource: 'recovery'; records: readonly RecoveryMetrics[] }
  | { resource: 'health_metrics'; records: readonly HealthMetrics[] }
);

/** Daily records are keyed by their calendar day, and sit at its UTC midnight. */
const daily = (record: { date: string }, version: number): NormalizedRecord => ({
  id: record.date,
  at: `${record.date}T00:00:00.000Z`,
  version,
  value: record,
});

/** `version`: when it was read; a later read or push of the same record replaces it. */
function normalized(page: HistoryPage, version: number): NormalizedRecord[] {
  switch (page.resource) {
    case 'activities':
      return page.records.map((a) => ({ id: a.id, at: a.start_date, version, value: a }));
    case 'sleep':
      return page.records.map((s) => ({ id: s.id, at: s.start_date, version, value: s }));
    case 'recovery':
      return page.records.map((r) => daily(r, version));
    case 'health_metrics':
      return page.records.map((h) => daily(h, version));
  }
}

/** Stores a page; answers how many of its records are new to the store (a page read again adds none). */
export async function storePage(container: Container, key: ConnectionKey, page: HistoryPage): Promise<number> {
  if (page.records.length === 0) return 0;
  const outcomes = await container.records.put({ ...key, resource: page.resource }, normalized(page, container.deps.now()));
  return outcomes.filter((o) => o.outcome === 'created').length;
}

/** How many records of `resources` the store holds within `range` (a run's count, exact whatever pages were read twice). */
export async function recordsWithin(container: Container, key: ConnectionKey, resources: readonly RecordResource[], range: Range): Promise<number> {
  const within = { from: new Date(range[0]).toISOString(), to: new Date(range[1]).toISOString(), order: 'oldest_first' as const };
  const found = await Promise.all(resources.map((resource) => container.records.query({ ...key, resource }, within)));
  return found.reduce((sum, records) => sum + records.length, 0);
}

/** The run read `range` of each of `resources` in full: reads within it may come from the store. */
export async function markCovered(container: Container, key: ConnectionKey, resources: readonly RecordResource[], range: Range): Promise<void> {
  const covered = { from: new Date(range[0]).toISOString(), to: new Date(range[1]).toISOString() };
  await Promise.all(resources.map((resource) => container.records.addCoverage({ ...key, resource }, covered)));
}
