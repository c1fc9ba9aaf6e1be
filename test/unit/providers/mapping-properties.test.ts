/**
 * Property tests of every provider mapping: whatever valid JSON a provider sends, the result
 * passes the unified model's schema unchanged, and each field with a unit equals the raw value
 * converted from the provider's unit (kJ -> kcal, small calories -> kcal, ms -> s, g -> kg,
 * cm -> m, quarter hours -> s, strides -> steps, percent of max -> bpm, mm -> m, "1800s" -> s,
 * minutes -> s).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActivitySchema, cadenceUnitOf, HealthMetricsSchema, RecoveryMetricsSchema, SleepSessionSchema, type Activity } from '../../../shared/models';
import { activityFromWorkout } from '../../../shared/providers/coros/mapping';
import { CorosWorkoutSchema } from '../../../shared/providers/coros/schemas';
import {
  SPORT_OF_EXERCISE_TYPE,
  toActivity as fitbitActivity,
  toHealthMetrics as fitbitHealth,
  toRecoveryMetrics as fitbitRecovery,
  toSleepSession as fitbitSleep,
} from '../../../shared/providers/fitbit/mapping';
import {
  ExercisePointSchema,
  HrvPointSchema,
  RestingHeartRatePointSchema,
  SleepPointSchema,
  WeightPointSchema,
} from '../../../shared/providers/fitbit/schemas';
import {
  toActivity as garminActivity,
  toHealthMetrics as garminHealth,
  toRecoveryMetrics as garminRecovery,
  toSleepSession as garminSleep,
} from '../../../shared/providers/garmin/mapping';
import { ActivitySummarySchema, BodyCompSummarySchema, DailySummarySchema, SleepSummarySchema } from '../../../shared/providers/garmin/schemas';
import { activityFromStrava } from '../../../shared/providers/strava/mapping';
import { StravaActivitySchema } from '../../../shared/providers/strava/schemas';
import { activityFromTerra, healthFromTerra, sleepFromTerra } from '../../../shared/providers/terra/mapping';
import { TerraActivitySchema, TerraBodySchema, TerraSleepSchema } from '../../../shared/providers/terra/schemas';
import {
  joinDays,
  toActivity as whoopActivity,
  toHealthMetrics as whoopHealth,
  toRecoveryMetrics as whoopRecovery,
  toSleepSession as whoopSleep,
} from '../../../shared/providers/whoop/mapping';
import {
  WhoopBodyMeasurementSchema,
  WhoopCycleSchema,
  WhoopRecoverySchema,
  WhoopSleepSchema,
  WhoopWorkoutSchema,
} from '../../../shared/providers/whoop/schemas';

const RUNS = { numRuns: 150 };
const T0 = Date.UTC(2020, 0, 1) / 1000;
const T1 = Date.UTC(2030, 0, 1) / 1000;

const epoch = fc.integer({ min: T0, max: T1 });
const seconds = fc.integer({ min: 0, max: 30 * 3600 });
const amount = (max: number) => fc.double({ min: 0, max, noNaN: true, noDefaultInfinity: true });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const iso = (secs: number) => new Date(secs * 1000).toISOString();

/** The mapping's output is a fixed point of the model's schema. */
function valid(activity: Activity): void {
  expect(ActivitySchema.parse(activity)).toEqual(activity);
  expect(Date.parse(activity.end_date) - Date.parse(activity.start_date)).toBe(Math.round(activity.duration_seconds * 1000));
  if (activity.moving_time_seconds !== null) expect(activity.moving_time_seconds).toBeLessThanOrEqual(activity.duration_seconds);
  if (cadenceUnitOf(activity.sport_type) === undefined) expect([activity.average_cadence, activity.max_cadence]).toEqual([null, null]);
}

