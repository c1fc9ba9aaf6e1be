import type { ProviderSimulator, SimulatorOptions } from '../kit';
import { FitbitSimulator } from './simulator';

export function createFitbitSimulator(options: SimulatorOptions): ProviderSimulator {
  return new FitbitSimulator(options);
}

export { FitbitSimulator, SIM_CLIENT_ID, SIM_CLIENT_SECRET, SIM_SCOPES, SIM_WEBHOOK_AUTHORIZATION } from './simulator';
