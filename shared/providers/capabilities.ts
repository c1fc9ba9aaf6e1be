/** Provider capabilities as bit flags, so a set of them is one small integer. */
export const Capability = {
  ACTIVITIES: 2,
  SLEEP_TRACKING: 4,
  RECOVERY_METRICS: 8,
  HEALTH_METRICS: 16,
} as const;
export type CapabilityFlag = (typeof Capability)[keyof typeof Capability];
export type Capabilities = number;

const NAMES: ReadonlyArray<readonly [CapabilityFlag, string]> = [
  [Capability.ACTIVITIES, 'activities'],
  [Capability.SLEEP_TRACKING, 'sleep_tracking'],
  [Capability.RECOVERY_METRICS, 'recovery_metrics'],
  [Capability.HEALTH_METRICS, 'health_metrics'],
];

/** `oauth` heads an answer's capabilities for a provider connected by OAuth (`connection: 'oauth2'`). */
const OAUTH_NAME = 'oauth';

/** Every capability name, in the order answers list them. */
export const CAPABILITY_NAMES: readonly string[] = [OAUTH_NAME, ...NAMES.map(([, name]) => name)];

export const ALL_CAPABILITIES: Capabilities = NAMES.reduce((all, [flag]) => all | flag, 0);

export function combine(...flags: CapabilityFlag[]): Capabilities {
  return flags.reduce<number>((all, flag) => all | flag, 0);
}

/** Activities only: the Strava shape. */
export function activityOnly(): Capabilities {
  return combine(Capability.ACTIVITIES);
}

/** Every capability there is. */
export function fullHealth(): Capabilities {
  return ALL_CAPABILITIES;
}

/** True when every flag of `required` is present in `caps`. */
export function hasCapability(caps: Capabilities, required: Capabilities): boolean {
  return (caps & required) === required;
}

/** Names of the flags, in a stable order: `["activities", "sleep_tracking", ...]`. */
export function capabilityNames(caps: Capabilities): string[] {
  return NAMES.filter(([flag]) => hasCapability(caps, flag)).map(([, name]) => name);
}

/** A provider's capabilities as answers list them: `oauth` for an OAuth connection, then the flags. */
export function answerCapabilities(descriptor: { connection: string; capabilities: Capabilities }): string[] {
  return [...(descriptor.connection === 'oauth2' ? [OAUTH_NAME] : []), ...capabilityNames(descriptor.capabilities)];
}

export function fromNames(names: readonly string[]): Capabilities {
  return names.reduce((all, name) => {
    const entry = NAMES.find(([, n]) => n === name);
    if (!entry) throw new Error(`Unknown capability '${name}'`);
    return all | entry[0];
  }, 0);
}
