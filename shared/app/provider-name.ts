import type { Container } from './container';
import { AppError } from './errors';

/** The provider a request is about: the one named, else PIERRE_DEFAULT_PROVIDER. */
export function resolveProviderName(container: Container, requested: string | undefined): string {
  const name = requested ?? container.config.defaultProvider;
  if (!container.registry.isSupported(name)) {
    throw new AppError(404, 'unsupported_provider', container.registry.unsupportedMessage(name));
  }
  return name;
}
