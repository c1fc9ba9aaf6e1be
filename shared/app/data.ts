/** Reading a user's data from one provider, in the unified model. */
import { hasCapability } from '../providers/capabilities';
import type { ActivityQuery, DateRange, FitnessProvider, ProviderSession } from '../providers/spi';
import { resourceNamed, type ReadArguments, type ResourceRow } from '../resources';
import { callRead } from '../providers/forwarding';
import type { Container } from './container';
import type { Activity, Athlete, RecoveryMetrics, SleepSession } from '../models';
import { aiAccessAllowed, checkAiAccess, servesAi } from './ai-access';
import { AppError, invalidRequest } from './errors';
import { toErrorAnswer } from './error-answer';
import { MERGE_KINDS, mergeRecords, type MergedResource, type MergeKind } from './merge';
import { priorityOrder } from './source-priority';
import type { Identity } from './identity';
import { resolveProviderName } from './provider-name';
import { withSession } from './sessions';
import { startStoredRead } from './stored-reads';

/** One read of the resource table from one provider: `{ provider, <field>: value }`. */
async function readResource(
  container: Container,
  identity: Identity,
  resource: ResourceRow,
  requested: string | undefined,
  args: readonly unknown[],
): Promise<{ provider: string } & Record<string, unknown>> {
  const name = resolveProviderName(container, requested);
  checkAiAccess(container, name);
  const needs = resource.capability;
  if (needs && !hasCapability(container.provider(name).descriptor.capabilities, needs.flag)) {
    throw new AppError(400, 'unsupported_feature', `Provider '${name}' does not support ${needs.feature}`);
  }
  const stored = await startStoredRead(container, identity, resource, name, args)?.answer();
  const value = stored ?? (await withSession(container, identity, name, (p, s) => callRead(p, resource, s, args)));
  return { provider: name, [resource.field]: value };
}

/** Runs a row of the resource table with its JSON arguments (a route's, a tool's or a job's). */
export function fetchResource(container: Container, identity: Identity, resource: ResourceRow, args: ReadArguments): Promise<unknown> {
  const methodArgs = resource.methodArguments(args);
  if (resource.all && args.provider === ALL_PROVIDERS) {
    // The rows marked `all` are the merged ones: a page of activities, or a date range.
    if (resource.name === 'activities') return fetchAllActivities(container, identity, methodArgs[0] as ActivityQuery);
    if (resource.name === 'sleep' || resource.name === 'recovery') return fetchAllInRange(container, identity, resource.name, methodArgs[0] as DateRange);
  }
  return readResource(container, identity, resource, args.provider, methodArgs);
}

export async function fetchActivities(container: Container, identity: Identity, provider: string | undefined, query: ActivityQuery) {
  return (await readResource(container, identity, resourceNamed('activities'), provider, [query])) as { provider: string; activities: Activity[] };
}

export async function fetchAthlete(container: Container, identity: Identity, provider: string | undefined) {
  return (await readResource(container, identity, resourceNamed('athlete'), provider, [])) as { provider: string; athlete: Athlete };
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
 * One read of every provider the user connected that has the resource (plus the default provider
 * when it needs no connection, as the synthetic one in demos; for an AI assistant, only providers
 * allowed to serve one), merged in the caller's source
 * priority with cross-provider duplicates collapsed. One failing provider does not fail the
 * answer: `sources` says why.
 */
async function fetchAll<T extends { provider: string; also_from?: string[] | undefined }>(
  container: Container,
  identity: Identity,
  merged: MergedResource,
  args: readonly unknown[],
  read: (provider: FitnessProvider, session: ProviderSession) => Promise<T[]>,
): Promise<{ records: T[]; sources: Record<string, SourceStatus> }> {
  const resource = resourceNamed(merged);
  const flag = resource.capability?.flag;
  // An AI assistant is served only the providers whose terms allow it (PIERRE_<P>_AI_ACCESS).
  const candidates = container.registry
    .descriptors()
    .filter((d) => (flag === undefined || hasCapability(d.capabilities, flag)) && (!servesAi() || aiAccessAllowed(container, d.name)));
  // The store's coverage and the cached answers are read alongside the connections query, so a hit answers in one round trip.
  const stored = new Map(candidates.map((d) => [d.name, startStoredRead(container, identity, resource, d.name, args)]));
  const [order, connections] = await Promise.all([
    priorityOrder(container, identity, merged),
    container.connections.listForUser(identity.tenantId, identity.userId),
  ]);
  // Unreadable connections are asked too, so `sources` tells the user to reconnect them.
  const connected = new Map(connections.filter((c) => c.status === 'connected' || c.status === 'reauthorization_required').map((c) => [c.provider, c]));
  const names = candidates.filter((d) => connected.has(d.name) || (d.connection === 'none' && d.name === container.config.defaultProvider)).map((d) => d.name);
  const settled = await Promise.allSettled(
    names.map(async (name) => ((await stored.get(name)?.answer()) as T[] | undefined) ?? withSession(container, identity, name, read, connected.get(name))),
  );
  const sources: Record<string, SourceStatus> = {};
  const lists: T[][] = [];
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
  return { records: mergeRecords(lists, MERGE_KINDS[merged] as unknown as MergeKind<T>, order), sources };
}

/** Activities of every connected provider, merged newest first (`GET /activities?provider=all`). */
export async function fetchAllActivities(container: Container, identity: Identity, query: ActivityQuery) {
  if (query.offset + query.limit > MAX_MERGED_WINDOW) {
    throw invalidRequest(
      'offset',
      `with provider=all, offset + limit may be at most ${MAX_MERGED_WINDOW}; for older activities pass before=<start_date of the last activity you have>`,
    );
  }
  // Every source must supply enough for the merged page, since any of them may fill it.
  const window = { ...query, offset: 0, limit: query.offset + query.limit };
  const { records, sources } = await fetchAll<Activity>(container, identity, 'activities', [window], (p, s) => p.getActivities(s, window));
  return { provider: ALL_PROVIDERS, activities: records.slice(query.offset, query.offset + query.limit), sources };
}

/** Sleep sessions or recovery days of every connected provider in a date range, merged newest first. */
async function fetchAllInRange(container: Container, identity: Identity, merged: 'sleep' | 'recovery', range: DateRange) {
  if (merged === 'sleep') {
    const { records, sources } = await fetchAll<SleepSession>(container, identity, 'sleep', [range], (p, s) => p.getSleepSessions(s, range));
    return { provider: ALL_PROVIDERS, sleep_sessions: records, sources };
  }
  const { records, sources } = await fetchAll<RecoveryMetrics>(container, identity, 'recovery', [range], (p, s) => p.getRecoveryMetrics(s, range));
  return { provider: ALL_PROVIDERS, recovery: records, sources };
}
