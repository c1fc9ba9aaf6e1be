/**
 * The one list of built-in providers, in registration order: their descriptors, without their
 * implementations. builtin.ts (the lazy factories), infra/providers.ts (build-time selection)
 * and the local simulators derive from it. Functions that only need to know which providers
 * exist (health, web, jobs) import this as `#builtin-descriptors`, so no client, mapping,
 * response schema or webhook code is in their bundles. A build with PIERRE_PROVIDERS aliases
 * this name to a generated list as well (infra/providers.ts).
 */
import type { ProviderDescriptorInput } from './spi';
import { COROS_DESCRIPTOR } from './coros/descriptor';
import { FITBIT_DESCRIPTOR } from './fitbit/descriptor';
import { GARMIN_DESCRIPTOR } from './garmin/descriptor';
import { STRAVA_DESCRIPTOR } from './strava/descriptor';
import { SYNTHETIC_DESCRIPTOR } from './synthetic/descriptor';
import { TERRA_DESCRIPTOR } from './terra/descriptor';
import { WHOOP_DESCRIPTOR } from './whoop/descriptor';

export const BUILTIN_DESCRIPTORS: readonly ProviderDescriptorInput[] = [
  SYNTHETIC_DESCRIPTOR,
  STRAVA_DESCRIPTOR,
  GARMIN_DESCRIPTOR,
  FITBIT_DESCRIPTOR,
  WHOOP_DESCRIPTOR,
  COROS_DESCRIPTOR,
  TERRA_DESCRIPTOR,
];
