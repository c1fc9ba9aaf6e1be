/** Every provider simulator `npm start` mounts at /sim/<name>: one per built-in provider that calls a network. */
import { BUILTIN_DESCRIPTORS } from '../../shared/providers/builtin-descriptors';
import { callsNetwork } from '../../shared/providers/spi';
import type { ProviderSimulator, SimulatorOptions } from './kit';
import { createCorosSimulator } from './coros';
import { createFitbitSimulator } from './fitbit';
import { createGarminSimulator } from './garmin';
import { createStravaSimulator } from './strava';
import { createTerraSimulator } from './terra';
import { createWhoopSimulator } from './whoop';

const SIMULATORS: Readonly<Record<string, (options: SimulatorOptions) => ProviderSimulator>> = {
  coros: createCorosSimulator,
  fitbit: createFitbitSimulator,
  garmin: createGarminSimulator,
  strava: createStravaSimulator,
  terra: createTerraSimulator,
  whoop: createWhoopSimulator,
};

/** In the providers' registration order (builtin-descriptors.ts). */
export function createSimulators(options: SimulatorOptions): ProviderSimulator[] {
  return BUILTIN_DESCRIPTORS.filter(callsNetwork).map((descriptor) => {
    const create = SIMULATORS[descriptor.name];
    if (!create) throw new Error(`no simulator for the built-in provider '${descriptor.name}' under local/simulators/`);
    return create(options);
  });
}
