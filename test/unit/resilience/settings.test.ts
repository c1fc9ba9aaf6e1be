/** PIERRE_<P>_USER_SHARE is read and checked like the other resilience settings; fair share is derived from it. */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/config';
import { fairShareOf } from '../../../shared/resilience/gate';
import { resilienceSettings } from '../../../shared/resilience/settings';

describe('fair-share settings', () => {
  it('defaults a user share to 10 % and reads PIERRE_<P>_USER_SHARE per provider', () => {
    expect(resilienceSettings('whoop', {}).fairShare.userSharePct).toBe(10);
    expect(resilienceSettings('whoop', { PIERRE_WHOOP_USER_SHARE: '25' }).fairShare.userSharePct).toBe(25);
    expect(resilienceSettings('strava', { PIERRE_WHOOP_USER_SHARE: '25' }).fairShare.userSharePct).toBe(10);
  });

  it.each(['0', '101', 'ten', '5.5', '-3'])('refuses PIERRE_WHOOP_USER_SHARE=%s with a message naming it', (value) => {
    expect(() => resilienceSettings('whoop', { PIERRE_WHOOP_USER_SHARE: value })).toThrow(ConfigError);
    expect(() => resilienceSettings('whoop', { PIERRE_WHOOP_USER_SHARE: value })).toThrow(/PIERRE_WHOOP_USER_SHARE/);
  });

  it('keeps a quarter of a window back (rounded down) and gives a user at least one request of it', () => {
    expect(fairShareOf(100, 10)).toEqual({ freeBelow: 75, share: 10 });
    expect(fairShareOf(200, 10)).toEqual({ freeBelow: 150, share: 20 });
    // Too small to keep anything back: a lone user gets all of it.
    expect(fairShareOf(3, 10)).toEqual({ freeBelow: 3, share: 1 });
    expect(fairShareOf(5, 10)).toEqual({ freeBelow: 4, share: 1 });
  });
});
