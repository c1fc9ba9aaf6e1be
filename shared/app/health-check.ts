/**
 * The scheduled health check: probes every registered provider (no user, no token), keeps one
 * record per provider in the coordination store, closes a provider's circuit when it answers
 * and counts a failure against it when it does not, and emits a `ProviderHealthy` metric.
 */
import * as z from '../zod';
import type { StateItem } from '../store/ports';
import { recordCodec } from '../store/records';
import type { Container } from './container';
import { logger, providerHealthMetric } from './observability';

const PK = 'health';

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

async function probe(container: Container, name: string): Promise<ProviderHealth> {
  const started = container.deps.now();
  let healthy = true;
  try {
    await container.provider(name).healthCheck();
  } catch (error) {
    healthy = false;
    logger.warn('provider health check failed', { provider: name, reason: error instanceof Error ? error.message : typeof error });
  }
  const latency = container.deps.now() - started;
  const previous = HEALTH.decode(await container.coordination.get(PK, name, started));
  const average = previous.averageLatencyMs === undefined ? latency : LATENCY_WEIGHT * latency + (1 - LATENCY_WEIGHT) * previous.averageLatencyMs;
  const settings = container.resilience(name).circuit;
  if (healthy) await container.circuit.recordSuccess(name, await container.circuit.state(name, settings));
  else await container.circuit.recordFailure(name, settings);
  const item = await container.coordination.update(
    PK,
    name,
    HEALTH.encode({
      healthy,
      lastCheckMs: container.deps.now(),
      consecutiveFailures: healthy ? 0 : (previous.consecutiveFailures ?? 0) + 1,
      averageLatencyMs: average,
    }),
  );
  providerHealthMetric(name, healthy);
  return toHealth(name, item!);
}

export function runHealthChecks(container: Container): Promise<ProviderHealth[]> {
  return Promise.all(container.registry.supportedProviders().map((name) => probe(container, name)));
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
