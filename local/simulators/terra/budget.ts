/**
 * Terra's read budget (docs "Rate Limits"), per Terra user: one request may span at most
 * 1,825 days (rule r1) and the days requested add up to at most 6,000 per one-hour bucket
 * (rule r2). The bucket starts with a user's first request and resets an hour later.
 * It extends the kit's WindowLimiter so `POST /_sim/rate-limits {"hourly_days": n}` lowers it.
 */
import { WindowLimiter, type WindowUsage } from '../kit';

export const BUCKET = 'hourly_days';
const BUCKET_SECS = 3_600;
const DAYS_PER_HOUR = 6_000;
const MAX_DAYS_PER_REQUEST = 1_825;

interface Bucket {
  startedAt: number;
  used: number;
}

export type Charge = { allowed: true; usage: WindowUsage } | { allowed: false; rule: 'r1' | 'r2'; usage: WindowUsage };

export class DayBudget extends WindowLimiter {
  private limitDays = DAYS_PER_HOUR;
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly clock: () => number) {
    super([{ name: BUCKET, limit: DAYS_PER_HOUR, sizeSecs: BUCKET_SECS }], clock);
  }

  override setLimits(limits: Record<string, number>): void {
    super.setLimits(limits);
    const days = limits[BUCKET];
    if (days !== undefined) this.limitDays = days;
  }

  override reset(): void {
    super.reset();
    this.buckets.clear();
  }

  private nowSecs(): number {
    return Math.floor(this.clock() / 1000);
  }

  private bucket(key: string): Bucket | undefined {
    const bucket = this.buckets.get(key);
    if (bucket && bucket.startedAt + BUCKET_SECS <= this.nowSecs()) {
      this.buckets.delete(key);
      return undefined;
    }
    return bucket;
  }

  usageOf(key: string): WindowUsage {
    const bucket = this.bucket(key);
    return {
      name: BUCKET,
      limit: this.limitDays,
      used: bucket?.used ?? 0,
      resetsAt: (bucket?.startedAt ?? this.nowSecs()) + BUCKET_SECS,
    };
  }

  /** Counts `days` for `key` unless that would go over a rule (a refused request costs nothing). */
  charge(key: string, days: number): Charge {
    if (days > MAX_DAYS_PER_REQUEST) return { allowed: false, rule: 'r1', usage: this.usageOf(key) };
    const bucket = this.bucket(key) ?? { startedAt: this.nowSecs(), used: 0 };
    if (bucket.used + days > this.limitDays) return { allowed: false, rule: 'r2', usage: this.usageOf(key) };
    bucket.used += days;
    this.buckets.set(key, bucket);
    return { allowed: true, usage: this.usageOf(key) };
  }
}
