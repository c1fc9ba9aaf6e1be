export { fitbitProvider } from './factory';
export { FITBIT_DESCRIPTOR } from './descriptor';
