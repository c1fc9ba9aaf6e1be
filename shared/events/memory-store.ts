/** The events stores in process memory: `npm start` without tables, and unit tests. */
import type { ErasureBudget, ErasureStep } from '../store/ports';
import {
  type Attempt,
  type Endpoint,
  type EndpointSecrets,
  type EndpointSecretStore,
  erasedWithUser,
  type EventPage,
  type EventStore,
  type EventType,
  type StoredEvent,
} from './ports';

interface Expiring<T> {
  value: T;
  expiresAtSecs: number;
  onceKey?: string | undefined;
}

const live = <T>(item: Expiring<T> | undefined, nowMs: number): T | undefined => (item && item.expiresAtSecs * 1000 > nowMs ? item.value : undefined);

export class MemoryEventStore implements EventStore {
  readonly #events = new Map<string, Map<string, Expiring<StoredEvent>>>();
  readonly #onceKeys = new Map<string, number>();
  readonly #attempts = new Map<string, Expiring<Attempt>[]>();
  readonly #endpoints = new Map<string, Map<string, Endpoint>>();

  async putEvent(event: StoredEvent, expiresAtSecs: number, onceKey?: string): Promise<boolean> {
    if (onceKey !== undefined) {
      const key = JSON.stringify([event.tenantId, onceKey]);
      const until = this.#onceKeys.get(key);
      if (until !== undefined && until * 1000 > event.createdAtMs) return false;
      this.#onceKeys.set(key, expiresAtSecs);
    }
    let tenant = this.#events.get(event.tenantId);
    if (!tenant) this.#events.set(event.tenantId, (tenant = new Map()));
    tenant.set(event.id, { value: structuredClone(event), expiresAtSecs, onceKey });
    return true;
  }

  async getEvent(tenantId: string, id: string, nowMs: number): Promise<StoredEvent | undefined> {
    return live(this.#events.get(tenantId)?.get(id), nowMs);
  }

  async listEvents(tenantId: string, query: { after?: string | undefined; type?: EventType | undefined; limit: number }, nowMs: number): Promise<EventPage> {
    const ids = [...(this.#events.get(tenantId)?.keys() ?? [])].filter((id) => query.after === undefined || id > query.after).sort();
    // Like a DynamoDB page: `limit` items examined (expired ones included), then filtered.
    const examined = ids.slice(0, query.limit);
    const events = examined
      .map((id) => live(this.#events.get(tenantId)?.get(id), nowMs))
      .filter((e): e is StoredEvent => e !== undefined && (query.type === undefined || e.type === query.type));
    return { events, next: ids.length > examined.length ? examined.at(-1) : undefined };
  }

  async eraseUser(tenantId: string, userId: string, budget: ErasureBudget): Promise<ErasureStep> {
    let events = 0;
    const tenant = this.#events.get(tenantId);
    for (const [id, stored] of [...(tenant?.entries() ?? [])]) {
      if (!erasedWithUser(stored.value, userId)) continue;
      if (budget.exhausted()) return { deleted: { events }, done: false };
      this.#attempts.delete(JSON.stringify([tenantId, id]));
      if (stored.onceKey !== undefined) this.#onceKeys.delete(JSON.stringify([tenantId, stored.onceKey]));
      tenant?.delete(id);
      events++;
    }
    return { deleted: { events }, done: true };
  }

  async putAttempt(tenantId: string, attempt: Attempt, expiresAtSecs: number): Promise<void> {
    const key = JSON.stringify([tenantId, attempt.eventId]);
    const list = this.#attempts.get(key) ?? [];
    list.push({ value: { ...attempt }, expiresAtSecs });
    this.#attempts.set(key, list);
  }

  async listAttempts(tenantId: string, eventId: string, limit: number, nowMs: number): Promise<Attempt[]> {
    const list = this.#attempts.get(JSON.stringify([tenantId, eventId])) ?? [];
    return list
      .map((a) => live(a, nowMs))
      .filter((a): a is Attempt => a !== undefined)
      .sort((a, b) => b.atMs - a.atMs)
      .slice(0, limit);
  }

  async createEndpoint(endpoint: Endpoint, max: number): Promise<boolean> {
    let tenant = this.#endpoints.get(endpoint.tenantId);
    if (!tenant) this.#endpoints.set(endpoint.tenantId, (tenant = new Map()));
    if (tenant.size >= max) return false;
    tenant.set(endpoint.id, { types: undefined, failingSinceMs: undefined, disabledAtMs: undefined, ...endpoint });
    return true;
  }

  async listEndpoints(tenantId: string): Promise<Endpoint[]> {
    return [...(this.#endpoints.get(tenantId)?.values() ?? [])].map((e) => ({ ...e })).sort((a, b) => a.createdAtMs - b.createdAtMs);
  }

  async getEndpoint(tenantId: string, id: string): Promise<Endpoint | undefined> {
    const endpoint = this.#endpoints.get(tenantId)?.get(id);
    return endpoint && { ...endpoint };
  }

  async deleteEndpoint(tenantId: string, id: string): Promise<boolean> {
    return this.#endpoints.get(tenantId)?.delete(id) ?? false;
  }

  async recordOutcome(tenantId: string, id: string, delivered: boolean, nowMs: number, disableAfterMs: number): Promise<Endpoint | undefined> {
    const endpoint = this.#endpoints.get(tenantId)?.get(id);
    if (!endpoint) return undefined;
    if (delivered) {
      endpoint.failingSinceMs = undefined;
      endpoint.disabledAtMs = undefined;
    } else {
      endpoint.failingSinceMs ??= nowMs;
      if (endpoint.disabledAtMs === undefined && nowMs - endpoint.failingSinceMs >= disableAfterMs) endpoint.disabledAtMs = nowMs;
    }
    return { ...endpoint };
  }
}

export class MemoryEndpointSecretStore implements EndpointSecretStore {
  readonly #secrets = new Map<string, EndpointSecrets>();

  async put(tenantId: string, endpointId: string, secret: string): Promise<void> {
    this.#secrets.set(JSON.stringify([tenantId, endpointId]), { current: secret });
  }

  async rotate(tenantId: string, endpointId: string, secret: string, previousUntilMs: number): Promise<void> {
    const key = JSON.stringify([tenantId, endpointId]);
    const stored = this.#secrets.get(key);
    if (!stored) return;
    this.#secrets.set(key, { current: secret, previous: stored.current, previousUntilMs });
  }

  async delete(tenantId: string, endpointId: string): Promise<void> {
    this.#secrets.delete(JSON.stringify([tenantId, endpointId]));
  }

  async read(tenantId: string, endpointId: string): Promise<EndpointSecrets | undefined> {
    const stored = this.#secrets.get(JSON.stringify([tenantId, endpointId]));
    return stored && { ...stored };
  }
}