describe('Strava mapping properties', () => {
  const sport = fc.constantFrom('Run', 'TrailRun', 'Walk', 'Ride', 'VirtualRide', 'Swim', 'Rowing', 'Yoga', 'Workout', 'Kitesurf', 'Brand New Sport');
  const raw = fc.record({
    id: fc.integer({ min: 1, max: 2 ** 53 - 1 }),
    name: fc.string(),
    distance: amount(300_000),
    moving_time: seconds,
    extra: seconds,
    sport_type: sport,
    start: epoch,
    utc_offset: fc.integer({ min: -12, max: 14 }).map((h) => h * 3600),
    average_cadence: maybe(amount(200)),
    kilojoules: maybe(amount(5000)),
    calories: maybe(amount(5000)),
    max_watts: maybe(fc.integer({ min: 0, max: 2000 })),
    weighted_average_watts: maybe(fc.integer({ min: 0, max: 600 })),
    total_elevation_gain: maybe(amount(5000)),
  });

  it('validate, keep elapsed time as the duration, turn kJ into kcal and strides into steps', () => {
    fc.assert(
      fc.property(raw, (r) => {
        const json = StravaActivitySchema.parse({
          ...r,
          elapsed_time: r.moving_time + r.extra,
          start_date: iso(r.start).replace('.000Z', 'Z'),
          start_date_local: iso(r.start + r.utc_offset).replace('.000Z', 'Z'),
          timezone: '(GMT+00:00) Etc/UTC',
        });
        const a = activityFromStrava(json, 'strava');
        valid(a);
        const elapsed = json.elapsed_time > 0 ? json.elapsed_time : json.moving_time;
        expect(a.duration_seconds).toBe(elapsed);
        expect(a.moving_time_seconds).toBe(json.moving_time > 0 ? json.moving_time : null);
        expect(a.distance_meters).toBe(json.distance > 0 ? json.distance : null);
        expect(a.utc_offset_seconds).toBe(r.utc_offset);
        expect(Date.parse(`${a.start_date_local}Z`) - Date.parse(a.start_date)).toBe(r.utc_offset * 1000);
        expect(a.sport_type_detail).toBe(r.sport_type);
        // DetailedActivity calories win; otherwise the work in kJ stands for kcal (1 kcal = 4.184 kJ at ~24 % efficiency).
        const expected = r.calories && r.calories > 0 ? r.calories : r.kilojoules && r.kilojoules > 0 ? Math.round(r.kilojoules) : null;
        expect(a.calories).toBe(expected);
        const unit = cadenceUnitOf(a.sport_type);
        if (r.average_cadence !== undefined && unit !== undefined) {
          expect(a.average_cadence).toBeCloseTo(unit === 'steps_per_minute' ? r.average_cadence * 2 : r.average_cadence, 1);
        }
        expect(a.max_power).toBe(r.max_watts ?? null);
        expect(a.normalized_power).toBe(r.weighted_average_watts ?? null);
      }),
      RUNS,
    );
  });
});

