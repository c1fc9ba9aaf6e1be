import type { TenantApp, TenantAppStore } from '../ports';
import { TenantAppCodec, type StoredTenantApp } from '../tenant-app-codec';
import type { TokenCipher } from '../token-cipher';

const mapKey = (tenantId: string, provider: string) => JSON.stringify([tenantId, provider]);

/** In-process TenantAppStore; secrets are sealed exactly as in DynamoDB. */
export class MemoryTenantAppStore implements TenantAppStore {
  readonly #codec: TenantAppCodec;
  readonly #items = new Map<string, StoredTenantApp>();

  constructor(cipher: TokenCipher) {
    this.#codec = new TenantAppCodec(cipher);
  }

  async get(tenantId: string, provider: string): Promise<TenantApp | undefined> {
    const stored = this.#items.get(mapKey(tenantId, provider));
    return stored && this.#codec.decode(stored);
  }

  async put(app: TenantApp): Promise<void> {
    this.#items.set(mapKey(app.tenantId, app.provider), this.#codec.encode(app));
  }

  async delete(tenantId: string, provider: string): Promise<boolean> {
    return this.#items.delete(mapKey(tenantId, provider));
  }

  async listForTenant(tenantId: string): Promise<TenantApp[]> {
    return [...this.#items.values()].filter((item) => item.tenantId === tenantId).map((item) => this.#codec.decode(item));
  }
}
