/**
 * A registry of this build's built-in providers that knows their descriptors only: for the
 * functions that never call a provider. Asking it for an implementation finds none.
 */
import { BUILTIN_DESCRIPTORS } from '#builtin-descriptors';
import { ProviderRegistry } from './registry';

export function descriptorRegistry(): ProviderRegistry {
  const registry = new ProviderRegistry();
  for (const descriptor of BUILTIN_DESCRIPTORS) registry.registerDescriptor(descriptor);
  return registry;
}
