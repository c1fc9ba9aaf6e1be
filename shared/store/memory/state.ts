import { mapSnapshot, restoreMap, type Snapshottable } from '../snapshot';
import type { StateAddition, StateAddOutcome, StateCondition, StateItem, StateStore, StateWrite } from '../ports';

interface Stored {
  item: StateItem;
  expiresAtSecs?: number | undefined;
}

function holds(item: StateItem | undefined, conditions: readonly StateCondition[] | undefined): boolean {
  if (!conditions || conditions.length === 0) return true;
  return conditions.some((c) => {
    const value = item?.[c.field];
    if (c.op === 'missing') return value === undefined || value === null;
    if (c.op === 'eq') return value === c.value;
    return typeof value === 'number' && value < c.value;
  });
}

/** StateStore in process memory: one container, `npm start` and unit tests. */
export class MemoryStateStore implements StateStore, Snapshottable {
  readonly #items = new Map<string, Stored>();

  // Like DynamoDB, conditions see an expired item as stored; only reads hide it.
  #stored(pk: string, sk: string): Stored | undefined {
    return this.#items.get(key(pk, sk));
  }

  async get(pk: string, sk: string, nowMs: number): Promise<StateItem | undefined> {
    const stored = this.#items.get(key(pk, sk));
    if (!stored || (stored.expiresAtSecs !== undefined && stored.expiresAtSecs * 1000 <= nowMs)) return undefined;
    return { ...stored.item };
  }

  async list(pk: string, nowMs: number): Promise<Map<string, StateItem>> {
    const out = new Map<string, StateItem>();
    for (const [k, stored] of this.#items) {
      const [p, s] = JSON.parse(k) as [string, string];
      if (p !== pk || (stored.expiresAtSecs !== undefined && stored.expiresAtSecs * 1000 <= nowMs)) continue;
      out.set(s, { ...stored.item });
    }
    return out;
  }

  async update(pk: string, sk: string, fields: StateItem, write: StateWrite = {}): Promise<StateItem | undefined> {
    return this.#write(pk, sk, write, (item) => {
      for (const [field, value] of Object.entries(fields)) {
        if (value === null) delete item[field];
        else item[field] = value;
      }
    });
  }

  async add(pk: string, sk: string, field: string, by: number, write: StateWrite = {}): Promise<StateItem | undefined> {
    return this.#write(pk, sk, write, (item) => {
      const current = item[field];
      item[field] = (typeof current === 'number' ? current : 0) + by;
    });
  }

  async addAll(pk: string, sk: string, addition: StateAddition): Promise<StateAddOutcome> {
    const stored = this.#stored(pk, sk);
    if (!(addition.ifAll ?? []).every((group) => holds(stored?.item, group))) {
      return { added: false, item: stored ? { ...stored.item } : undefined };
    }
    const item = { ...(stored?.item ?? {}) };
    const values: Record<string, number> = {};
    for (const [field, by] of Object.entries(addition.add)) {
      const current = item[field];
      item[field] = values[field] = (typeof current === 'number' ? current : 0) + by;
    }
    this.#items.set(key(pk, sk), { item, expiresAtSecs: addition.expiresAtSecs ?? stored?.expiresAtSecs });
    return { added: true, values };
  }

  async delete(pk: string, sk: string, write: Pick<StateWrite, 'ifAny'> = {}): Promise<boolean> {
    const stored = this.#stored(pk, sk);
    if (!holds(stored?.item, write.ifAny)) return false;
    this.#items.delete(key(pk, sk));
    return true;
  }

  snapshot(): unknown {
    return mapSnapshot(this.#items);
  }

  restore(data: unknown): void {
    restoreMap(this.#items, data);
  }

  #write(pk: string, sk: string, write: StateWrite, change: (item: StateItem) => void): StateItem | undefined {
    const stored = this.#stored(pk, sk);
    if (!holds(stored?.item, write.ifAny)) return undefined;
    const item = { ...(stored?.item ?? {}) };
    change(item);
    this.#items.set(key(pk, sk), { item, expiresAtSecs: write.expiresAtSecs ?? stored?.expiresAtSecs });
    return { ...item };
  }
}

const key = (pk: string, sk: string) => JSON.stringify([pk, sk]);
