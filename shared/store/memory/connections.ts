import { ConnectionCodec, type StoredConnection } from '../connection-codec';
import type { Connection, ConnectionKey, ConnectionStore } from '../ports';
import type { TokenCipher } from '../token-cipher';

const mapKey = (key: ConnectionKey) => JSON.stringify([key.tenantId, key.userId, key.provider]);

/** In-process ConnectionStore; tokens are sealed exactly as in DynamoDB. */
export class MemoryConnectionStore implements ConnectionStore {
  readonly #codec: ConnectionCodec;
  readonly #items = new Map<string, StoredConnection>();

  constructor(cipher: TokenCipher) {
    this.#codec = new ConnectionCodec(cipher);
  }

  async get(key: ConnectionKey): Promise<Connection | undefined> {
    const stored = this.#items.get(mapKey(key));
    return stored && this.#codec.decode(stored);
  }

  async put(connection: Connection): Promise<void> {
    this.#items.set(mapKey(connection), this.#codec.encode(connection));
  }

  async delete(key: ConnectionKey): Promise<void> {
    this.#items.delete(mapKey(key));
  }

  async listForUser(tenantId: string, userId: string): Promise<Connection[]> {
    return this.#decodeWhere((c) => c.tenantId === tenantId && c.userId === userId);
  }

  async findByProviderUserId(provider: string, providerUserId: string): Promise<Connection[]> {
    return this.#decodeWhere((c) => c.provider === provider && c.providerUserId === providerUserId);
  }

  #decodeWhere(match: (stored: StoredConnection) => boolean): Connection[] {
    return [...this.#items.values()]
      .filter(match)
      .sort((a, b) => compare(mapKey(a), mapKey(b)))
      .map((stored) => this.#codec.decode(stored));
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
