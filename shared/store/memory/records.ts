import { mergeCoverage } from '../coverage';
import {
  RECORD_RESOURCES,
  type CoveredRange,
  type NormalizedRecord,
  type RecordPutOutcome,
  type RecordQuery,
  type RecordScope,
  type RecordStore,
} from '../ports';
import { packRecordValue, recordIdKey, recordInstant } from '../record-keys';

interface Stored {
  at: string;
  version: number;
  /** JSON text, so reads return copies shaped as from DynamoDB. */
  json: string;
}

interface Partition {
  records: Map<string, Stored>;
  coverage: CoveredRange[];
}

const partitionOf = (scope: RecordScope) => JSON.stringify([scope.tenantId, scope.userId, scope.provider, scope.resource]);
const toRecord = (id: string, stored: Stored): NormalizedRecord => ({ id, at: stored.at, version: stored.version, value: JSON.parse(stored.json) });

/** RecordStore in process memory (local runs, unit tests), with the DynamoDB adapter's semantics. */
export class MemoryRecordStore implements RecordStore {
  readonly #partitions = new Map<string, Partition>();

  #partition(scope: RecordScope): Partition {
    const key = partitionOf(scope);
    let partition = this.#partitions.get(key);
    if (!partition) this.#partitions.set(key, (partition = { records: new Map(), coverage: [] }));
    return partition;
  }

  async put(scope: RecordScope, records: readonly NormalizedRecord[]): Promise<{ id: string; outcome: RecordPutOutcome }[]> {
    const { records: stored } = this.#partition(scope);
    return records.map((record) => {
      const previous = stored.get(record.id);
      if (previous && previous.version >= record.version) return { id: record.id, outcome: 'unchanged' };
      if (!packRecordValue(record.value)) return { id: record.id, outcome: 'too_large' };
      const json = JSON.stringify(record.value);
      stored.set(record.id, { at: recordInstant(record.at), version: record.version, json });
      return { id: record.id, outcome: previous ? 'updated' : 'created' };
    });
  }

  async delete(scope: RecordScope, ids: readonly string[]): Promise<string[]> {
    const stored = this.#partitions.get(partitionOf(scope))?.records;
    return [...new Set(ids)].filter((id) => stored?.delete(id));
  }

  async get(scope: RecordScope, id: string): Promise<NormalizedRecord | undefined> {
    const stored = this.#partitions.get(partitionOf(scope))?.records.get(id);
    return stored && toRecord(id, stored);
  }

  async query(scope: RecordScope, query: RecordQuery): Promise<NormalizedRecord[]> {
    const stored = this.#partitions.get(partitionOf(scope))?.records ?? new Map<string, Stored>();
    const from = query.from === undefined ? undefined : recordInstant(query.from);
    const to = query.to === undefined ? undefined : recordInstant(query.to);
    const found = [...stored.entries()]
      .filter(([, s]) => (from === undefined || s.at >= from) && (to === undefined || s.at < to))
      // The DynamoDB sort key's order: instant, then id.
      .sort(([idA, a], [idB, b]) => a.at.localeCompare(b.at) || recordIdKey(idA).localeCompare(recordIdKey(idB)))
      .map(([id, s]) => toRecord(id, s));
    if (query.order === 'newest_first') found.reverse();
    return query.limit === undefined ? found : found.slice(0, query.limit);
  }

  async coverage(scope: RecordScope): Promise<CoveredRange[]> {
    return structuredClone(this.#partitions.get(partitionOf(scope))?.coverage ?? []);
  }

  async addCoverage(scope: RecordScope, range: CoveredRange): Promise<CoveredRange[]> {
    const partition = this.#partition(scope);
    partition.coverage = mergeCoverage([...partition.coverage, range]);
    return structuredClone(partition.coverage);
  }

  async deleteAll(scope: Omit<RecordScope, 'resource'>): Promise<number> {
    let count = 0;
    for (const resource of RECORD_RESOURCES) {
      const key = partitionOf({ ...scope, resource });
      count += this.#partitions.get(key)?.records.size ?? 0;
      this.#partitions.delete(key);
    }
    return count;
  }
}
