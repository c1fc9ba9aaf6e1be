import type { ProviderFactory } from '../spi';
import { CorosProvider } from './client';
import { COROS_DESCRIPTOR } from './descriptor';

export const corosProvider: ProviderFactory = {
  descriptor: COROS_DESCRIPTOR,
  create: (config, deps) => new CorosProvider(config, deps),
};

export { CorosProvider } from './client';
export { COROS_DESCRIPTOR } from './descriptor';
