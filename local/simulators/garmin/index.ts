import type { SimulatorOptions } from '..';
import type { ProviderSimulator } from '../kit';

/** Not simulated yet: answers 501 and leaves the provider unconfigured. */
export function createGarminSimulator(_options: SimulatorOptions): ProviderSimulator {
  return {
    name: 'garmin',
    handle: async () => ({ status: 501, body: { message: 'garmin simulator not available yet' } }),
    env: () => ({}),
  };
}
