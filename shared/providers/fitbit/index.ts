export { FITBIT_DESCRIPTOR } from './descriptor';
