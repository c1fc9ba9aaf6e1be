/**
 * The built-in providers a build includes: all of them, unless the build chose fewer. The
 * providers index imports this module as `#builtin-providers` (package.json "imports"), and
 * the Lambda bundles may alias that name to a generated module listing only the chosen
 * providers (infra/providers.ts: `PIERRE_PROVIDERS=strava,synthetic` or `-c providers=...`),
 * so the others' code is not in the bundles at all.
 */
import type { ProviderFactory } from './spi';
import { corosProvider } from './coros/factory';
import { fitbitProvider } from './fitbit/factory';
import { garminProvider } from './garmin/factory';
import { stravaProvider } from './strava/factory';
import { syntheticProvider } from './synthetic/factory';
import { terraProvider } from './terra/factory';
import { whoopProvider } from './whoop/factory';

export const BUILTIN_PROVIDERS: readonly ProviderFactory[] = [
  syntheticProvider,
  stravaProvider,
  garminProvider,
  fitbitProvider,
  whoopProvider,
  corosProvider,
  terraProvider,
];
