import { lazyProvider } from '../lazy';
import { retiredFitbitConnection } from './retired';
import { FITBIT_DESCRIPTOR } from './descriptor';

export const fitbitProvider = lazyProvider({
  descriptor: FITBIT_DESCRIPTOR,
  load: () => import('./client').then(({ FitbitClient }) => (config, deps) => new FitbitClient(config, deps)),
  webhooks: true,
  derivedFromActivities: ['stats', 'personal_records'],
  retiredConnection: retiredFitbitConnection,
});
