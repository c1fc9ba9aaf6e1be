import type { SimulatorOptions } from '..';
import type { ProviderSimulator } from '../kit';

/** Not simulated yet: answers 501 and leaves the provider unconfigured. */
export function createStravaSimulator(_options: SimulatorOptions): ProviderSimulator {
  return {
    name: 'strava',
    handle: async () => ({ status: 501, body: { message: 'strava simulator not available yet' } }),
    env: () => ({}),
  };
}
