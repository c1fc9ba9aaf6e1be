export { TerraProvider } from './client';
export { TERRA_DESCRIPTOR } from './descriptor';
export * from './webhook';