describe('Garmin mapping properties', () => {
  const summary = fc.record({
    summaryId: fc.string({ minLength: 1, maxLength: 12 }),
    activityType: fc.constantFrom('RUNNING', 'ROAD_BIKING', 'LAP_SWIMMING', 'YOGA', 'TENNIS', 'NEW_THING'),
    startTimeInSeconds: epoch,
    startTimeOffsetInSeconds: maybe(fc.integer({ min: -43200, max: 50400 })),
    durationInSeconds: seconds,
    distanceInMeters: maybe(amount(300_000)),
    activeKilocalories: maybe(amount(5000)),
    averageRunCadenceInStepsPerMinute: maybe(amount(220)),
    maxRunCadenceInStepsPerMinute: maybe(amount(250)),
    averageBikeCadenceInRoundsPerMinute: maybe(amount(150)),
    averageSwimCadenceInStrokesPerMinute: maybe(amount(80)),
  });

  it('validate activities: durations in seconds, active kcal, the cadence of the sport', () => {
    fc.assert(
      fc.property(summary, (raw) => {
        const a = garminActivity(ActivitySummarySchema.parse(raw));
        valid(a);
        expect(a.duration_seconds).toBe(raw.durationInSeconds);
        expect(a.active_calories).toBe(raw.activeKilocalories ?? null);
        expect(a.calories).toBeNull();
        const unit = cadenceUnitOf(a.sport_type);
        const expected =
          unit === 'steps_per_minute'
            ? raw.averageRunCadenceInStepsPerMinute
            : unit === 'revolutions_per_minute'
              ? raw.averageBikeCadenceInRoundsPerMinute
              : unit === 'strokes_per_minute'
                ? raw.averageSwimCadenceInStrokesPerMinute
                : undefined;
        expect(a.average_cadence).toBe(expected ?? null);
        if (raw.startTimeOffsetInSeconds !== undefined) {
          expect(Date.parse(`${a.start_date_local}Z`) / 1000 - raw.startTimeInSeconds).toBe(raw.startTimeOffsetInSeconds);
        }
      }),
      RUNS,
    );
  });

  it('validate sleep, recovery and health: grams become kilograms', () => {
    const grams = maybe(fc.integer({ min: 0, max: 300_000 }));
    const input = fc.record({
      night: fc.record({ start: epoch, duration: seconds, deep: maybe(seconds), light: maybe(seconds), rem: maybe(seconds), awake: maybe(seconds) }),
      weight: grams,
      muscle: grams,
      bone: grams,
      active: maybe(fc.integer({ min: 0, max: 5000 })),
      bmr: maybe(fc.integer({ min: 0, max: 3000 })),
      stress: maybe(fc.integer({ min: -1, max: 100 })),
    });
    fc.assert(
      fc.property(input, (r) => {
        const sleep = garminSleep(
          SleepSummarySchema.parse({
            summaryId: 's',
            startTimeInSeconds: r.night.start,
            durationInSeconds: r.night.duration,
            deepSleepDurationInSeconds: r.night.deep,
            lightSleepDurationInSeconds: r.night.light,
            remSleepInSeconds: r.night.rem,
            awakeDurationInSeconds: r.night.awake,
          }),
        );
        expect(SleepSessionSchema.parse(sleep)).toEqual(sleep);
        expect(sleep.time_in_bed_seconds).toBe(r.night.duration);
        const date = '2026-11-25';
        const daily = DailySummarySchema.parse({
          summaryId: 'd',
          calendarDate: date,
          activeKilocalories: r.active,
          bmrKilocalories: r.bmr,
          averageStressLevel: r.stress,
        });
        const body = BodyCompSummarySchema.parse({
          summaryId: 'b',
          measurementTimeInSeconds: Date.parse(`${date}T07:00:00Z`) / 1000,
          weightInGrams: r.weight,
          muscleMassInGrams: r.muscle,
          boneMassInGrams: r.bone,
        });
        const [health] = garminHealth([daily], [body]);
        expect(HealthMetricsSchema.parse(health)).toEqual(health);
        const kg = (g: number | undefined) => (g === undefined ? null : g / 1000);
        expect([health!.weight_kg, health!.muscle_mass_kg, health!.bone_mass_kg]).toEqual([kg(r.weight), kg(r.muscle), kg(r.bone)]);
        expect(health!.calories).toBe(r.active === undefined && r.bmr === undefined ? null : (r.active ?? 0) + (r.bmr ?? 0));
        const [recovery] = garminRecovery([daily], []);
        expect(RecoveryMetricsSchema.parse(recovery)).toEqual(recovery);
        expect(recovery!.stress_level).toBe(r.stress !== undefined && r.stress >= 0 ? r.stress : null);
      }),
      RUNS,
    );
  });
});

