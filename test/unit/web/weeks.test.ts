import { describe, expect, it } from 'vitest';
import { weeklyTotals, weekStart } from '../../../shared/web/client/weeks';
import { outcomeMessage, readOutcome } from '../../../shared/web/client/messages';

const NOW = Date.parse('2026-12-09T15:00:00Z'); // a Wednesday

describe('weekly totals for the chart', () => {
  it('starts weeks on Monday, UTC', () => {
    expect(new Date(weekStart(NOW)).toISOString()).toBe('2026-12-07T00:00:00.000Z');
    expect(new Date(weekStart(Date.parse('2026-12-07T00:00:00Z'))).toISOString()).toBe('2026-12-07T00:00:00.000Z');
    expect(new Date(weekStart(Date.parse('2026-12-06T23:59:59Z'))).toISOString()).toBe('2026-11-30T00:00:00.000Z');
  });

  it('sums distance and duration per week, oldest first, with empty weeks and without activities outside the range', () => {
    const weeks = weeklyTotals(
      [
        { start_date: '2026-12-08T07:00:00Z', distance_meters: 5000, duration_seconds: 1500 },
        { start_date: '2026-12-07T00:00:00Z', distance_meters: null, duration_seconds: 3600 },
        { start_date: '2026-11-23T07:00:00Z', distance_meters: 10000, duration_seconds: 3000 },
        { start_date: '2026-11-22T23:59:59Z', distance_meters: 99999, duration_seconds: 9999 }, // before the first week
        { start_date: '2026-12-14T00:00:00Z', distance_meters: 99999, duration_seconds: 9999 }, // next week
      ],
      NOW,
      3,
    );
    expect(weeks).toEqual([
      { start: '2026-11-23', count: 1, distance_meters: 10000, duration_seconds: 3000 },
      { start: '2026-11-30', count: 0, distance_meters: 0, duration_seconds: 0 },
      { start: '2026-12-07', count: 2, distance_meters: 5000, duration_seconds: 5100 },
    ]);
  });
});

describe('connect outcome on the page', () => {
  it("reads the callback's query, and ignores anything else", () => {
    expect(readOutcome('?provider=strava&status=error&error=access_denied')).toEqual({ provider: 'strava', status: 'error', error: 'access_denied' });
    expect(readOutcome('?provider=strava&status=connected')).toEqual({ provider: 'strava', status: 'connected' });
    expect(readOutcome('?provider=strava&status=maybe')).toBeUndefined();
    expect(readOutcome('')).toBeUndefined();
  });

  it.each([
    ['access_denied', 'You declined access at Strava'],
    ['insufficient_scope', 'a permission it needs was unticked'],
    ['provider_unavailable', 'Strava could not be reached'],
    ['provider_timeout', 'Strava could not be reached'],
    ['invalid_state', 'expired or was already used'],
    ['something_new', 'Connecting Strava failed (something_new)'],
  ])('says what %s means', (error, text) => {
    expect(outcomeMessage({ provider: 'strava', status: 'error', error }, 'Strava')).toContain(text);
  });
});
