import { lazyProvider } from '../lazy';
import { SYNTHETIC_DESCRIPTOR } from './descriptor';

export const syntheticProvider = lazyProvider({
  descriptor: SYNTHETIC_DESCRIPTOR,
  load: () => import('./provider').then(({ SyntheticProvider }) => (config, deps) => new SyntheticProvider(config, deps)),
  webhooks: false,
  derivedFromActivities: [],
});
