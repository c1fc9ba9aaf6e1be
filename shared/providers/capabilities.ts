/** Provider capabilities as bit flags, so a set of them is one small integer. */
export const Capability = {
  OAUTH: 1,
  ACTIVITIES: 2,
  SLEEP_TRACKING: 4,
  RECOVERY_METRICS: 8,
  HEALTH_METRICS: 16,
} as const;
export type CapabilityFlag = (typeof Capability)[keyof typeof Capability];
export type Capabilities = number;

const NAMES: ReadonlyArray<readonly [CapabilityFlag, string]> = [
  [Capability.OAUTH, 'oauth'],
  [Capability.ACTIVITIES, 'activities'],
  [Capability.SLEEP_TRACKING, 'sleep_tracking'],
  [Capability.RECOVERY_METRICS, 'recovery_metrics'],
  [Capability.HEALTH_METRICS, 'health_metrics'],
];

/** Every capability name, in the order answers list them. */
export const CAPABILITY_NAMES: readonly string[] = NAMES.map(([, name]) => name);

export const ALL_CAPABILITIES: Capabilities = NAMES.reduce((all, [flag]) => all | flag, 0);

export function combine(...flags: CapabilityFlag[]): Capabilities {
  return flags.reduce<number>((all, flag) => all | flag, 0);
}

/** OAuth plus activities: the Strava shape. */
export function activityOnly(): Capabilities {
  return combine(Capability.OAUTH, Capability.ACTIVITIES);
}

/** Every capability there is. */
export function fullHealth(): Capabilities {
  return ALL_CAPABILITIES;
}

/** True when every flag of `required` is present in `caps`. */
export function hasCapability(caps: Capabilities, required: Capabilities): boolean {
  return (caps & required) === required;
}

/** Names for JSON, in a stable order: `["oauth", "activities", ...]`. */
export function capabilityNames(caps: Capabilities): string[] {
  return NAMES.filter(([flag]) => hasCapability(caps, flag)).map(([, name]) => name);
}

export function fromNames(names: readonly string[]): Capabilities {
  return names.reduce((all, name) => {
    const entry = NAMES.find(([, n]) => n === name);
    if (!entry) throw new Error(`Unknown capability '${name}'`);
    return all | entry[0];
  }, 0);
}
