import type { ProviderSimulator, SimulatorOptions } from '../kit';
import { TerraSimulator } from './simulator';

/** The Terra API v2 simulator (widget sessions, data endpoints, deauth, signed webhooks). */
export function createTerraSimulator(options: SimulatorOptions): ProviderSimulator {
  return new TerraSimulator(options.now);
}

export { SIM_API_KEY, SIM_DEV_ID, SIM_WEBHOOK_SECRET } from './simulator';
