/**
 * One injected clock for the app, the simulators and the worker. A sleep gives real I/O in
 * flight a moment (a few ms) to finish, then moves the clock to the sleeper's end unless it is
 * already past it: sleepers waiting together move it once, to the furthest end, not by the sum
 * of their waits.
 */
const REAL_YIELD_MS = 5;

export class FakeClock {
  constructor(public ms: number) {}

  readonly now = (): number => this.ms;

  readonly sleep = async (ms: number): Promise<void> => {
    const until = this.ms + ms;
    await new Promise((resolve) => setTimeout(resolve, Math.min(ms, REAL_YIELD_MS)));
    if (until > this.ms) this.ms = until;
  };
}
