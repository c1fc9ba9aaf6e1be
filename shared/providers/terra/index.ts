import type { ProviderFactory } from '../spi';
import { TerraClient } from './client';
import { TERRA_DESCRIPTOR } from './descriptor';

export const terraProvider: ProviderFactory = {
  descriptor: TERRA_DESCRIPTOR,
  create: (config, deps) => new TerraClient(config, deps),
};

export { TerraClient } from './client';
export { TERRA_DESCRIPTOR } from './descriptor';
export * from './webhook';
export { parseReferenceId } from './reference';
export { terraRateLimitHint, terraRateLimitUsage } from './rate-limit';
