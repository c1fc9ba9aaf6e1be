/** Google Health JSON -> unified models: int64 strings and durations parsed strictly, units converted. */
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { retryFromMessage, secondsToNextMinute } from '../../../shared/providers/fitbit/errors';
import { decodeSignature } from '../../../shared/providers/fitbit/keyset';
import { sportOf, toActivity, toSleepSession } from '../../../shared/providers/fitbit/mapping';
import { ActivitySchema, SleepSessionSchema } from '../../../shared/models';
import { duration, ExercisePointSchema, int64, SleepPointSchema } from '../../../shared/providers/fitbit/schemas';
import { dataTypeId, toEvents } from '../../../shared/providers/fitbit/webhook';

const exercise = {
  name: 'users/abc/dataTypes/exercise/dataPoints/7120000012345',
  dataSource: { platform: 'FITBIT', device: { displayName: 'Pixel Watch 3', manufacturer: 'Google' } },
  exercise: {
    interval: { startTime: '2026-11-20T06:30:00Z', startUtcOffset: '3600s', endTime: '2026-11-20T07:05:00Z', endUtcOffset: '3600s' },
    exerciseType: 'RUNNING',
    displayName: 'Morning run',
    activeDuration: '1800.5s',
    metricsSummary: {
      caloriesKcal: 412.6,
      distanceMillimeters: 6_012_345.6,
      steps: '5900',
      averageHeartRateBeatsPerMinute: '151',
      elevationGainMillimeters: 42_300,
      averageSpeedMillimetersPerSecond: 3339.1,
      heartRateZoneDurations: { lightTime: '300s', moderateTime: '900s', vigorousTime: '540.5s' },
      mobilityMetrics: { avgCadenceStepsPerMinute: 171.5 },
    },
  },
};

describe('Google Health schemas', () => {
  it('parses int64 strings and durations, and refuses what only looks like them', () => {
    expect(int64.parse('8512')).toBe(8512);
    expect(int64.parse(12)).toBe(12);
    for (const bad of ['12a', '', '1.5', ' 3']) expect(int64.safeParse(bad).success, bad).toBe(false);
    expect(duration.parse('1800s')).toBe(1800);
    expect(duration.parse('0.5s')).toBe(0.5);
    expect(duration.parse('-18000s')).toBe(-18000);
    for (const bad of ['1800', '30m', 's', '1e3s']) expect(duration.safeParse(bad).success, bad).toBe(false);
  });

  it('maps an exercise: elapsed interval, active duration as moving time, millimetres to metres, mm/s to m/s, int64 counts, active kcal', () => {
    const a = toActivity(ExercisePointSchema.parse(exercise));
    expect(ActivitySchema.parse(a)).toEqual(a);
    expect(a).toMatchObject({
      id: '7120000012345',
      provider: 'fitbit',
      name: 'Morning run',
      sport_type: 'run',
      sport_type_detail: 'RUNNING',
      start_date: '2026-11-20T06:30:00Z',
      end_date: '2026-11-20T07:05:00Z',
      start_date_local: '2026-11-20T07:30:00',
      utc_offset_seconds: 3600,
      timezone: null,
      duration_seconds: 2100,
      moving_time_seconds: 1800.5,
      distance_meters: 6012.3,
      elevation_gain_meters: 42.3,
      average_speed: 3.339,
      average_heart_rate: 151,
      average_cadence: 171.5,
      steps: 5900,
      calories: null,
      active_calories: 413,
      max_heart_rate: null,
      device_name: 'Pixel Watch 3',
    });
    expect(a.heart_rate_zones).toEqual([
      { zone: 0, name: 'Light', min_heart_rate: null, max_heart_rate: null, duration_seconds: 300 },
      { zone: 1, name: 'Moderate', min_heart_rate: null, max_heart_rate: null, duration_seconds: 900 },
      { zone: 2, name: 'Vigorous', min_heart_rate: null, max_heart_rate: null, duration_seconds: 540.5 },
      { zone: 3, name: 'Peak', min_heart_rate: null, max_heart_rate: null, duration_seconds: 0 },
    ]);
  });

  it('keeps a cadence only for sports measured in steps, and no zones without durations', () => {
    const { heartRateZoneDurations: _z, ...metrics } = exercise.exercise.metricsSummary;
    const a = toActivity(ExercisePointSchema.parse({ ...exercise, exercise: { ...exercise.exercise, exerciseType: 'YOGA', metricsSummary: metrics } }));
    expect([a.sport_type, a.sport_type_detail, a.average_cadence, a.heart_rate_zones]).toEqual(['yoga', 'YOGA', null, null]);
  });

  it('falls back to the interval without activeDuration and to distance over time without a speed', () => {
    const { activeDuration: _a, ...rest } = exercise.exercise;
    const { averageSpeedMillimetersPerSecond: _s, ...metrics } = exercise.exercise.metricsSummary;
    const a = toActivity(ExercisePointSchema.parse({ ...exercise, exercise: { ...rest, metricsSummary: metrics } }));
    expect([a.duration_seconds, a.moving_time_seconds]).toEqual([2100, null]);
    expect(a.average_speed).toBeCloseTo(6012.3 / 2100, 3);
  });

  it('refuses an exercise whose steps are not an int64 string', () => {
    const bad = { ...exercise, exercise: { ...exercise.exercise, metricsSummary: { steps: 'many' } } };
    expect(ExercisePointSchema.safeParse(bad).success).toBe(false);
  });

  it('maps every ExerciseType of the v4 enum to its most specific sport, unknown values to other', () => {
    const v4 = [
      'RUNNING',
      'WALKING',
      'BIKING',
      'SWIMMING',
      'HIKING',
      'YOGA',
      'PILATES',
      'WORKOUT',
      'HIIT',
      'WEIGHTLIFTING',
      'STRENGTH_TRAINING',
      'OTHER',
      'EXERCISE_TYPE_UNSPECIFIED',
    ];
    expect(v4.map(sportOf)).toEqual([
      'run',
      'walk',
      'ride',
      'swim',
      'hike',
      'yoga',
      'pilates',
      'workout',
      'hiit',
      'strength_training',
      'strength_training',
      'other',
      'other',
    ]);
    expect(sportOf('SOMETHING_NEW')).toBe('other');
  });

  it('maps sleep stages and totals from the summary (CLASSIC RESTLESS counts as awake, ASLEEP has no stage)', () => {
    const s = toSleepSession(
      SleepPointSchema.parse({
        sleep: {
          interval: { startTime: '2026-11-20T22:00:00Z', endTime: '2026-11-21T06:00:00Z' },
          type: 'CLASSIC',
          stages: [
            { startTime: '2026-11-20T22:00:00Z', endTime: '2026-11-20T22:10:00Z', type: 'RESTLESS' },
            { startTime: '2026-11-20T22:10:00Z', endTime: '2026-11-21T06:00:00Z', type: 'ASLEEP' },
          ],
          metadata: { externalId: 'ext-1', nap: false },
          summary: {
            minutesAsleep: '470',
            minutesAwake: '10',
            minutesInSleepPeriod: '480',
            minutesToFallAsleep: '10',
            stagesSummary: [{ type: 'RESTLESS', minutes: '10', count: '1' }],
          },
        },
      }),
    );
    expect(SleepSessionSchema.parse(s)).toEqual(s);
    expect(s).toMatchObject({
      id: 'ext-1',
      start_date: '2026-11-20T22:00:00Z',
      end_date: '2026-11-21T06:00:00Z',
      time_in_bed_seconds: 28_800,
      time_asleep_seconds: 28_200,
      efficiency_percentage: 97.9,
      sleep_score: null,
      is_nap: false,
      wake_count: 0,
      onset_latency_seconds: 600,
    });
    expect(s.stages).toEqual([{ stage: 'awake', start_date: '2026-11-20T22:00:00Z', duration_seconds: 600 }]);
    expect(s.stage_totals).toEqual({ awake_seconds: 600, light_seconds: null, deep_seconds: null, rem_seconds: null });
  });
});

