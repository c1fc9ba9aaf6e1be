import type { SimulatorOptions } from '..';
import type { ProviderSimulator } from '../kit';

/** Not simulated yet: answers 501 and leaves the provider unconfigured. */
export function createWhoopSimulator(_options: SimulatorOptions): ProviderSimulator {
  return {
    name: 'whoop',
    handle: async () => ({ status: 501, body: { message: 'whoop simulator not available yet' } }),
    env: () => ({}),
  };
}
