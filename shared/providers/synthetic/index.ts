export { SYNTHETIC_DESCRIPTOR } from './descriptor';
export { DEFAULT_SEED, SEED_SETTING, SyntheticProvider } from './client';
