import { Capability, combine, type ProviderDescriptorInput } from '../spi';

/** OAuth-free demo provider: always connected, data generated locally, no API ever called. */
export const SYNTHETIC_DESCRIPTOR = {
  name: 'synthetic',
  displayName: 'Synthetic (demo data)',
  capabilities: combine(Capability.ACTIVITIES, Capability.SLEEP_TRACKING, Capability.RECOVERY_METRICS, Capability.HEALTH_METRICS),
  connection: 'none',
  apiBaseUrl: 'https://synthetic.invalid/api',
  defaultScopes: [],
  aiUse: { allowed: true, terms: 'generated demo data: no terms' },
} satisfies ProviderDescriptorInput;
