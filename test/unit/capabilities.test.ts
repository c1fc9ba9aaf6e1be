import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  activityOnly,
  Capability,
  capabilityNames,
  combine,
  fromNames,
  fullHealth,
  hasCapability,
} from '../../shared/providers/capabilities';

describe('capability bitflags', () => {
  it('has the seed values', () => {
    expect(Capability).toEqual({ OAUTH: 1, ACTIVITIES: 2, SLEEP_TRACKING: 4, RECOVERY_METRICS: 8, HEALTH_METRICS: 16 });
  });

  it('offers the activity-only and full-health combinations', () => {
    expect(activityOnly()).toBe(3);
    expect(fullHealth()).toBe(31);
    expect(capabilityNames(activityOnly())).toEqual(['oauth', 'activities']);
    expect(capabilityNames(fullHealth())).toEqual(['oauth', 'activities', 'sleep_tracking', 'recovery_metrics', 'health_metrics']);
  });

  it('checks containment of every flag of a set', () => {
    const caps = combine(Capability.OAUTH, Capability.SLEEP_TRACKING);
    expect(hasCapability(caps, Capability.SLEEP_TRACKING)).toBe(true);
    expect(hasCapability(caps, Capability.ACTIVITIES)).toBe(false);
    expect(hasCapability(caps, combine(Capability.OAUTH, Capability.ACTIVITIES))).toBe(false);
    expect(hasCapability(fullHealth(), activityOnly())).toBe(true);
  });

  it('round-trips names for every subset', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 31 }), (caps) => fromNames(capabilityNames(caps)) === caps));
  });

  it('rejects unknown names', () => {
    expect(() => fromNames(['teleport'])).toThrow(/teleport/);
  });
});
