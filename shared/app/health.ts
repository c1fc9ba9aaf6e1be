import type { Container } from './container';

export function serviceHealth(container: Container) {
  return {
    status: 'ok' as const,
    default_provider: container.config.defaultProvider,
    providers: container.registry.supportedProviders().length,
    time: new Date(container.deps.now()).toISOString(),
  };
}
