import type { Container } from './container';
import { recordedHealth } from './health-check';

/** `GET /health`: the service, its store, and per provider the last health check and circuit. */
export async function serviceHealth(container: Container) {
  const { store, providers } = await recordedHealth(container);
  const names = container.registry.supportedProviders();
  const circuits = store === 'ok' ? await container.circuit.states((name) => container.resilience(name).circuit, names).catch(() => undefined) : undefined;
  const perProvider = names.map((name) => {
    const checked = providers.get(name);
    return [
      name,
      {
        healthy: checked?.healthy ?? null,
        last_check: checked?.last_check ?? null,
        consecutive_failures: checked?.consecutive_failures ?? 0,
        average_latency_ms: checked?.average_latency_ms ?? null,
        circuit: circuits?.get(name)?.status ?? 'unknown',
      },
    ] as const;
  });
  const degraded = store !== 'ok' || perProvider.some(([, p]) => p.healthy === false || p.circuit === 'open');
  return {
    status: degraded ? ('degraded' as const) : ('ok' as const),
    default_provider: container.config.defaultProvider,
    providers: names.length,
    store,
    provider_health: Object.fromEntries(perProvider),
    time: new Date(container.deps.now()).toISOString(),
  };
}