describe('Google Health errors and webhooks', () => {
  it('reads the retry time of a quota message, else waits for the next minute', () => {
    const now = Date.parse('2026-11-30T10:00:15Z');
    expect(retryFromMessage('User-rate limit exceeded. Retry after 2026-11-30T10:01:00Z', now)).toBe(45);
    expect(retryFromMessage('Quota exceeded', now)).toBeUndefined();
    expect(secondsToNextMinute(now)).toBe(45);
    expect(secondsToNextMinute(Date.parse('2026-11-30T10:00:00Z'))).toBe(60);
  });

  it('decodes raw, DER and Tink-prefixed signatures, and refuses junk', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const raw = sign('sha256', Buffer.from('x'), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    const der = sign('sha256', Buffer.from('x'), privateKey);
    expect(decodeSignature(raw.toString('base64'))).toEqual({ kid: undefined, bytes: raw });
    expect(decodeSignature(der.toString('base64url'))).toEqual({ kid: undefined, bytes: der });
    const tink = Buffer.concat([Buffer.from([1, 0, 0, 0x30, 0x39]), raw]);
    expect(decodeSignature(tink.toString('base64'))).toEqual({ kid: '12345', bytes: raw });
    for (const junk of ['', 'not base64!', Buffer.from('short').toString('base64')]) expect(decodeSignature(junk), junk).toBeUndefined();
  });

  it('turns notifications into invalidations by data type, whatever the spelling', () => {
    expect(['exercise', 'dailyRestingHeartRate', 'daily_oxygen_saturation', 'users/me/dataTypes/body-fat'].map(dataTypeId)).toEqual([
      'exercise',
      'daily-resting-heart-rate',
      'daily-oxygen-saturation',
      'body-fat',
    ]);
    const n = (dataType: string) => ({ data: { healthUserId: 'u1', operation: 'UPSERT' as const, dataType } });
    expect(toEvents([n('exercise'), n('sleep'), n('floors'), n('daily-resting-heart-rate')])).toEqual([
      { providerUserId: 'u1', kind: 'data', changed: ['activities'] },
      { providerUserId: 'u1', kind: 'data', changed: ['sleep'] },
      { providerUserId: 'u1', kind: 'data', changed: ['recovery', 'health_metrics'] },
    ]);
  });
});
