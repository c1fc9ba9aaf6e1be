/** Concurrent callers asking for the same key share one execution. */
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
}
