export { SYNTHETIC_DESCRIPTOR } from './descriptor';
export { SyntheticProvider } from './client';
