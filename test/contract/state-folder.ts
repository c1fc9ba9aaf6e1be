/**
 * The file-backed stores of a local run (`npm start`): a memory adapter kept in a state folder.
 * Between operations (whenever none is in flight) the store is written to disk and read back
 * into a new instance, as a restart would, so every contract step crosses the file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { StateDir } from '../../local/state-dir';
import type { Snapshottable } from '../../shared/store/snapshot';

export function keptInFolder<T extends Snapshottable>(make: () => T): () => T {
  const dir = mkdtempSync(join(tmpdir(), 'pierre-contract-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let counter = 0;
  return () => {
    const name = `store-${++counter}`;
    let folder = new StateDir(dir);
    let current = folder.keep(name, make());
    let inFlight = 0;
    const reopened = () => {
      folder.flush();
      folder = new StateDir(dir);
      current = folder.keep(name, make());
      return current;
    };
    return new Proxy({} as T, {
      get(_target, property) {
        const value = Reflect.get(current, property) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const store = inFlight === 0 ? reopened() : current;
          const result = (Reflect.get(store, property) as (...a: unknown[]) => unknown).apply(store, args);
          if (!(result instanceof Promise)) return result;
          inFlight += 1;
          return result.finally(() => (inFlight -= 1));
        };
      },
    });
  };
}
