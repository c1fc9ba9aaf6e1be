import type { SimulatorOptions } from '..';
import type { ProviderSimulator } from '../kit';

/** Not simulated yet: answers 501 and leaves the provider unconfigured. */
export function createCorosSimulator(_options: SimulatorOptions): ProviderSimulator {
  return {
    name: 'coros',
    handle: async () => ({ status: 501, body: { message: 'coros simulator not available yet' } }),
    env: () => ({}),
  };
}