describe('WHOOP mapping properties', () => {
  const ms = fc.integer({ min: 0, max: 20 * 3_600_000 });

  it('validate workouts: kilojoules become kcal, zone milliseconds become seconds', () => {
    const raw = fc.record({
      start: fc.integer({ min: T0 * 1000, max: T1 * 1000 }),
      length: ms,
      kilojoule: maybe(amount(20_000)),
      zones: fc.array(ms, { minLength: 6, maxLength: 6 }),
      offset: fc.constantFrom('-05:00', '+00:00', '+05:30', 'Z'),
      sport: fc.constantFrom('running', 'cycling', 'weightlifting', 'pickleball', 'brand new'),
    });
    fc.assert(
      fc.property(raw, (r) => {
        const [zero, one, two, three, four, five] = r.zones;
        const workout = WhoopWorkoutSchema.parse({
          id: 'w',
          user_id: 1,
          start: new Date(r.start).toISOString(),
          end: new Date(r.start + r.length).toISOString(),
          timezone_offset: r.offset,
          sport_name: r.sport,
          score_state: 'SCORED',
          score: {
            kilojoule: r.kilojoule,
            zone_durations: {
              zone_zero_milli: zero,
              zone_one_milli: one,
              zone_two_milli: two,
              zone_three_milli: three,
              zone_four_milli: four,
              zone_five_milli: five,
            },
          },
        });
        const a = whoopActivity('whoop', workout);
        valid(a);
        expect(a.duration_seconds).toBe(Math.round(r.length / 1000));
        if (r.kilojoule === undefined) expect(a.calories).toBeNull();
        else expect(a.calories).toBeCloseTo(r.kilojoule / 4.184, 1);
        expect(a.heart_rate_zones!.map((z) => z.duration_seconds)).toEqual(r.zones.map((z) => Math.round(z / 1000)));
        expect(a.sport_type_detail).toBe(r.sport);
      }),
      RUNS,
    );
  });

  it('validate sleep, recovery and health: milliseconds become seconds, kJ kcal', () => {
    const raw = fc.record({ inBed: ms, awake: ms, light: ms, deep: ms, rem: ms, nap: fc.boolean(), kj: maybe(amount(40_000)), height: maybe(amount(2.3)) });
    fc.assert(
      fc.property(raw, (r) => {
        const sleep = whoopSleep(
          'whoop',
          WhoopSleepSchema.parse({
            id: 's',
            user_id: 1,
            start: '2026-11-24T22:00:00.000Z',
            end: '2026-11-25T06:00:00.000Z',
            nap: r.nap,
            score_state: 'SCORED',
            score: {
              stage_summary: {
                total_in_bed_time_milli: r.inBed,
                total_awake_time_milli: r.awake,
                total_light_sleep_time_milli: r.light,
                total_slow_wave_sleep_time_milli: r.deep,
                total_rem_sleep_time_milli: r.rem,
              },
            },
          }),
        );
        expect(SleepSessionSchema.parse(sleep)).toEqual(sleep);
        expect(sleep.time_in_bed_seconds).toBe(Math.round(r.inBed / 1000));
        expect(sleep.time_asleep_seconds).toBe(Math.round((r.light + r.deep + r.rem) / 1000));
        expect(sleep.stage_totals.awake_seconds).toBe(Math.round(r.awake / 1000));
        expect(sleep.is_nap).toBe(r.nap);
        const cycle = WhoopCycleSchema.parse({
          id: 1,
          user_id: 1,
          start: '2026-11-24T22:00:00.000Z',
          score_state: 'SCORED',
          score: { kilojoule: r.kj, strain: 10 },
        });
        const recovery = WhoopRecoverySchema.parse({ cycle_id: 1, user_id: 1, score_state: 'SCORED', score: { recovery_score: 50 } });
        const [day] = joinDays([cycle], [recovery]);
        const metrics = whoopRecovery('whoop', day!);
        expect(RecoveryMetricsSchema.parse(metrics)).toEqual(metrics);
        const health = whoopHealth('whoop', day!, WhoopBodyMeasurementSchema.parse({ height_meter: r.height, weight_kilogram: 70 }));
        expect(HealthMetricsSchema.parse(health)).toEqual(health);
        if (r.kj === undefined) expect(health.calories).toBeNull();
        else expect(health.calories).toBeCloseTo(r.kj / 4.184, 0);
        expect(health.height_meters).toBe(r.height ?? null);
      }),
      RUNS,
    );
  });
});

describe('COROS mapping properties', () => {
  it('validate workouts: small calories become kcal, quarter hours become an offset in seconds', () => {
    const raw = fc.record({
      labelId: fc.stringMatching(/^\d{6,18}$/),
      mode: fc.constantFrom(8, 9, 10, 13, 18, 23, 31, 99),
      subMode: fc.integer({ min: 1, max: 3 }),
      startTime: epoch,
      elapsed: seconds,
      pause: seconds,
      startTimezone: fc.integer({ min: -48, max: 56 }),
      distance: maybe(amount(300_000)),
      calorie: maybe(fc.integer({ min: 0, max: 10_000_000 })),
      avgFrequency: maybe(amount(200)),
    });
    fc.assert(
      fc.property(raw, (r) => {
        const moving = Math.max(0, r.elapsed - r.pause);
        const w = CorosWorkoutSchema.parse({ ...r, endTime: r.startTime + r.elapsed, duration: moving });
        const a = activityFromWorkout('coros', w);
        valid(a);
        expect(a.duration_seconds).toBe(r.elapsed > 0 ? r.elapsed : moving);
        expect(a.calories).toBe(r.calorie === undefined ? null : Math.round(r.calorie / 1000));
        expect(a.utc_offset_seconds).toBe(r.startTimezone * 900);
        expect(a.sport_type_detail).toContain(`(${r.mode}:${r.subMode})`);
      }),
      RUNS,
    );
  });
});

