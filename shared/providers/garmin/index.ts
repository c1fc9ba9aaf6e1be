export { GARMIN_DESCRIPTOR } from './descriptor';
export { GarminProvider } from './client';
export { parseGarminWebhook, isTrustedCallbackUrl, type GarminWebhookEvent, type GarminWebhookResult } from './webhook';
