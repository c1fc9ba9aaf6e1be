/** Reading a user's data from one provider, in the unified model. */
import { Capability, hasCapability, type CapabilityFlag } from '../providers/capabilities';
import type { ActivityQuery, DateRange, FitnessProvider, ProviderSession } from '../providers/spi';
import type { Container } from './container';
import type { Activity } from '../models';
import { AppError, invalidRequest } from './errors';
import { toErrorAnswer } from './error-answer';
import { mergeActivities } from './merge';
import type { Identity } from './identity';
import { resolveProviderName } from './provider-name';
import { withSession } from './sessions';
import { prefetchActivities } from '../cache/caching-provider';

async function read<T>(
  container: Container,
  identity: Identity,
  requested: string | undefined,
  needs: { capability: CapabilityFlag; feature: string } | undefined,
  call: (provider: FitnessProvider, session: ProviderSession) => Promise<T>,
): Promise<{ provider: string; value: T }> {
  const name = resolveProviderName(container, requested);
  if (needs && !hasCapability(container.provider(name).descriptor.capabilities, needs.capability)) {
    throw new AppError(400, 'unsupported_feature', `Provider '${name}' does not support ${needs.feature}`);
  }
  return { provider: name, value: await withSession(container, identity, name, call) };
}

const ACTIVITIES = { capability: Capability.ACTIVITIES, feature: 'activities' };

export async function fetchActivities(
  container: Container,
  identity: Identity,
  provider: string | undefined,
  query: ActivityQuery,
) {
  const r = await read(container, identity, provider, ACTIVITIES, (p, s) => p.getActivities(s, query));
  return { provider: r.provider, activities: r.value };
}

/** The name that asks for every connected provider at once. */
export const ALL_PROVIDERS = 'all';

/**
 * The deepest merged page: every source pages up to `offset + limit` items per request, so the
 * cost of one request is bounded here; older activities are reached with `before`.
 */
const MAX_MERGED_WINDOW = 400;

type SourceStatus = { status: 'ok'; count: number } | { status: 'error'; code: string; message: string };

/** The same public code and message the source would have answered on its own. */
function sourceError(error: unknown): SourceStatus {
  const { code, message } = toErrorAnswer(error);
  return { status: 'error', code, message };
}

/**
 * Activities of every provider the user connected (plus the default provider when it needs no
 * connection, as the synthetic one in demos), merged newest first with cross-provider
 * duplicates collapsed. One failing provider does not fail the answer: `sources` says why.
 */
export async function fetchAllActivities(container: Container, identity: Identity, query: ActivityQuery) {
  if (query.offset + query.limit > MAX_MERGED_WINDOW) {
    throw invalidRequest(
      'offset',
      `with provider=all, offset + limit may be at most ${MAX_MERGED_WINDOW}; for older activities pass before=<start_date of the last activity you have>`,
    );
  }
  // Every source must supply enough for the merged page, since any of them may fill it.
  const window = { ...query, offset: 0, limit: query.offset + query.limit };
  const candidates = container.registry.descriptors().filter((d) => hasCapability(d.capabilities, Capability.ACTIVITIES));
  // The cached pages are read alongside the connections query, so a hit answers in one round trip.
  for (const d of candidates) if (container.registry.factory(d.name)) prefetchActivities(container.provider(d.name), identity, window);
  // Unreadable connections are asked too, so `sources` tells the user to reconnect them.
  const connected = new Map(
    (await container.connections.listForUser(identity.tenantId, identity.userId))
      .filter((c) => c.status === 'connected' || c.status === 'reauthorization_required')
      .map((c) => [c.provider, c]),
  );
  const names = candidates
    .filter((d) => connected.has(d.name) || (d.connection === 'none' && d.name === container.config.defaultProvider))
    .map((d) => d.name);
  const settled = await Promise.allSettled(
    names.map((name) => withSession(container, identity, name, (p, s) => p.getActivities(s, window), connected.get(name))),
  );
  const sources: Record<string, SourceStatus> = {};
  const lists: Activity[][] = [];
  settled.forEach((result, i) => {
    if (result.status === 'fulfilled') {
      sources[names[i]!] = { status: 'ok', count: result.value.length };
      lists.push(result.value);
    } else {
      sources[names[i]!] = sourceError(result.reason);
    }
  });
  const failures = settled.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (names.length > 0 && failures.length === names.length) throw failures[0]!.reason;
  const activities = mergeActivities(lists).slice(query.offset, query.offset + query.limit);
  return { provider: ALL_PROVIDERS, activities, sources };
}

export async function fetchActivity(container: Container, identity: Identity, provider: string, id: string) {
  const r = await read(container, identity, provider, ACTIVITIES, (p, s) => p.getActivity(s, id));
  return { provider: r.provider, activity: r.value };
}

export async function fetchAthlete(container: Container, identity: Identity, provider: string | undefined) {
  const r = await read(container, identity, provider, undefined, (p, s) => p.getAthlete(s));
  return { provider: r.provider, athlete: r.value };
}

export async function fetchStats(container: Container, identity: Identity, provider: string | undefined) {
  const r = await read(container, identity, provider, ACTIVITIES, (p, s) => p.getStats(s));
  return { provider: r.provider, stats: r.value };
}

export async function fetchPersonalRecords(container: Container, identity: Identity, provider: string | undefined) {
  const r = await read(container, identity, provider, ACTIVITIES, (p, s) => p.getPersonalRecords(s));
  return { provider: r.provider, personal_records: r.value };
}

export async function fetchSleep(container: Container, identity: Identity, provider: string | undefined, range: DateRange) {
  const needs = { capability: Capability.SLEEP_TRACKING, feature: 'sleep tracking' };
  const r = await read(container, identity, provider, needs, (p, s) => p.getSleepSessions(s, range));
  return { provider: r.provider, sleep_sessions: r.value };
}

export async function fetchRecovery(container: Container, identity: Identity, provider: string | undefined, range: DateRange) {
  const needs = { capability: Capability.RECOVERY_METRICS, feature: 'recovery metrics' };
  const r = await read(container, identity, provider, needs, (p, s) => p.getRecoveryMetrics(s, range));
  return { provider: r.provider, recovery: r.value };
}

export async function fetchHealthMetrics(
  container: Container,
  identity: Identity,
  provider: string | undefined,
  range: DateRange,
) {
  const needs = { capability: Capability.HEALTH_METRICS, feature: 'health metrics' };
  const r = await read(container, identity, provider, needs, (p, s) => p.getHealthMetrics(s, range));
  return { provider: r.provider, health_metrics: r.value };
}