describe('Terra mapping properties', () => {
  const offset = fc.constantFrom('+01:00', '-08:00', '+05:30', 'Z', '');
  const terraTime = (secs: number, zone: string) => {
    const minutes = zone === '' || zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
    return `${new Date((secs + minutes * 60) * 1000).toISOString().slice(0, 19)}.000000${zone}`;
  };

  it('validate activities: zone percentages of the user maximum become bpm', () => {
    const raw = fc.record({
      start: epoch,
      length: seconds,
      zone: offset,
      type: fc.integer({ min: 0, max: 160 }),
      maxHr: maybe(fc.integer({ min: 120, max: 220 })),
      zones: fc.array(fc.record({ start: fc.integer({ min: 0, max: 90 }), seconds: fc.integer({ min: 0, max: 7200 }) }), { maxLength: 6 }),
      total: maybe(amount(5000)),
      net: maybe(amount(5000)),
      moving: maybe(seconds),
    });
    fc.assert(
      fc.property(raw, (r) => {
        const json = TerraActivitySchema.parse({
          metadata: { summary_id: 'x', type: r.type, start_time: terraTime(r.start, r.zone), end_time: terraTime(r.start + r.length, r.zone) },
          heart_rate_data: {
            summary: {
              user_max_hr_bpm: r.maxHr,
              hr_zone_data: r.zones.map((z, i) => ({ zone: i, start_percentage: z.start, end_percentage: z.start + 10, duration_seconds: z.seconds })),
            },
          },
          calories_data: { total_burned_calories: r.total, net_activity_calories: r.net },
          active_durations_data: { activity_seconds: r.moving === undefined ? undefined : Math.min(r.moving, r.length) },
        });
        const a = activityFromTerra(json, 'terra');
        valid(a);
        expect(a.duration_seconds).toBe(r.length);
        expect([a.calories, a.active_calories]).toEqual([r.total ?? null, r.net ?? null]);
        expect(a.utc_offset_seconds === null).toBe(r.zone === '');
        for (const [i, z] of (a.heart_rate_zones ?? []).entries()) {
          expect(z.duration_seconds).toBe(r.zones[i]!.seconds);
          expect(z.min_heart_rate).toBe(r.maxHr === undefined ? null : Math.round((r.maxHr * r.zones[i]!.start) / 100));
        }
      }),
      RUNS,
    );
  });

  it('validate sleep and body: grams become kilograms, centimetres metres', () => {
    const raw = fc.record({
      inBed: seconds,
      asleep: maybe(seconds),
      latency: maybe(seconds),
      wakeups: maybe(fc.integer({ min: 0, max: 40 })),
      height: maybe(fc.integer({ min: 100, max: 230 })),
      muscle: maybe(fc.integer({ min: 0, max: 100_000 })),
      bone: maybe(fc.integer({ min: 0, max: 10_000 })),
      systolic: maybe(fc.integer({ min: 80, max: 200 })),
    });
    fc.assert(
      fc.property(raw, (r) => {
        const sleep = sleepFromTerra(
          TerraSleepSchema.parse({
            metadata: { start_time: '2026-11-24T23:00:00+01:00', end_time: '2026-11-25T07:00:00+01:00', summary_id: 's' },
            sleep_durations_data: {
              asleep: { duration_asleep_state_seconds: r.asleep },
              awake: { num_wakeup_events: r.wakeups, sleep_latency_seconds: r.latency },
              other: { duration_in_bed_seconds: r.inBed },
            },
          }),
          'terra',
        );
        expect(SleepSessionSchema.parse(sleep)).toEqual(sleep);
        expect([sleep.time_in_bed_seconds, sleep.time_asleep_seconds, sleep.onset_latency_seconds, sleep.wake_count]).toEqual([
          r.inBed,
          r.asleep ?? null,
          r.latency ?? null,
          r.wakeups ?? null,
        ]);
        const body = TerraBodySchema.parse({
          metadata: { start_time: '2026-11-25T00:00:00+01:00', end_time: '2026-11-26T00:00:00+01:00' },
          measurements_data: {
            measurements: [{ measurement_time: '2026-11-25T07:00:00+01:00', weight_kg: 70, height_cm: r.height, muscle_mass_g: r.muscle, bone_mass_g: r.bone }],
          },
          blood_pressure_data: { day_avg_systolic_bp: r.systolic },
        });
        const [health] = healthFromTerra([], [body], 'terra');
        expect(HealthMetricsSchema.parse(health)).toEqual(health);
        expect(health!.height_meters).toBe(r.height ? r.height / 100 : null);
        expect(health!.muscle_mass_kg).toBe(r.muscle === undefined ? null : r.muscle / 1000);
        expect(health!.bone_mass_kg).toBe(r.bone === undefined ? null : r.bone / 1000);
        expect(health!.blood_pressure_systolic_mmhg).toBe(r.systolic ?? null);
      }),
      RUNS,
    );
  });
});

