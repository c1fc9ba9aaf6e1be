import { lazyProvider } from '../lazy';
import { garminSettings } from './settings';
import { GARMIN_DESCRIPTOR } from './descriptor';

export const garminProvider = lazyProvider({
  descriptor: GARMIN_DESCRIPTOR,
  load: () => import('./client').then(({ GarminProvider }) => (config, deps) => new GarminProvider(config, deps)),
  webhooks: true,
  derivedFromActivities: ['stats', 'personal_records'],
  checkSettings: (config) => void garminSettings(config.settings),
});
