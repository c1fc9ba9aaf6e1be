import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  activityOnly,
  answerCapabilities,
  Capability,
  capabilityNames,
  combine,
  fromNames,
  fullHealth,
  hasCapability,
} from '../../shared/providers/capabilities';

describe('capability bitflags', () => {
  it('has the seed values', () => {
    // OAuth is the connection kind, not a flag: the old bit 1 stays unused.
    expect(Capability).toEqual({ ACTIVITIES: 2, SLEEP_TRACKING: 4, RECOVERY_METRICS: 8, HEALTH_METRICS: 16 });
  });

  it('offers the activity-only and full-health combinations', () => {
    expect(activityOnly()).toBe(2);
    expect(fullHealth()).toBe(30);
    expect(capabilityNames(activityOnly())).toEqual(['activities']);
    expect(capabilityNames(fullHealth())).toEqual(['activities', 'sleep_tracking', 'recovery_metrics', 'health_metrics']);
  });

  it('lists oauth first in answers for an OAuth connection only', () => {
    expect(answerCapabilities({ connection: 'oauth2', capabilities: activityOnly() })).toEqual(['oauth', 'activities']);
    expect(answerCapabilities({ connection: 'oauth2', capabilities: fullHealth() })).toEqual([
      'oauth',
      'activities',
      'sleep_tracking',
      'recovery_metrics',
      'health_metrics',
    ]);
    expect(answerCapabilities({ connection: 'redirect', capabilities: combine(Capability.ACTIVITIES, Capability.HEALTH_METRICS) })).toEqual([
      'activities',
      'health_metrics',
    ]);
    expect(answerCapabilities({ connection: 'none', capabilities: fullHealth() })).toEqual([
      'activities',
      'sleep_tracking',
      'recovery_metrics',
      'health_metrics',
    ]);
  });

  it('checks containment of every flag of a set', () => {
    const caps = combine(Capability.HEALTH_METRICS, Capability.SLEEP_TRACKING);
    expect(hasCapability(caps, Capability.SLEEP_TRACKING)).toBe(true);
    expect(hasCapability(caps, Capability.ACTIVITIES)).toBe(false);
    expect(hasCapability(caps, combine(Capability.HEALTH_METRICS, Capability.ACTIVITIES))).toBe(false);
    expect(hasCapability(fullHealth(), activityOnly())).toBe(true);
  });

  it('round-trips names for every subset', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 15 }).map((bits) => bits * 2),
        (caps) => fromNames(capabilityNames(caps)) === caps,
      ),
    );
  });

  it('rejects unknown names', () => {
    expect(() => fromNames(['teleport'])).toThrow(/teleport/);
  });
});

describe("the built-in providers' answer capabilities", () => {
  it('are what /providers listed while OAuth was a flag', async () => {
    const { BUILTIN_DESCRIPTORS } = await import('../../shared/providers/builtin-descriptors');
    const { parseDescriptor } = await import('../../shared/providers/spi');
    const full = ['oauth', 'activities', 'sleep_tracking', 'recovery_metrics', 'health_metrics'];
    expect(Object.fromEntries(BUILTIN_DESCRIPTORS.map((d) => [d.name, answerCapabilities(parseDescriptor(d))]))).toEqual({
      synthetic: ['activities', 'sleep_tracking', 'recovery_metrics', 'health_metrics'],
      strava: ['oauth', 'activities'],
      garmin: full,
      fitbit: full,
      whoop: full,
      coros: ['oauth', 'activities'],
      terra: ['activities', 'sleep_tracking', 'health_metrics'],
    });
  });
});
