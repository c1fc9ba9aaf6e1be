/**
 * What `npm start` keeps across restarts, in one git-ignored folder (`.pierre/` by default):
 * `state.json` with the in-memory adapters' state (connection tokens stay sealed by the token
 * cipher) and one file per development secret, all readable by the owner only. Writes are
 * debounced and atomic (temp file, then rename), and flushed on close. Never used on Lambda.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Snapshottable, StorePersistence } from '../shared/store/snapshot';

const STATE_FILE = 'state.json';
const SAVE_DELAY_MS = 200;

/** Writes `text` to `path` so that a reader sees the old file or the new one, never half of one. */
function writeAtomically(path: string, text: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode: 0o600 });
  renameSync(temp, path);
}

function readJson(path: string): Record<string, unknown> {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export class StateDir implements StorePersistence {
  readonly #kept = new Map<string, Snapshottable>();
  readonly #loaded: Record<string, unknown>;
  #timer: NodeJS.Timeout | undefined;
  #lastWritten: string | undefined;

  /** Opens (creating it when missing) the folder; `fresh` empties it first. */
  constructor(
    readonly dir: string,
    options: { fresh?: boolean } = {},
  ) {
    if (options.fresh) rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.#loaded = readJson(join(dir, STATE_FILE));
  }

  keep<T extends Snapshottable>(name: string, store: T): T {
    if (name in this.#loaded) store.restore(this.#loaded[name]);
    this.#kept.set(name, store);
    const schedule = () => this.#schedule();
    // Every method call may change the state: save (debounced) once it has run.
    return new Proxy(store, {
      get(target, property) {
        const value = Reflect.get(target, property, target) as unknown;
        if (typeof value !== 'function' || property === 'snapshot' || property === 'restore') return value;
        return (...args: unknown[]) => {
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (result instanceof Promise) void result.finally(schedule).catch(() => undefined);
          else schedule();
          return result;
        };
      },
    });
  }

  secret(name: string, make: () => string): string {
    const path = join(this.dir, name);
    try {
      const held = readFileSync(path, 'utf8').trim();
      if (held) return held;
    } catch {
      // Not made yet.
    }
    const made = make();
    writeAtomically(path, made);
    chmodSync(path, 0o600);
    return made;
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => this.flush(), SAVE_DELAY_MS);
    this.#timer.unref();
  }

  /** Writes the kept state now (skipped when nothing changed since the last write). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const state: Record<string, unknown> = { ...this.#loaded };
    for (const [name, store] of this.#kept) state[name] = store.snapshot();
    const text = JSON.stringify(state);
    if (text === this.#lastWritten) return;
    writeAtomically(join(this.dir, STATE_FILE), text);
    this.#lastWritten = text;
  }
}
