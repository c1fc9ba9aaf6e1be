import type { SimulatorOptions } from '..';
import type { ProviderSimulator } from '../kit';

/** Not simulated yet: answers 501 and leaves the provider unconfigured. */
export function createTerraSimulator(_options: SimulatorOptions): ProviderSimulator {
  return {
    name: 'terra',
    handle: async () => ({ status: 501, body: { message: 'terra simulator not available yet' } }),
    env: () => ({}),
  };
}
