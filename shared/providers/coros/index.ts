export { CorosProvider } from './client';
export { COROS_DESCRIPTOR } from './descriptor';
