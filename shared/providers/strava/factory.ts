import { lazyProvider } from '../lazy';
import { STRAVA_DESCRIPTOR } from './descriptor';

export const stravaProvider = lazyProvider({
  descriptor: STRAVA_DESCRIPTOR,
  load: () => import('./client').then(({ StravaProvider }) => (config, deps) => new StravaProvider(config, deps)),
  webhooks: true,
  derivedFromActivities: ['personal_records'],
});
