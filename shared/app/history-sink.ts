/**
 * Where history backfill puts what it reads: the records store, seen through the two things
 * backfill needs of it. The composition root wires it (`Container.history`); until the records
 * store is wired, an in-memory sink keeps the pages (local runs and tests read them back).
 */
import type { Activity, HealthMetrics, RecoveryMetrics, SleepSession } from '../models';
import type { ConnectionKey } from '../store/ports';
import type { Range } from './history';

/** One page of history: records of one resource, read for a time range (epoch ms). */
export type HistoryPage = { range: Range } & (
  | { resource: 'activities'; records: readonly Activity[] }
  | { resource: 'sleep'; records: readonly SleepSession[] }
  | { resource: 'recovery'; records: readonly RecoveryMetrics[] }
  | { resource: 'health_metrics'; records: readonly HealthMetrics[] }
);
export type HistoryResource = HistoryPage['resource'];

export interface HistorySink {
  /** Stores a page's records (a record the store has by its provider id is replaced); answers how many it stored. */
  store(key: ConnectionKey, page: HistoryPage): Promise<number>;
  /** `range` of the provider's data is stored in full: reads within it may be answered from the store. */
  covered(key: ConnectionKey, range: Range): Promise<void>;
}

const identityOf = (page: HistoryPage, record: HistoryPage['records'][number]): string =>
  'id' in record ? String(record.id) : `${page.resource}:${'date' in record ? record.date : JSON.stringify(record)}`;

/** Pages kept in memory, one record per provider id. */
export class MemoryHistorySink implements HistorySink {
  readonly records = new Map<string, Map<string, unknown>>();
  readonly coverage = new Map<string, Range[]>();

  static keyOf(key: ConnectionKey): string {
    return JSON.stringify([key.tenantId, key.userId, key.provider]);
  }

  async store(key: ConnectionKey, page: HistoryPage): Promise<number> {
    const k = MemoryHistorySink.keyOf(key);
    let stored = this.records.get(k);
    if (!stored) this.records.set(k, (stored = new Map()));
    for (const record of page.records) stored.set(`${page.resource}\n${identityOf(page, record)}`, record);
    return page.records.length;
  }

  async covered(key: ConnectionKey, range: Range): Promise<void> {
    const k = MemoryHistorySink.keyOf(key);
    this.coverage.set(k, [...(this.coverage.get(k) ?? []), range]);
  }
}
