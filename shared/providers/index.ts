/**
 * The provider registry of this build. Adding a built-in provider is a folder under
 * shared/providers/ (descriptor.ts, client.ts) plus its descriptor in builtin-descriptors.ts; custom
 * providers can also call `providerRegistry.register(factory)` from their own code.
 */
import { BUILTIN_PROVIDERS } from '#builtin-providers';
import { ProviderRegistry } from './registry';

/** The process-wide registry every function and the local server share. */
export const providerRegistry = new ProviderRegistry();
for (const factory of BUILTIN_PROVIDERS) providerRegistry.register(factory);

export { ProviderRegistry } from './registry';
export type * from './spi';
