/**
 * The scheduled health check: probes every registered provider (no user, no token), keeps one
 * record per provider in the coordination store, closes a provider's circuit when it answers
 * and counts a failure against it when it does not, and emits a `ProviderHealthy` metric.
 * Tenants' own apps are probed the same way (their circuits and records are per app), at most
 * TENANT_APPS_PER_RUN per run, each run taking up where the last one stopped: the check's cost
 * does not grow with the number of tenants, and every app is probed within a number of runs.
 */
import * as z from '../zod';
import type { StateItem } from '../store/ports';
import { recordCodec } from '../store/records';
import { resolveProviderConfig } from '../config';
import type { FitnessProvider } from '../providers/spi';
import type { Container } from './container';
import { logger, providerHealthMetric } from './observability';
import { tenantApp } from './provider-apps';

const PK = 'health';
/** Records of tenants' apps (`<provider>@<app>`), apart from the providers' that GET /health lists. */
const TENANT_APPS_PK = 'health#apps';
/** Where the walk over tenants' apps stands (`cursor`). */
const CURSOR_PK = 'health#apps-cursor';
export const TENANT_APPS_PER_RUN = 20;

/** A provider's health record (`health` / `<provider>`). */
const HEALTH = recordCodec({
  healthy: z.boolean(),
  /** Epoch ms of the last probe. */
  lastCheckMs: z.number(),
  consecutiveFailures: z.number(),
  averageLatencyMs: z.number(),
});
/** Weight of the newest probe in the running latency average. */
const LATENCY_WEIGHT = 0.3;

export interface ProviderHealth {
  provider: string;
  healthy: boolean;
  last_check: string;
  consecutive_failures: number;
  average_latency_ms: number;
}

function toHealth(provider: string, item: StateItem): ProviderHealth {
  const record = HEALTH.decode(item);
  return {
    provider,
    healthy: record.healthy === true,
    last_check: new Date(record.lastCheckMs ?? 0).toISOString(),
    consecutive_failures: record.consecutiveFailures ?? 0,
    average_latency_ms: Math.round(record.averageLatencyMs ?? 0),
  };
}

/** Probes one app (`budget`: the provider's global app, or a tenant's) and records its health and circuit. */
async function probe(container: Container, name: string, budget = name, provider: FitnessProvider = container.provider(name)): Promise<ProviderHealth> {
  const pk = budget === name ? PK : TENANT_APPS_PK;
  const started = container.deps.now();
  let healthy = true;
  try {
    await provider.healthCheck();
  } catch (error) {
    healthy = false;
    logger.warn('provider health check failed', { provider: name, app: budget, reason: error instanceof Error ? error.message : typeof error });
  }
  const latency = container.deps.now() - started;
  const previous = HEALTH.decode(await container.coordination.get(pk, budget, started));
  const average = previous.averageLatencyMs === undefined ? latency : LATENCY_WEIGHT * latency + (1 - LATENCY_WEIGHT) * previous.averageLatencyMs;
  const settings = container.resilience(name).circuit;
  if (healthy) await container.circuit.recordSuccess(budget, await container.circuit.state(budget, settings));
  else await container.circuit.recordFailure(budget, settings);
  const item = await container.coordination.update(
    pk,
    budget,
    HEALTH.encode({
      healthy,
      lastCheckMs: container.deps.now(),
      consecutiveFailures: healthy ? 0 : (previous.consecutiveFailures ?? 0) + 1,
      averageLatencyMs: average,
    }),
  );
  if (budget === name) providerHealthMetric(name, healthy);
  return toHealth(budget, item!);
}

/** The next TENANT_APPS_PER_RUN tenants' apps after where the last run stopped (from the start after the last one). */
async function probeTenantApps(container: Container): Promise<ProviderHealth[]> {
  const now = container.deps.now();
  const cursor = await container.coordination.get(CURSOR_PK, 'cursor', now);
  const after = typeof cursor?.['after'] === 'string' ? cursor['after'] : undefined;
  const { apps, next } = await container.tenantApps.page(after, TENANT_APPS_PER_RUN);
  await container.coordination.update(CURSOR_PK, 'cursor', { after: next ?? null });
  const probes = apps.flatMap((app) => {
    const descriptor = container.registry.descriptor(app.provider);
    if (!descriptor || !container.registry.factory(app.provider)) return []; // a provider this build no longer has
    const resolved = tenantApp(descriptor, resolveProviderConfig(descriptor, container.raw), app);
    return [probe(container, app.provider, resolved.budget, container.provider(app.provider, resolved))];
  });
  return Promise.all(probes);
}

/** Every provider's global app, then the next tenants' apps; the answer names each app's budget (`<provider>@<app>` for a tenant's). */
export async function runHealthChecks(container: Container): Promise<ProviderHealth[]> {
  const global = await Promise.all(container.registry.supportedProviders().map((name) => probe(container, name)));
  const tenants = await probeTenantApps(container).catch((error: unknown) => {
    logger.warn("tenants' apps could not be probed", { reason: error instanceof Error ? error.name : typeof error });
    return [];
  });
  return [...global, ...tenants];
}

/** The last recorded health of every provider, and whether the store answered at all. */
export async function recordedHealth(container: Container): Promise<{ store: 'ok' | 'unavailable'; providers: Map<string, ProviderHealth> }> {
  try {
    const items = await container.coordination.list(PK, container.deps.now());
    return { store: 'ok', providers: new Map([...items].map(([name, item]) => [name, toHealth(name, item)])) };
  } catch (error) {
    logger.warn('the coordination store did not answer', { reason: error instanceof Error ? error.name : typeof error });
    return { store: 'unavailable', providers: new Map() };
  }
}
