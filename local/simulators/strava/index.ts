import type { ProviderSimulator, SimulatorOptions } from '../kit';
import { StravaSimulator } from './simulator';

/** The Strava simulator, mounted at /sim/strava by the local server. */
export function createStravaSimulator(options: SimulatorOptions): ProviderSimulator {
  return new StravaSimulator(options.now);
}

export { StravaSimulator } from './simulator';
