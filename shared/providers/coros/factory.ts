import { lazyProvider } from '../lazy';
import { resolveCorosSettings } from './settings';
import { COROS_DESCRIPTOR } from './descriptor';

export const corosProvider = lazyProvider({
  descriptor: COROS_DESCRIPTOR,
  load: () => import('./client').then(({ CorosProvider }) => (config, deps) => new CorosProvider(config, deps)),
  webhooks: true,
  derivedFromActivities: ['stats', 'personal_records'],
  checkSettings: (config) => void resolveCorosSettings(config),
});
