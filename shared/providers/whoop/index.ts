export { WHOOP_DESCRIPTOR } from './descriptor';
export { WhoopProvider } from './client';
export * from './webhook';
export { whoopRateLimitHint, whoopRateLimitUsage } from './rate-limit';
