import type { ProviderSimulator, SimulatorOptions } from '../kit';
import { FitbitSimulator } from './simulator';

export function createFitbitSimulator(options: SimulatorOptions): ProviderSimulator {
  return new FitbitSimulator(options);
}

export { FitbitSimulator, SIM_CLIENT_ID, SIM_CLIENT_SECRET, SIM_VERIFICATION_CODE, ACCESS_TTL_SECS, HOURLY_LIMIT } from './simulator';
export { HISTORY_DAYS } from './data';
