export { TerraProvider } from './client';
export { TERRA_DESCRIPTOR } from './descriptor';
export * from './webhook';
export { parseReferenceId } from './reference';
export { terraRateLimitHint, terraRateLimitUsage } from './rate-limit';
