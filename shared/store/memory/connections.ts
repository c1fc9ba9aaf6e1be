import { ConnectionCodec, type StoredConnection, type UnreadableObserver } from '../connection-codec';
import type { Connection, ConnectionKey, ConnectionStore, ErasureStep, StoredConnectionEntry } from '../ports';
import { mapSnapshot, restoreMap, type Snapshottable } from '../snapshot';
import type { TokenCipher } from '../token-cipher';

const mapKey = (key: ConnectionKey) => JSON.stringify([key.tenantId, key.userId, key.provider]);

/** In-process ConnectionStore; tokens are sealed exactly as in DynamoDB. */
export class MemoryConnectionStore implements ConnectionStore, Snapshottable {
  readonly #codec: ConnectionCodec;
  readonly #items = new Map<string, StoredConnection>();

  constructor(cipher: TokenCipher, onUnreadable?: UnreadableObserver) {
    this.#codec = new ConnectionCodec(cipher, onUnreadable);
  }

  async get(key: ConnectionKey): Promise<Connection | undefined> {
    const stored = this.#items.get(mapKey(key));
    return stored && this.#codec.read(stored, key);
  }

  async put(connection: Connection): Promise<void> {
    this.#items.set(mapKey(connection), this.#codec.encode(connection));
  }

  async delete(key: ConnectionKey): Promise<void> {
    this.#items.delete(mapKey(key));
  }

  async eraseUser(tenantId: string, userId: string): Promise<ErasureStep> {
    let connections = 0;
    for (const [key, stored] of [...this.#items]) {
      if (stored.tenantId !== tenantId || stored.userId !== userId) continue;
      this.#items.delete(key);
      connections++;
    }
    return { deleted: { connections }, done: true };
  }

  async listForUser(tenantId: string, userId: string): Promise<Connection[]> {
    return this.#decodeWhere((c) => c.tenantId === tenantId && c.userId === userId);
  }

  async findByProviderUserId(provider: string, providerUserId: string): Promise<Connection[]> {
    return this.#decodeWhere((c) => c.provider === provider && c.providerUserId === providerUserId);
  }

  async *scanAll(): AsyncIterable<StoredConnectionEntry> {
    for (const stored of [...this.#items.values()]) {
      yield { connection: this.#codec.read(stored, stored), sealedWithCurrentKey: this.#codec.sealedWithCurrentKey(stored) };
    }
  }

  async replaceIfUnchanged(connection: Connection, expectedUpdatedAt: string): Promise<boolean> {
    const stored = this.#items.get(mapKey(connection));
    if (!stored || stored.updatedAt !== expectedUpdatedAt) return false;
    this.#items.set(mapKey(connection), this.#codec.encode(connection));
    return true;
  }

  /** Items as stored: tokens stay sealed. */
  snapshot(): unknown {
    return mapSnapshot(this.#items);
  }

  restore(data: unknown): void {
    restoreMap(this.#items, data);
  }

  #decodeWhere(match: (stored: StoredConnection) => boolean): Connection[] {
    return [...this.#items.values()]
      .filter(match)
      .sort((a, b) => compare(mapKey(a), mapKey(b)))
      .map((stored) => this.#codec.read(stored, stored));
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
