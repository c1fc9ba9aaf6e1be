import { lazyProvider } from '../lazy';
import { WHOOP_DESCRIPTOR } from './descriptor';

export const whoopProvider = lazyProvider({
  descriptor: WHOOP_DESCRIPTOR,
  load: () => import('./client').then(({ WhoopProvider }) => (config, deps) => new WhoopProvider(config, deps)),
  webhooks: true,
  derivedFromActivities: ['stats', 'personal_records'],
});
