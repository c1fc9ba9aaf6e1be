import { describe, expect, it } from 'vitest';
import { roundedJson } from '../../shared/models';

describe('numbers rounded to what their unit supports', () => {
  it('rounds by the unit the field name states, keeping integers and nulls', () => {
    const answer = {
      distance_meters: 332589.39999999997,
      elevation_gain_meters: 12.345,
      moving_time_seconds: 1830,
      average_speed: 3.25678,
      average_heart_rate: 151.26,
      weight_kg: 70.00049,
      start_latitude: 48.858370123456,
      spo2_percentage: 96.44,
      calories: null,
      totals: [{ distance_meters: 0.1 + 0.2 }],
      value: 1 / 3,
    };
    expect(JSON.parse(roundedJson(answer))).toEqual({
      distance_meters: 332589.4,
      elevation_gain_meters: 12.35,
      moving_time_seconds: 1830,
      average_speed: 3.257,
      average_heart_rate: 151.3,
      weight_kg: 70,
      start_latitude: 48.8583701,
      spo2_percentage: 96.4,
      calories: null,
      totals: [{ distance_meters: 0.3 }],
      value: 0.333333,
    });
  });

  it('never answers -0', () => {
    expect(roundedJson({ skin_temp_deviation_celsius: -0.001 })).toBe('{"skin_temp_deviation_celsius":0}');
  });
});
