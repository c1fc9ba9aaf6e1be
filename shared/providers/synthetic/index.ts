import type { ProviderFactory } from '../spi';
import { SYNTHETIC_DESCRIPTOR } from './descriptor';
import { SyntheticProvider } from './provider';

export const syntheticProvider: ProviderFactory = {
  descriptor: SYNTHETIC_DESCRIPTOR,
  create: (config, deps) => new SyntheticProvider(config, deps),
};

export { SYNTHETIC_DESCRIPTOR } from './descriptor';
export { DEFAULT_SEED, SEED_SETTING, SyntheticProvider } from './provider';
