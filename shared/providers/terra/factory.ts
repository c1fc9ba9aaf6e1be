import { lazyProvider } from '../lazy';
import { TERRA_DESCRIPTOR } from './descriptor';

export const terraProvider = lazyProvider({
  descriptor: TERRA_DESCRIPTOR,
  load: () => import('./client').then(({ TerraClient }) => (config, deps) => new TerraClient(config, deps)),
  webhooks: true,
  derivedFromActivities: ['stats', 'personal_records'],
});
