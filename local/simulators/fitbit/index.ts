import type { SimulatorOptions } from '..';
import type { ProviderSimulator } from '../kit';

/** Not simulated yet: answers 501 and leaves the provider unconfigured. */
export function createFitbitSimulator(_options: SimulatorOptions): ProviderSimulator {
  return {
    name: 'fitbit',
    handle: async () => ({ status: 501, body: { message: 'fitbit simulator not available yet' } }),
    env: () => ({}),
  };
}
