/**
 * Fixed rate-limit windows aligned to clock boundaries, as providers count them (Strava's
 * quarter hours and UTC day, Fitbit's clock hour, WHOOP's minute and day).
 */
interface WindowSpec {
  name: string;
  limit: number;
  sizeSecs: number;
}

export interface WindowUsage {
  name: string;
  limit: number;
  used: number;
  /** Epoch seconds when this window resets. */
  resetsAt: number;
}

interface HitResult {
  allowed: boolean;
  usage: WindowUsage[];
}

export class WindowLimiter {
  private readonly counts = new Map<string, number>();

  constructor(
    private specs: WindowSpec[],
    private readonly now: () => number,
  ) {}

  setLimits(limits: Record<string, number>): void {
    this.specs = this.specs.map((s) => (limits[s.name] !== undefined ? { ...s, limit: limits[s.name]! } : s));
  }

  reset(): void {
    this.counts.clear();
  }

  private usage(key: string): WindowUsage[] {
    const nowSecs = Math.floor(this.now() / 1000);
    return this.specs.map((spec) => {
      const start = nowSecs - (nowSecs % spec.sizeSecs);
      return {
        name: spec.name,
        limit: spec.limit,
        used: this.counts.get(`${key}|${spec.name}|${start}`) ?? 0,
        resetsAt: start + spec.sizeSecs,
      };
    });
  }

  /** Counts one request for `key` (an app or a user) unless a window is already full. */
  hit(key: string): HitResult {
    const before = this.usage(key);
    if (before.some((w) => w.used >= w.limit)) return { allowed: false, usage: before };
    for (const w of before) {
      const start = w.resetsAt - this.specs.find((s) => s.name === w.name)!.sizeSecs;
      this.counts.set(`${key}|${w.name}|${start}`, w.used + 1);
    }
    return { allowed: true, usage: this.usage(key) };
  }
}
