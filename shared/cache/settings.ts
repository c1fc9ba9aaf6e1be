/** Cache TTLs and the stale grace period, from `PIERRE_CACHE_*` configuration. */
import * as z from '../zod';
import { ConfigError, type RawConfig } from '../config';
import { RESOURCES } from '../resources';
import { CACHE_RESOURCES, type CacheResource } from './keys';

const HOUR = 3_600;

/** The TTLs of the resource table (the seed's: profile 24 h, list 15 min, activity 1 h, stats 6 h). */
export const DEFAULT_TTL_SECS = Object.fromEntries(RESOURCES.map((r) => [r.cache.resource, r.cache.ttlSecs])) as Readonly<Record<CacheResource, number>>;
const DEFAULT_STALE_SECS = 24 * HOUR;

export interface CacheSettings {
  ttlSecs: Readonly<Record<CacheResource, number>>;
  /** How long an expired entry stays readable for serving when the provider fails. */
  staleSecs: number;
}

const ttlVariable = (resource: CacheResource) => `PIERRE_CACHE_TTL_${resource.toUpperCase()}_SECS`;
const STALE_VARIABLE = 'PIERRE_CACHE_STALE_SECS';

const seconds = z.pipe(
  z.pipe(z.string().check(z.regex(/^\d+$/, 'must be a whole number of seconds')), z.transform(Number)),
  z.number().check(z.int(), z.gte(0), z.lte(30 * 24 * HOUR, 'must be at most 30 days')),
);

function read(raw: RawConfig, name: string, fallback: number): number {
  const value = raw[name];
  if (value === undefined) return fallback;
  const parsed = seconds.safeParse(value.trim());
  if (!parsed.success) throw new ConfigError(`${name}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

export function cacheSettings(raw: RawConfig): CacheSettings {
  const ttlSecs = Object.fromEntries(CACHE_RESOURCES.map((resource) => [resource, read(raw, ttlVariable(resource), DEFAULT_TTL_SECS[resource])])) as Record<
    CacheResource,
    number
  >;
  return { ttlSecs, staleSecs: read(raw, STALE_VARIABLE, DEFAULT_STALE_SECS) };
}
