/**
 * Rate-limit usage as a provider reports it in response headers, in one typed shape, so the
 * resilience layer can slow down before a provider starts answering 429.
 */
import * as z from '../zod';
import { RateLimitScopeSchema } from '../models';

const RateLimitWindowSchema = z.object({
  /** e.g. `15min`, `daily`, `hour`, `minute`, `read_15min`. */
  name: z.string().check(z.minLength(1)),
  limit: z.number().check(z.int(), z.nonnegative()),
  remaining: z.number().check(z.int()),
  /** Epoch seconds at which the window resets. */
  resets_at: z.number().check(z.int()),
});
export type RateLimitWindow = z.infer<typeof RateLimitWindowSchema>;

const RateLimitUsageSchema = z.object({
  provider: z.string().check(z.minLength(1)),
  scope: RateLimitScopeSchema,
  windows: z.array(RateLimitWindowSchema).check(z.minLength(1)),
  /** Epoch seconds when the headers were read. */
  observed_at: z.number().check(z.int()),
});
export type RateLimitUsage = z.infer<typeof RateLimitUsageSchema>;

/** The window that runs out first relative to its size, or undefined. */
export function tightestWindow(usage: RateLimitUsage): RateLimitWindow | undefined {
  return [...usage.windows].sort((a, b) => a.remaining / Math.max(a.limit, 1) - b.remaining / Math.max(b.limit, 1))[0];
}

/** Parses an integer header; undefined when absent or not a number. */
export function intHeader(headers: Headers, name: string): number | undefined {
  const value = headers.get(name);
  if (value === null || !/^\s*-?\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Math.floor(Number(value));
}
