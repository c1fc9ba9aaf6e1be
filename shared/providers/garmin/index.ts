import type { ProviderFactory } from '../spi';
import { GarminProvider } from './client';
import { GARMIN_DESCRIPTOR } from './descriptor';

export const garminProvider: ProviderFactory = {
  descriptor: GARMIN_DESCRIPTOR,
  create: (config, deps) => new GarminProvider(config, deps),
};

export { GARMIN_DESCRIPTOR } from './descriptor';
export { GarminProvider } from './client';
export { parseGarminWebhook, isTrustedCallbackUrl, type GarminWebhookEvent, type GarminWebhookResult } from './webhook';
