import type { ProviderFactory } from '../spi';
import { FitbitClient } from './client';
import { FITBIT_DESCRIPTOR } from './descriptor';

export const fitbitProvider: ProviderFactory = {
  descriptor: FITBIT_DESCRIPTOR,
  create: (config, deps) => new FitbitClient(config, deps),
};

export { FITBIT_DESCRIPTOR } from './descriptor';
