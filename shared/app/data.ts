/** Reading a user's data from one provider, in the unified model. */
import { Capability, hasCapability, type CapabilityFlag } from '../providers/capabilities';
import type { ActivityQuery, DateRange, FitnessProvider, ProviderSession } from '../providers/spi';
import type { Container } from './container';
import { AppError } from './errors';
import type { Identity } from './identity';
import { resolveProviderName } from './provider-name';
import { withSession } from './sessions';

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
