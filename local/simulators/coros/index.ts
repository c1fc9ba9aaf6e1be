import type { ProviderSimulator, SimulatorOptions } from '../kit';
import { CorosSimulator } from './simulator';

/** The COROS open API simulator, mounted by the local server at /sim/coros. */
export function createCorosSimulator(options: SimulatorOptions): ProviderSimulator {
  return new CorosSimulator(options.now);
}
