/**
 * The built-in providers. Adding one is a folder under shared/providers/ plus one line here;
 * custom providers can also call `providerRegistry.register(factory)` from their own code.
 */
import { ProviderRegistry } from './registry';
import type { ProviderFactory } from './spi';
import { corosProvider } from './coros';
import { fitbitProvider } from './fitbit';
import { garminProvider } from './garmin';
import { stravaProvider } from './strava';
import { syntheticProvider } from './synthetic';
import { terraProvider } from './terra';
import { whoopProvider } from './whoop';

const BUILTIN_PROVIDERS: readonly ProviderFactory[] = [
  syntheticProvider,
  stravaProvider,
  garminProvider,
  fitbitProvider,
  whoopProvider,
  corosProvider,
  terraProvider,
];

/** The process-wide registry every function and the local server share. */
export const providerRegistry = new ProviderRegistry();
for (const factory of BUILTIN_PROVIDERS) providerRegistry.register(factory);

export { ProviderRegistry } from './registry';
export type * from './spi';
