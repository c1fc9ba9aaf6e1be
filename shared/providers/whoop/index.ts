import type { ProviderFactory } from '../spi';
import { WhoopProvider } from './client';
import { WHOOP_DESCRIPTOR } from './descriptor';

export const whoopProvider: ProviderFactory = {
  descriptor: WHOOP_DESCRIPTOR,
  create: (config, deps) => new WhoopProvider(config, deps),
};

export { WHOOP_DESCRIPTOR } from './descriptor';
export { WhoopProvider } from './client';
export * from './webhook';
export { whoopRateLimitHint, whoopRateLimitUsage } from './rate-limit';
