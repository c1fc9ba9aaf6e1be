/** Every provider simulator `npm start` mounts at /sim/<name>. */
import type { ProviderSimulator, SimulatorOptions } from './kit';
import { createCorosSimulator } from './coros';
import { createFitbitSimulator } from './fitbit';
import { createGarminSimulator } from './garmin';
import { createStravaSimulator } from './strava';
import { createTerraSimulator } from './terra';
import { createWhoopSimulator } from './whoop';

export function createSimulators(options: SimulatorOptions): ProviderSimulator[] {
  return [
    createStravaSimulator(options),
    createGarminSimulator(options),
    createFitbitSimulator(options),
    createWhoopSimulator(options),
    createCorosSimulator(options),
    createTerraSimulator(options),
  ];
}
