import type { ProviderFactory } from '../spi';
import { StravaProvider } from './client';
import { STRAVA_DESCRIPTOR } from './descriptor';

export const stravaProvider: ProviderFactory = {
  descriptor: STRAVA_DESCRIPTOR,
  create: (config, deps) => new StravaProvider(config, deps),
};

export { STRAVA_DESCRIPTOR } from './descriptor';
export { StravaProvider } from './client';