describe('Fitbit (Google Health API) mapping properties', () => {
  /** A google-duration in whole seconds, as the API writes offsets. */
  const googleDuration = (secs: number) => `${secs}s`;
  const exerciseType = fc.constantFrom(...Object.keys(SPORT_OF_EXERCISE_TYPE), 'BRAND_NEW_TYPE');

  it('validate exercises: the interval is elapsed time, activeDuration moving time, millimetres metres, mm/s m/s, int64 strings numbers', () => {
    const raw = fc.record({
      start: epoch,
      active: seconds,
      pause: fc.integer({ min: 0, max: 3600 }),
      millis: fc.integer({ min: 0, max: 999 }),
      offset: fc.integer({ min: -48, max: 56 }).map((q) => q * 900),
      type: exerciseType,
      displayName: fc.string({ maxLength: 20 }),
      mm: maybe(amount(300_000_000)),
      elevationMm: maybe(amount(5_000_000)),
      speedMm: maybe(amount(30_000)),
      kcal: maybe(amount(5000)),
      steps: maybe(fc.integer({ min: 0, max: 100_000 })),
      hr: maybe(fc.integer({ min: 40, max: 220 })),
      cadence: maybe(amount(220)),
      zones: maybe(fc.tuple(seconds, seconds, seconds, seconds)),
      device: maybe(fc.string({ minLength: 1, maxLength: 20 })),
    });
    fc.assert(
      fc.property(raw, (r) => {
        const activeSecs = r.active + r.millis / 1000;
        const endSecs = r.start + r.active + r.pause + 1;
        const point = ExercisePointSchema.parse({
          name: `users/u-1/dataTypes/exercise/dataPoints/${r.start}`,
          ...(r.device !== undefined && { dataSource: { device: { displayName: r.device } } }),
          exercise: {
            interval: { startTime: iso(r.start), startUtcOffset: googleDuration(r.offset), endTime: iso(endSecs), endUtcOffset: googleDuration(r.offset) },
            exerciseType: r.type,
            displayName: r.displayName,
            activeDuration: `${r.active}.${String(r.millis).padStart(3, '0')}s`,
            metricsSummary: {
              distanceMillimeters: r.mm,
              elevationGainMillimeters: r.elevationMm,
              averageSpeedMillimetersPerSecond: r.speedMm,
              caloriesKcal: r.kcal,
              steps: r.steps === undefined ? undefined : String(r.steps),
              averageHeartRateBeatsPerMinute: r.hr === undefined ? undefined : String(r.hr),
              mobilityMetrics: r.cadence === undefined ? undefined : { avgCadenceStepsPerMinute: r.cadence },
              heartRateZoneDurations:
                r.zones === undefined
                  ? undefined
                  : { lightTime: `${r.zones[0]}s`, moderateTime: `${r.zones[1]}s`, vigorousTime: `${r.zones[2]}s`, peakTime: `${r.zones[3]}s` },
            },
          },
        });
        const a = fitbitActivity(point);
        valid(a);
        expect(a.duration_seconds).toBe(endSecs - r.start);
        expect(a.end_date).toBe(iso(endSecs).replace('.000Z', 'Z'));
        expect(a.moving_time_seconds).toBeCloseTo(activeSecs, 6);
        expect(a.utc_offset_seconds).toBe(r.offset);
        expect(Date.parse(`${a.start_date_local}Z`) - Date.parse(a.start_date)).toBe(r.offset * 1000);
        expect(a.sport_type).toBe(SPORT_OF_EXERCISE_TYPE[r.type] ?? 'other');
        expect(a.sport_type_detail).toBe(r.type);
        if (r.mm === undefined) expect(a.distance_meters).toBeNull();
        else expect(a.distance_meters).toBeCloseTo(r.mm / 1000, 1);
        if (r.elevationMm === undefined) expect(a.elevation_gain_meters).toBeNull();
        else expect(a.elevation_gain_meters).toBeCloseTo(r.elevationMm / 1000, 1);
        if (r.speedMm !== undefined) expect(a.average_speed).toBeCloseTo(r.speedMm / 1000, 3);
        // caloriesKcal is active energy (Google's active-energy-burned); total energy is unknown.
        expect(a.calories).toBeNull();
        expect(a.active_calories).toBe(r.kcal === undefined ? null : Math.round(r.kcal));
        expect([a.steps, a.average_heart_rate]).toEqual([r.steps ?? null, r.hr ?? null]);
        expect(a.average_cadence).toBe(r.cadence !== undefined && cadenceUnitOf(a.sport_type) === 'steps_per_minute' ? r.cadence : null);
        expect(a.heart_rate_zones?.map((z) => z.duration_seconds) ?? null).toEqual(r.zones ?? null);
        expect(a.device_name).toBe(r.device ?? null);
      }),
      RUNS,
    );
  });

  it('validate sleep, recovery and health: minutes become seconds, the interval time in bed, grams kilograms', () => {
    const minutes = fc.integer({ min: 0, max: 900 });
    const raw = fc.record({
      start: epoch,
      inBed: seconds,
      asleep: maybe(minutes),
      awake: maybe(minutes),
      latency: maybe(minutes),
      deep: maybe(minutes),
      nap: maybe(fc.boolean()),
      grams: fc.integer({ min: 0, max: 300_000 }),
      rhr: fc.integer({ min: 30, max: 120 }),
      hrv: maybe(amount(300)),
    });
    fc.assert(
      fc.property(raw, (r) => {
        const sleep = fitbitSleep(
          SleepPointSchema.parse({
            name: `users/u-1/dataTypes/sleep/dataPoints/${r.start}`,
            sleep: {
              interval: { startTime: iso(r.start), endTime: iso(r.start + r.inBed) },
              type: 'STAGES',
              metadata: r.nap === undefined ? undefined : { nap: r.nap },
              summary: {
                minutesAsleep: r.asleep === undefined ? undefined : String(r.asleep),
                minutesAwake: r.awake === undefined ? undefined : String(r.awake),
                minutesToFallAsleep: r.latency === undefined ? undefined : String(r.latency),
                stagesSummary: r.deep === undefined ? [] : [{ type: 'DEEP', minutes: String(r.deep), count: '3' }],
              },
            },
          }),
        );
        expect(SleepSessionSchema.parse(sleep)).toEqual(sleep);
        expect(sleep.time_in_bed_seconds).toBe(r.inBed);
        expect(Date.parse(sleep.end_date) - Date.parse(sleep.start_date)).toBe(r.inBed * 1000);
        expect([sleep.time_asleep_seconds, sleep.stage_totals.awake_seconds, sleep.onset_latency_seconds, sleep.stage_totals.deep_seconds]).toEqual(
          [r.asleep, r.awake, r.latency, r.deep].map((m) => (m === undefined ? null : m * 60)),
        );
        expect(sleep.is_nap).toBe(r.nap ?? null);

        const date = { year: 2026, month: 11, day: 25 };
        const resting = [RestingHeartRatePointSchema.parse({ dailyRestingHeartRate: { date, beatsPerMinute: String(r.rhr) } })];
        const hrv = [HrvPointSchema.parse({ dailyHeartRateVariability: { date, averageHeartRateVariabilityMilliseconds: r.hrv } })];
        const [recovery] = fitbitRecovery({ resting, hrv, spo2: [] }, '2026-11-25', '2026-11-25');
        expect(RecoveryMetricsSchema.parse(recovery)).toEqual(recovery);
        expect(recovery!.resting_heart_rate).toBe(r.rhr);
        if (r.hrv === undefined) expect(recovery!.hrv_rmssd_ms).toBeNull();
        else expect(recovery!.hrv_rmssd_ms).toBeCloseTo(r.hrv, 1);

        const weight = [
          WeightPointSchema.parse({ weight: { sampleTime: { physicalTime: '2026-11-25T07:00:00Z', utcOffset: '3600s' }, weightGrams: r.grams } }),
        ];
        const [health] = fitbitHealth({ weight, bodyFat: [], resting, steps: [], calories: [] }, '2026-11-25', '2026-11-25');
        expect(HealthMetricsSchema.parse(health)).toEqual(health);
        // Kilograms to two decimals: within half a gram-decade of the raw grams.
        expect(Math.abs(health!.weight_kg! - r.grams / 1000)).toBeLessThanOrEqual(0.005 + 1e-9);
        expect(health!.resting_heart_rate).toBe(r.rhr);
      }),
      RUNS,
    );
  });
});
