/**
 * Cache keys. A partition holds one user's data at one provider (the seed's
 * `tenant:{t}:user:{u}:provider:{p}`, every part escaped so no value can forge another's
 * partition); inside it, the key names the resource and its query.
 */
import type { WebhookResource } from '../providers/spi';
import { RESOURCES, type ResourceRow } from '../resources';

/** Resources with their own TTL (`PIERRE_CACHE_TTL_<RESOURCE>_SECS`): one per row of the resource table. */
export const CACHE_RESOURCES = RESOURCES.map((r) => r.cache.resource);
export type CacheResource = ResourceRow['cache']['resource'];

/** The activities stats and records are derived from; shares the stats TTL. */
export const RECENT_ACTIVITIES = 'recent_activities';
export type CacheKeyResource = CacheResource | typeof RECENT_ACTIVITIES;

export function cachePartition(tenantId: string, userId: string, provider: string): string {
  return `tenant:${encodeURIComponent(tenantId)}:user:${encodeURIComponent(userId)}:provider:${encodeURIComponent(provider)}`;
}

/** `resource` alone, or `resource:` and its escaped query parts (an absent part stays empty). */
export function cacheKey(resource: CacheKeyResource, parts: readonly (string | number | undefined)[] = []): string {
  if (parts.length === 0) return resource;
  return `${resource}:${parts.map((p) => (p === undefined ? '' : encodeURIComponent(String(p)))).join(':')}`;
}

/** Key prefixes of everything a webhook's changed resource may have made stale. */
export function stalePrefixes(changed: readonly WebhookResource[]): string[] {
  const prefixes = new Set<string>();
  for (const resource of RESOURCES) {
    if (!changed.includes(resource.changedBy)) continue;
    // A key without query parts is the resource's name alone; the others go on after a colon.
    prefixes.add(resource.arguments === 'provider' ? resource.cache.resource : `${resource.cache.resource}:`);
  }
  // Stats and records may be derived from these, cached under the stats TTL.
  if (changed.includes('activities')) prefixes.add(RECENT_ACTIVITIES);
  return [...prefixes];
}
