import { hashState } from '../encoding';
import { mapSnapshot, restoreMap, type Snapshottable } from '../snapshot';
import { OAuthStateSchema, type ErasureStep, type OAuthState, type OAuthStateStore } from '../ports';

/** In-process OAuthStateStore keyed by the SHA-256 of the state value. */
export class MemoryOAuthStateStore implements OAuthStateStore, Snapshottable {
  readonly #items = new Map<string, Omit<OAuthState, 'state'>>();

  async create(state: OAuthState): Promise<void> {
    const { state: value, ...rest } = OAuthStateSchema.parse(state);
    const key = hashState(value);
    if (this.#items.has(key)) throw new Error('OAuth state already exists');
    this.#items.set(key, rest);
  }

  async consume(state: string, provider: string, nowSecs: number): Promise<OAuthState | undefined> {
    const key = hashState(state);
    // Read and delete with no await in between: atomic on the event loop.
    const stored = this.#items.get(key);
    if (!stored || stored.provider !== provider) return undefined;
    this.#items.delete(key);
    if (stored.expiresAt <= nowSecs) return undefined;
    return { ...stored, state };
  }

  snapshot(): unknown {
    return mapSnapshot(this.#items);
  }

  restore(data: unknown): void {
    restoreMap(this.#items, data);
  }

  async eraseUser(tenantId: string, userId: string): Promise<ErasureStep> {
    let oauth_states = 0;
    for (const [key, stored] of [...this.#items]) {
      if (stored.tenantId !== tenantId || stored.userId !== userId) continue;
      this.#items.delete(key);
      oauth_states++;
    }
    return { deleted: { oauth_states }, done: true };
  }
}
