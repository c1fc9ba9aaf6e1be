/**
 * Cache keys. A partition holds one user's data at one provider (the seed's
 * `tenant:{t}:user:{u}:provider:{p}`, every part escaped so no value can forge another's
 * partition); inside it, the key names the resource and its query.
 */
import type { WebhookResource } from '../providers/spi';

/** Resources with their own TTL (`PIERRE_CACHE_TTL_<RESOURCE>_SECS`). */
export const CACHE_RESOURCES = [
  'athlete_profile',
  'activity_list',
  'activity',
  'stats',
  'personal_records',
  'sleep',
  'recovery',
  'health_metrics',
] as const;
export type CacheResource = (typeof CACHE_RESOURCES)[number];

/** The activities stats and records are derived from; shares the stats TTL. */
export const RECENT_ACTIVITIES = 'recent_activities';
export type CacheKeyResource = CacheResource | typeof RECENT_ACTIVITIES;

const escape = (part: string): string => encodeURIComponent(part);

export function cachePartition(tenantId: string, userId: string, provider: string): string {
  return `tenant:${escape(tenantId)}:user:${escape(userId)}:provider:${escape(provider)}`;
}

/** `resource` alone, or `resource:` and its escaped query parts (an absent part stays empty). */
export function cacheKey(resource: CacheKeyResource, parts: readonly (string | number | undefined)[] = []): string {
  if (parts.length === 0) return resource;
  return `${resource}:${parts.map((p) => (p === undefined ? '' : escape(String(p)))).join(':')}`;
}

/** Key prefixes of everything a webhook's changed resource may have made stale. */
export function stalePrefixes(changed: readonly WebhookResource[]): string[] {
  const prefixes = new Set<string>();
  for (const resource of changed) {
    switch (resource) {
      case 'athlete':
        prefixes.add('athlete_profile');
        break;
      case 'activities':
        for (const p of ['activity_list', 'activity:', 'stats', 'personal_records', RECENT_ACTIVITIES]) prefixes.add(p);
        break;
      case 'sleep':
        prefixes.add('sleep:');
        break;
      case 'recovery':
        prefixes.add('recovery:');
        break;
      case 'health_metrics':
        prefixes.add('health_metrics:');
        break;
    }
  }
  return [...prefixes];
}
