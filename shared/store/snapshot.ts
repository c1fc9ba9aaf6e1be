/**
 * What a local run keeps across restarts: in-memory adapters can hand out their state as plain
 * JSON data and take it back. The file that holds it (local/state-dir.ts) is a local-run concern;
 * the composition root never asks for it on Lambda.
 */

/** An in-memory adapter whose whole state is plain JSON data. */
export interface Snapshottable {
  snapshot(): unknown;
  restore(data: unknown): void;
}

/** Keeps adapters' state and development secrets across restarts of a local run. */
export interface StorePersistence {
  /** Restores `store` from what was kept under `name` and keeps it from now on; returns the store to use. */
  keep<T extends Snapshottable>(name: string, store: T): T;
  /** A secret kept under `name` (made by `make` the first time). */
  secret(name: string, make: () => string): string;
}

/** A Map's entries as JSON data. */
export const mapSnapshot = <V>(map: ReadonlyMap<string, V>): Array<[string, V]> => [...map.entries()];

/** Refills `map` from `mapSnapshot`'s output (anything else leaves it empty). */
export function restoreMap<V>(map: Map<string, V>, data: unknown): void {
  map.clear();
  if (!Array.isArray(data)) return;
  for (const entry of data) {
    if (Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string') map.set(entry[0], entry[1] as V);
  }
}
