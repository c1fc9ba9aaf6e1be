import type { TenantApp, TenantAppStore } from '../ports';
import { tenantAppCursor, TenantAppCodec, type StoredTenantApp } from '../tenant-app-codec';
import type { TokenCipher } from '../token-cipher';
import { mapSnapshot, restoreMap, type Snapshottable } from '../snapshot';

const mapKey = (tenantId: string, provider: string) => JSON.stringify([tenantId, provider]);
const cursorOf = (item: { tenantId: string; provider: string }) => tenantAppCursor(item.provider, item.tenantId);

/** In-process TenantAppStore; secrets are sealed exactly as in DynamoDB. */
export class MemoryTenantAppStore implements TenantAppStore, Snapshottable {
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

  async page(after: string | undefined, limit: number): Promise<{ apps: TenantApp[]; next: string | undefined }> {
    const sorted = [...this.#items.values()]
      .filter((item) => after === undefined || cursorOf(item) > after)
      .sort((a, b) => (cursorOf(a) < cursorOf(b) ? -1 : 1));
    const page = sorted.slice(0, limit);
    const apps = page.flatMap((item) => this.#codec.tryDecode(item) ?? []);
    return { apps, next: sorted.length > limit ? cursorOf(page[page.length - 1]!) : undefined };
  }

  async listForTenant(tenantId: string): Promise<TenantApp[]> {
    return [...this.#items.values()].filter((item) => item.tenantId === tenantId).map((item) => this.#codec.decode(item));
  }

  snapshot(): unknown {
    return mapSnapshot(this.#items);
  }

  restore(data: unknown): void {
    restoreMap(this.#items, data);
  }
}
