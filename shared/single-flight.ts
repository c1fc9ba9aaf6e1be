/**
 * Sharing work in one container. Every "one at a time" of the code goes through here:
 * `SingleFlight` for work that concurrent callers share while it runs (cache fills, token
 * refreshes, a webhook keyset fetch), `once` for a value made on first use and kept (a module
 * loaded, a script built), which a failure does not keep.
 */

/** Concurrent callers asking for the same key share one execution; the next call after it ends runs anew. */
export class SingleFlight<T> {
  readonly #inflight = new Map<string, Promise<T>>();

  run(key: string, execute: () => Promise<T>): Promise<T> {
    let pending = this.#inflight.get(key);
    if (!pending) {
      pending = execute().finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, pending);
    }
    return pending;
  }

  /** Whether an execution for `key` is under way. */
  running(key: string): boolean {
    return this.#inflight.has(key);
  }
}

/** `make`'s value, made on the first call and kept; a failed attempt is forgotten, so the next call tries again. */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    if (!value) {
      const attempt = make();
      value = attempt;
      attempt.catch(() => {
        if (value === attempt) value = undefined;
      });
    }
    return value;
  };
}
