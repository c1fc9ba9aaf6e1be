import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  ActivitySchema,
  cadenceUnitOf,
  SPORT_LABELS,
  AthleteSchema,
  HealthMetricsSchema,
  PersonalRecordSchema,
  ProviderError,
  RecoveryMetricsSchema,
  SleepSessionSchema,
  StatsSchema,
  type Activity,
  type SportType,
} from '../../shared/models';
import { ProviderRegistry } from '../../shared/providers/registry';
import { LazyFitnessProvider } from '../../shared/providers/lazy';
import { answerCapabilities, ProviderDescriptorSchema, type FitnessProvider, type ProviderConfig, type ProviderSession } from '../../shared/providers/spi';
import { builtinProvider } from '../../shared/providers/builtin';
import { SYNTHETIC_DESCRIPTOR, SyntheticProvider } from '../../shared/providers/synthetic';

const syntheticProvider = builtinProvider('synthetic');
import {
  activityId,
  DAY_MS,
  dayNumberOf,
  generateDay,
  generateProfile,
  hash32,
  isoDay,
  parseActivityId,
  Rng,
  windowOf,
  type UserKey,
} from '../../shared/providers/synthetic/generator';

/** 2026-11-25T22:00:00Z: late enough in the UTC day that every night of "today" is over. */
const NOW = Date.UTC(2026, 10, 25, 22, 0, 0);
const TODAY = dayNumberOf(NOW);
const ALL = { limit: 10_000, offset: 0 };

function config(settings: Record<string, string> = {}): ProviderConfig {
  return {
    name: 'synthetic',
    clientId: undefined,
    clientSecret: undefined,
    authUrl: undefined,
    tokenUrl: undefined,
    revokeUrl: undefined,
    apiBaseUrl: SYNTHETIC_DESCRIPTOR.apiBaseUrl,
    scopes: [],
    redirectUri: undefined,
    configured: true,
    settings,
  };
}

const noFetch = vi.fn<typeof globalThis.fetch>(() => Promise.reject(new Error('the synthetic provider must not fetch')));

function provider(options: { seed?: string; now?: number } = {}): FitnessProvider {
  const settings: Record<string, string> = options.seed === undefined ? {} : { SEED: options.seed };
  const now = options.now ?? NOW;
  return syntheticProvider.create(config(settings), { fetch: noFetch, now: () => now });
}

function session(userId = 'alice', tenantId = 'tenant-1'): ProviderSession {
  return { tenantId, userId, accessToken: 'ignored' };
}

const days = (from: number, to: number) => ({ start: new Date(from * DAY_MS), end: new Date(to * DAY_MS) });
const WHOLE_WINDOW = days(TODAY - 89, TODAY);
const dayOf = (a: Activity) => dayNumberOf(Date.parse(a.start_date));
const USERS = Array.from({ length: 24 }, (_, i) => `user-${i}`);

describe('synthetic descriptor and factory', () => {
  it('is a valid OAuth-free descriptor with the four data capabilities', () => {
    const descriptor = ProviderDescriptorSchema.parse(syntheticProvider.descriptor);
    expect(descriptor).toMatchObject({
      name: 'synthetic',
      displayName: 'Synthetic (demo data)',
      connection: 'none',
      apiBaseUrl: 'https://synthetic.invalid/api',
      defaultScopes: [],
    });
    expect(answerCapabilities(descriptor)).toEqual(['activities', 'sleep_tracking', 'recovery_metrics', 'health_metrics']);
  });

  it('registers and creates through the registry', async () => {
    const registry = new ProviderRegistry().register(syntheticProvider);
    const created = registry.create('synthetic', config(), { fetch: noFetch, now: () => NOW });
    expect(created.descriptor.name).toBe('synthetic');
    // The implementation is loaded on first use.
    expect(created).toBeInstanceOf(LazyFitnessProvider);
    expect(await (created as LazyFitnessProvider).loaded()).toBeInstanceOf(SyntheticProvider);
  });

  it("reads the seed from settings.SEED and defaults to '42'", () => {
    const seedOf = (settings: Record<string, string>) => new SyntheticProvider(config(settings), { fetch: noFetch, now: () => NOW }).seed;
    expect(seedOf({})).toBe('42');
    expect(seedOf({ SEED: '   ' })).toBe('42');
    expect(seedOf({ SEED: 'demo' })).toBe('demo');
  });
});

describe('synthetic generator building blocks', () => {
  it('hashes and draws deterministically', () => {
    expect(hash32('42|t|u|2026-11-25')).toBe(hash32('42|t|u|2026-11-25'));
    expect(hash32('42|t|u|2026-11-25')).not.toBe(hash32('42|t|u|2026-11-26'));
    const a = new Rng('key');
    const b = new Rng('key');
    const drawsA = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(drawsA);
    expect(drawsA.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(drawsA).size).toBe(100);
  });

  it('round-trips activity ids to their day and rejects malformed ones', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_900_000 }), fc.integer({ min: 1, max: 9 }), (day, index) => {
        expect(parseActivityId(activityId(day, index))).toEqual({ day, index });
      }),
    );
    expect(activityId(TODAY, 1)).toBe('syn-20261125-1');
    for (const bad of ['', 'syn-20261125', 'syn-20261125-0', 'syn-20260230-1', 'syn-00500101-1', 'syn-20261125-1x', 'xsyn-20261125-1', 'syn-2026-11-25-1']) {
      expect(parseActivityId(bad)).toBeUndefined();
    }
  });

  it('gives every profile a rotation of six distinct sports and one rest day', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (seed, tenantId, userId) => {
        const profile = generateProfile({ seed, tenantId, userId });
        const planned = profile.rotation.filter((s): s is SportType => s !== null);
        expect(profile.rotation).toHaveLength(7);
        expect(new Set(planned).size).toBe(6);
      }),
    );
  });

  it('generates the same profile and day from the same inputs, without any cache', () => {
    const user: UserKey = { seed: '42', tenantId: 'tenant-1', userId: 'alice' };
    expect(generateProfile(user)).toEqual(generateProfile(user));
    for (const day of [TODAY, TODAY - 37, TODAY - 89]) {
      expect(generateDay(user, generateProfile(user), day, 'synthetic')).toEqual(generateDay(user, generateProfile(user), day, 'synthetic'));
    }
  });
});

describe('synthetic determinism', () => {
  it('serves exactly what the pure generator produces', async () => {
    const user: UserKey = { seed: '42', tenantId: 'tenant-1', userId: 'alice' };
    const p = provider();
    const expected = Array.from({ length: 90 }, (_, i) => generateDay(user, generateProfile(user), TODAY - 89 + i, 'synthetic'));
    expect(await p.getActivities(session(), ALL)).toEqual(expected.flatMap((d) => d.activities).reverse());
    expect(await p.getSleepSessions(session(), WHOLE_WINDOW)).toEqual(expected.map((d) => d.sleep));
    expect(await p.getRecoveryMetrics(session(), WHOLE_WINDOW)).toEqual(expected.map((d) => d.recovery));
    expect(await p.getHealthMetrics(session(), WHOLE_WINDOW)).toEqual(expected.map((d) => d.health));
  });

  it('answers the same for the same seed, tenant and user', async () => {
    const [a, b] = [provider({ seed: '42' }), provider()];
    expect(await a.getActivities(session(), ALL)).toEqual(await b.getActivities(session(), ALL));
    expect(await a.getAthlete(session())).toEqual(await b.getAthlete(session()));
    expect(await a.getSleepSessions(session(), WHOLE_WINDOW)).toEqual(await b.getSleepSessions(session(), WHOLE_WINDOW));
  });

  it('differs between users, tenants and seeds', async () => {
    const base = await provider().getActivities(session('alice', 't1'), ALL);
    expect(await provider().getActivities(session('bob', 't1'), ALL)).not.toEqual(base);
    expect(await provider().getActivities(session('alice', 't2'), ALL)).not.toEqual(base);
    expect(await provider({ seed: '43' }).getActivities(session('alice', 't1'), ALL)).not.toEqual(base);
    const athlete = await provider().getAthlete(session('alice', 't1'));
    expect((await provider().getAthlete(session('bob', 't1'))).id).not.toBe(athlete.id);
    expect((await provider({ seed: '43' }).getAthlete(session('alice', 't1'))).id).not.toBe(athlete.id);
  });

  it('ignores the access token', async () => {
    const p = provider();
    const other = { ...session(), accessToken: 'something-else' };
    expect(await p.getActivities(other, ALL)).toEqual(await p.getActivities(session(), ALL));
  });

  it('keeps a day unchanged as the window moves forward', async () => {
    const earlier = provider();
    const later = provider({ now: NOW + 10 * DAY_MS });
    const overlap = (await earlier.getActivities(session(), ALL)).filter((a) => dayOf(a) >= TODAY - 79);
    expect(overlap.length).toBeGreaterThan(0);
    const fromLater = (await later.getActivities(session(), ALL)).filter((a) => dayOf(a) <= TODAY);
    expect(fromLater).toEqual(overlap);
    const range = days(TODAY - 79, TODAY);
    expect(await later.getSleepSessions(session(), range)).toEqual(await earlier.getSleepSessions(session(), range));
    expect(await later.getHealthMetrics(session(), range)).toEqual(await earlier.getHealthMetrics(session(), range));
  });
});

describe('synthetic coverage', () => {
  it('covers the 90 days ending today', async () => {
    const p = provider();
    const expectedDates = Array.from({ length: 90 }, (_, i) => isoDay(TODAY - 89 + i));
    const wide = days(TODAY - 400, TODAY + 400);
    expect((await p.getRecoveryMetrics(session(), wide)).map((r) => r.date)).toEqual(expectedDates);
    expect((await p.getHealthMetrics(session(), wide)).map((h) => h.date)).toEqual(expectedDates);
    expect((await p.getSleepSessions(session(), wide)).map((s) => s.id)).toEqual(expectedDates.map((d) => `syn-sleep-${d.replaceAll('-', '')}`));

    for (const user of USERS) {
      const activities = await p.getActivities(session(user), ALL);
      const perDay = new Map<number, number>();
      for (const a of activities) perDay.set(dayOf(a), (perDay.get(dayOf(a)) ?? 0) + 1);
      expect(Math.min(...perDay.keys())).toBeGreaterThanOrEqual(TODAY - 89);
      expect(Math.max(...perDay.keys())).toBeLessThanOrEqual(TODAY);
      expect(Math.max(...perDay.values())).toBeLessThanOrEqual(2);
      // Activity on most days, spread over the whole window, with some rest days.
      expect(perDay.size).toBeGreaterThanOrEqual(45);
      expect(perDay.size).toBeLessThan(90);
      expect([...perDay.keys()].some((d) => d < TODAY - 75)).toBe(true);
    }
  });

  it('has at least six sport types over the window for any user, seed and date', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string(),
        fc.string(),
        fc.string(),
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2060, 0, 1) }),
        async (seed, tenantId, userId, now) => {
          const activities = await provider({ seed, now }).getActivities({ tenantId, userId, accessToken: '' }, ALL);
          expect(new Set(activities.map((a) => a.sport_type)).size).toBeGreaterThanOrEqual(6);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('hides what has not happened yet today', async () => {
    const endOfDay = (TODAY + 1) * DAY_MS - 1000;
    for (const user of USERS) {
      const late = provider({ now: endOfDay });
      const today = (await late.getActivities(session(user), ALL)).filter((a) => dayOf(a) === TODAY && Date.parse(a.start_date) > TODAY * DAY_MS);
      const target = today.at(-1);
      if (!target) continue;
      const earlyNow = Date.parse(target.start_date) - 1000;
      const early = provider({ now: earlyNow });
      expect((await early.getActivities(session(user), ALL)).map((a) => a.id)).not.toContain(target.id);
      await expect(early.getActivity(session(user), target.id)).rejects.toMatchObject({ kind: 'not_found' });
      expect(await late.getActivity(session(user), target.id)).toEqual(target);
      return;
    }
    throw new Error('no user with an activity later today');
  });

  it('lists a night only once it is over', async () => {
    const justAfterMidnight = TODAY * DAY_MS + 30 * 60_000;
    const p = provider({ now: justAfterMidnight });
    const counts = new Set<number>();
    for (const user of USERS) {
      const sleeps = await p.getSleepSessions(session(user), WHOLE_WINDOW);
      expect(sleeps.every((s) => Date.parse(s.end_date) <= justAfterMidnight)).toBe(true);
      counts.add(sleeps.length);
    }
    // Users east of UTC are already up; the others are still asleep.
    expect([...counts].sort()).toEqual([89, 90]);
  });
});

describe('synthetic values', () => {
  // Pace and speed are over moving time.
  const paceSecPerKm = (a: Activity) => a.moving_time_seconds! / ((a.distance_meters ?? NaN) / 1000);
  const kmh = (a: Activity) => (a.distance_meters ?? NaN) / 1000 / (a.moving_time_seconds! / 3600);
  const OUTDOOR: ReadonlySet<SportType> = new Set(['run', 'trail_run', 'ride', 'mountain_bike_ride', 'walk', 'hike', 'swim']);

  it('are realistic for every sport', async () => {
    const seen = new Set<SportType>();
    for (const user of USERS) {
      const profile = generateProfile({ seed: '42', tenantId: 'tenant-1', userId: user });
      for (const a of await provider().getActivities(session(user), ALL)) {
        seen.add(a.sport_type);
        expect(a.start_date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        expect(parseActivityId(a.id)?.day).toBe(dayOf(a));
        expect(a.name.length).toBeGreaterThan(0);

        expect(a.average_heart_rate).toBeGreaterThanOrEqual(100);
        expect(a.average_heart_rate).toBeLessThanOrEqual(170);
        expect(a.max_heart_rate).toBeGreaterThan(a.average_heart_rate!);
        expect(a.max_heart_rate).toBeLessThanOrEqual(200);

        const kcalPerHour = a.calories! / (a.duration_seconds / 3600);
        expect(kcalPerHour).toBeGreaterThan(100);
        expect(kcalPerHour).toBeLessThan(1300);

        const localHour = (((Date.parse(a.start_date) / 3_600_000 + profile.city.utcOffsetHours) % 24) + 24) % 24;
        expect(localHour).toBeGreaterThanOrEqual(6);
        expect(localHour).toBeLessThan(20);

        if (OUTDOOR.has(a.sport_type)) {
          expect(Math.abs(a.start_latitude! - profile.home.lat)).toBeLessThan(0.4);
          expect(Math.abs(a.start_longitude! - profile.home.lng)).toBeLessThan(0.7);
          if (a.sport_type !== 'swim') expect(a.elevation_gain_meters).toBeGreaterThan(0);
          expect(a.summary_polyline).toMatch(/^[\x3f-\x7e]+$/);
          expect(a).toMatchObject({ city: profile.city.city, region: profile.city.region, country: profile.city.country });
        } else {
          expect(a.start_latitude).toBeNull();
          expect(a.start_longitude).toBeNull();
          expect(a.elevation_gain_meters).toBeNull();
          expect(a.summary_polyline).toBeNull();
        }
        if (a.distance_meters !== null) {
          expect(a.average_speed).toBeCloseTo(a.distance_meters / a.moving_time_seconds!, 2);
          expect(a.max_speed).toBeGreaterThan(a.average_speed!);
        }

        // Elapsed time holds the pauses of outdoor sessions (up to 8 %); the end follows from it.
        expect(a.moving_time_seconds).toBeGreaterThan(0);
        expect(a.duration_seconds).toBeGreaterThanOrEqual(a.moving_time_seconds!);
        expect(a.duration_seconds).toBeLessThanOrEqual(Math.round(a.moving_time_seconds! * 1.08));
        expect(Date.parse(a.end_date) - Date.parse(a.start_date)).toBe(a.duration_seconds * 1000);
        expect(a.utc_offset_seconds).toBe(profile.city.utcOffsetHours * 3600);
        expect(a.timezone).toBe(profile.city.timezone);
        expect(Date.parse(`${a.start_date_local}Z`) - Date.parse(a.start_date)).toBe(a.utc_offset_seconds! * 1000);
        expect(a.sport_type_detail).toBe(SPORT_LABELS[a.sport_type]);
        expect(a.device_name).toBe(profile.device);
        // Zones cover the moving time; energy splits into active and resting.
        expect(a.heart_rate_zones!.reduce((sum, z) => sum + z.duration_seconds, 0)).toBe(a.moving_time_seconds);
        expect(a.active_calories).toBeLessThan(a.calories!);
        expect(a.active_calories).toBeGreaterThan(0);
        expect(a.strain).toBeGreaterThan(0);
        expect(a.strain).toBeLessThanOrEqual(21);
        expect(a.suffer_score).toBeGreaterThanOrEqual(0);
        // Cadence only where the sport's family has a unit; peaks above averages.
        if (cadenceUnitOf(a.sport_type) === undefined) expect(a.average_cadence).toBeNull();
        else expect(a.max_cadence).toBeGreaterThan(a.average_cadence!);
        if (a.average_power !== null) {
          expect(a.max_power).toBeGreaterThan(a.average_power);
          expect(a.normalized_power).toBeGreaterThan(a.average_power);
          expect(a.training_stress_score).toBeGreaterThan(0);
        } else {
          expect([a.max_power, a.normalized_power, a.training_stress_score]).toEqual([null, null, null]);
        }
        if (a.sport_type === 'run' || a.sport_type === 'trail_run') expect(['default', 'race', 'long_run', 'workout']).toContain(a.workout_type);

        switch (a.sport_type) {
          case 'run':
            expect(paceSecPerKm(a)).toBeGreaterThanOrEqual(254);
            expect(paceSecPerKm(a)).toBeLessThanOrEqual(421);
            expect(a.distance_meters).toBeGreaterThanOrEqual(3000);
            expect(a.distance_meters).toBeLessThanOrEqual(21_000);
            expect(a.steps).toBeGreaterThan(0);
            break;
          case 'ride':
            expect(kmh(a)).toBeGreaterThanOrEqual(17.9);
            expect(kmh(a)).toBeLessThanOrEqual(34.1);
            expect(a.distance_meters).toBeGreaterThanOrEqual(15_000);
            expect(a.distance_meters).toBeLessThanOrEqual(110_000);
            expect(a.average_power).toBeGreaterThanOrEqual(120);
            expect(a.average_power).toBeLessThanOrEqual(260);
            expect(a.average_cadence).toBeGreaterThanOrEqual(75);
            expect(a.average_cadence).toBeLessThanOrEqual(95);
            break;
          case 'swim':
            expect(a.distance_meters).toBeGreaterThanOrEqual(1000);
            expect(a.distance_meters).toBeLessThanOrEqual(4000);
            expect(paceSecPerKm(a) / 10).toBeGreaterThanOrEqual(99.9);
            expect(paceSecPerKm(a) / 10).toBeLessThanOrEqual(160.1);
            // Strokes per minute.
            expect(a.average_cadence).toBeGreaterThanOrEqual(20);
            expect(a.average_cadence).toBeLessThanOrEqual(38);
            break;
          case 'walk':
            expect(kmh(a)).toBeGreaterThanOrEqual(4);
            expect(kmh(a)).toBeLessThanOrEqual(6);
            expect(a.distance_meters).toBeGreaterThanOrEqual(2000);
            expect(a.distance_meters).toBeLessThanOrEqual(8000);
            expect(a.steps).toBeGreaterThan(2000);
            break;
          case 'hike':
            expect(a.elevation_gain_meters).toBeGreaterThanOrEqual(300);
            expect(a.steps).toBeGreaterThan(0);
            break;
          case 'strength_training':
          case 'yoga':
            expect(a.distance_meters).toBeNull();
            expect(a.duration_seconds).toBeGreaterThanOrEqual(25 * 60);
            expect(a.duration_seconds).toBeLessThanOrEqual(75 * 60);
            break;
          default:
            expect(a.duration_seconds).toBeGreaterThan(15 * 60);
            expect(a.duration_seconds).toBeLessThan(8 * 3600);
        }
      }
    }
    for (const sport of ['run', 'ride', 'swim', 'walk', 'hike', 'strength_training', 'yoga', 'rowing', 'trail_run'] as const) {
      expect(seen).toContain(sport);
    }
  });

  it('builds sleep from stages that add up', async () => {
    for (const user of USERS.slice(0, 8)) {
      for (const s of await provider().getSleepSessions(session(user), WHOLE_WINDOW)) {
        const start = Date.parse(s.start_date);
        expect(Date.parse(s.end_date) - start).toBe(s.time_in_bed_seconds * 1000);
        expect(s.time_in_bed_seconds).toBeGreaterThan(5.5 * 3600);
        expect(s.time_in_bed_seconds).toBeLessThan(10 * 3600);
        expect(s.stages.reduce((sum, st) => sum + st.duration_seconds, 0)).toBe(s.time_in_bed_seconds);
        let cursor = start;
        const totals = { awake: 0, light: 0, deep: 0, rem: 0 };
        for (const stage of s.stages) {
          expect(Date.parse(stage.start_date)).toBe(cursor);
          cursor += stage.duration_seconds * 1000;
          totals[stage.stage] += stage.duration_seconds;
        }
        expect(s.stage_totals).toEqual({
          awake_seconds: totals.awake,
          light_seconds: totals.light,
          deep_seconds: totals.deep,
          rem_seconds: totals.rem,
        });
        // Roughly one REM period per 90-minute cycle.
        const cycles = s.stages.filter((st) => st.stage === 'rem').length;
        expect(Math.abs(cycles - s.time_in_bed_seconds / 5400)).toBeLessThanOrEqual(1.5);
        expect(s.stages[0]?.stage).toBe('awake');
        expect(s.time_asleep_seconds).toBe(s.time_in_bed_seconds - totals.awake);
        expect(s.efficiency_percentage).toBeCloseTo((100 * s.time_asleep_seconds!) / s.time_in_bed_seconds, 1);
        expect(s.onset_latency_seconds).toBe(s.stages[0]!.duration_seconds);
        expect(s.wake_count).toBe(s.stages.filter((st) => st.stage === 'awake').length - 1);
        expect(s.is_nap).toBe(false);
        expect(s.spo2_percentage).toBeGreaterThanOrEqual(95);
        expect(Math.abs(s.skin_temp_deviation_celsius!)).toBeLessThanOrEqual(0.7);
        expect(s.sleep_score).toBeGreaterThanOrEqual(0);
        expect(s.sleep_score).toBeLessThanOrEqual(100);
        expect(s.average_heart_rate).toBeGreaterThan(35);
        expect(s.average_heart_rate).toBeLessThan(90);
        expect(s.hrv_rmssd_ms).toBeGreaterThan(10);
        expect(s.respiratory_rate).toBeGreaterThan(10);
        expect(s.respiratory_rate).toBeLessThan(20);
      }
    }
  });

  it('keeps recovery and health metrics in range and consistent', async () => {
    for (const user of USERS.slice(0, 8)) {
      const p = provider();
      const athlete = await p.getAthlete(session(user));
      const recovery = await p.getRecoveryMetrics(session(user), WHOLE_WINDOW);
      const health = await p.getHealthMetrics(session(user), WHOLE_WINDOW);
      recovery.forEach((r, i) => {
        const h = health[i]!;
        expect(h.date).toBe(r.date);
        expect(r.recovery_score).toBeGreaterThanOrEqual(0);
        expect(r.recovery_score).toBeLessThanOrEqual(100);
        expect(r.strain).toBeGreaterThanOrEqual(0);
        expect(r.strain).toBeLessThanOrEqual(21);
        expect(r.spo2_percentage).toBeGreaterThanOrEqual(90);
        expect(r.spo2_percentage).toBeLessThanOrEqual(100);
        expect(r.skin_temp_celsius).toBeGreaterThan(32);
        expect(r.skin_temp_celsius).toBeLessThan(36);
        expect(r.resting_heart_rate).toBeGreaterThanOrEqual(35);
        expect(r.resting_heart_rate).toBeLessThanOrEqual(80);
        expect(h.resting_heart_rate).toBe(r.resting_heart_rate);
        expect(Math.abs(h.weight_kg! - athlete.weight_kg!)).toBeLessThan(2.5);
        expect(h.bmi).toBeGreaterThan(17);
        expect(h.bmi).toBeLessThan(32);
        expect(h.body_fat_percentage).toBeGreaterThan(5);
        expect(h.body_fat_percentage).toBeLessThan(40);
        expect(h.steps).toBeGreaterThan(2000);
        expect(h.calories).toBeGreaterThan(1200);
        expect(h.calories).toBeLessThan(6000);
        expect(h.vo2max).toBeGreaterThan(25);
        expect(h.vo2max).toBeLessThan(70);
        expect(h.calories).toBe(h.active_calories! + h.bmr_calories!);
        expect(h.bmr_calories).toBeGreaterThan(1000);
        expect(h.height_meters).toBeCloseTo(Math.sqrt(h.weight_kg! / h.bmi!), 1);
        expect(h.muscle_mass_kg! + h.bone_mass_kg!).toBeLessThan(h.weight_kg!);
        expect(h.body_water_percentage).toBeGreaterThan(40);
        expect(h.body_water_percentage).toBeLessThan(75);
        expect(h.blood_pressure_systolic_mmhg).toBeGreaterThan(h.blood_pressure_diastolic_mmhg!);
        expect(h.blood_glucose_mg_dl).toBeGreaterThanOrEqual(70);
        expect(h.blood_glucose_mg_dl).toBeLessThanOrEqual(110);
        expect(r.stress_level).toBeGreaterThanOrEqual(0);
        expect(r.stress_level).toBeLessThanOrEqual(100);
        expect(r.respiratory_rate).toBeGreaterThan(10);
        expect(Math.abs(r.skin_temp_deviation_celsius!)).toBeLessThanOrEqual(0.7);
        const previous = health[i - 1];
        if (previous) expect(Math.abs(h.weight_kg! - previous.weight_kg!)).toBeLessThan(1);
      });
      // bmi follows weight for a fixed height
      const heights = health.map((h) => Math.sqrt(h.weight_kg! / h.bmi!));
      expect(Math.max(...heights) - Math.min(...heights)).toBeLessThan(0.02);
    }
  });

  it('passes every schema', async () => {
    for (const user of USERS.slice(0, 6)) {
      const p = provider();
      const activities = await p.getActivities(session(user), ALL);
      for (const a of activities) expect(ActivitySchema.parse(a)).toEqual(a);
      for (const s of await p.getSleepSessions(session(user), WHOLE_WINDOW)) expect(SleepSessionSchema.parse(s)).toEqual(s);
      for (const r of await p.getRecoveryMetrics(session(user), WHOLE_WINDOW)) expect(RecoveryMetricsSchema.parse(r)).toEqual(r);
      for (const h of await p.getHealthMetrics(session(user), WHOLE_WINDOW)) expect(HealthMetricsSchema.parse(h)).toEqual(h);
      const athlete = await p.getAthlete(session(user));
      expect(AthleteSchema.parse(athlete)).toEqual(athlete);
      expect(athlete.provider).toBe('synthetic');

      const stats = StatsSchema.parse(await p.getStats(session(user)));
      expect(stats.all_time.count).toBe(activities.length);
      // Totals of elapsed and of moving time.
      const sum = (f: (a: Activity) => number) => Math.round(activities.reduce((t, a) => t + f(a), 0) * 10) / 10;
      expect(stats.all_time.duration_seconds).toBe(sum((a) => a.duration_seconds));
      expect(stats.all_time.moving_time_seconds).toBe(sum((a) => a.moving_time_seconds!));
      expect(stats.all_time.moving_time_seconds).toBeLessThan(stats.all_time.duration_seconds);
      expect(Object.keys(stats.by_sport).length).toBeGreaterThanOrEqual(6);
      expect(stats.recent_4_weeks.count).toBeLessThan(stats.all_time.count);

      const records = await p.getPersonalRecords(session(user));
      expect(records.length).toBeGreaterThan(0);
      const ids = new Set(activities.map((a) => a.id));
      for (const r of records) {
        expect(PersonalRecordSchema.parse(r)).toEqual(r);
        expect(ids).toContain(r.activity_id);
      }
    }
  });
});

describe('synthetic activity queries', () => {
  const p = provider();
  const s = session('paging');

  it('lists newest first and pages with limit and offset', async () => {
    const all = await p.getActivities(s, ALL);
    const starts = all.map((a) => Date.parse(a.start_date));
    expect(starts).toEqual([...starts].sort((x, y) => y - x));
    expect(await p.getActivities(s, { limit: 10, offset: 0 })).toEqual(all.slice(0, 10));
    expect(await p.getActivities(s, { limit: 7, offset: 13 })).toEqual(all.slice(13, 20));
    expect(await p.getActivities(s, { limit: 0, offset: 0 })).toEqual([]);
    expect(await p.getActivities(s, { limit: 10, offset: all.length })).toEqual([]);
    expect(await p.getActivities(s, { limit: 10, offset: all.length - 3 })).toEqual(all.slice(-3));
    const pages: Activity[] = [];
    for (let offset = 0; offset < all.length; offset += 25) pages.push(...(await p.getActivities(s, { limit: 25, offset })));
    expect(pages).toEqual(all);
  });

  it('filters by start time with exclusive before and after', async () => {
    const all = await p.getActivities(s, ALL);
    const pivot = all[10]!;
    const at = new Date(pivot.start_date);
    const before = await p.getActivities(s, { ...ALL, before: at });
    expect(before).toEqual(all.slice(11));
    const after = await p.getActivities(s, { ...ALL, after: at });
    expect(after).toEqual(all.slice(0, 10));
    const between = await p.getActivities(s, { ...ALL, after: new Date(all[30]!.start_date), before: at });
    expect(between).toEqual(all.slice(11, 30));
    expect(await p.getActivities(s, { limit: 5, offset: 2, before: at })).toEqual(all.slice(13, 18));
    expect(await p.getActivities(s, { ...ALL, after: new Date(NOW) })).toEqual([]);
    expect(await p.getActivities(s, { ...ALL, before: new Date((TODAY - 89) * DAY_MS) })).toEqual([]);
  });

  it('finds every listed activity by id', async () => {
    for (const a of await p.getActivities(s, ALL)) expect(await p.getActivity(s, a.id)).toEqual(a);
  });

  it('answers not_found for unknown, malformed and out-of-window ids', async () => {
    const todayId = isoDay(TODAY).replaceAll('-', '');
    const ids = [`syn-${todayId}-9`, 'not-an-id', '', 'syn-20260230-1', activityId(TODAY - 90, 1), activityId(TODAY + 1, 1), activityId(TODAY - 400, 1)];
    for (const id of ids) {
      const error = await p.getActivity(s, id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ kind: 'not_found', provider: 'synthetic' });
    }
    // An id that existed 90 days ago drops out once the window has moved past it.
    const oldest = (await p.getActivities(s, ALL)).at(-1)!;
    const later = provider({ now: NOW + 5 * DAY_MS });
    await expect(later.getActivity(s, oldest.id)).rejects.toMatchObject({ kind: 'not_found' });
  });
});

describe('synthetic date ranges', () => {
  const p = provider();
  const s = session('ranges');
  const dates = async (range: { start: Date; end: Date }) => (await p.getRecoveryMetrics(s, range)).map((r) => r.date);

  it('includes both the start day and the end day, whatever the time of day', async () => {
    const range = { start: new Date((TODAY - 10) * DAY_MS + DAY_MS - 1), end: new Date((TODAY - 5) * DAY_MS) };
    const expected = Array.from({ length: 6 }, (_, i) => isoDay(TODAY - 10 + i));
    expect(await dates(range)).toEqual(expected);
    expect((await p.getHealthMetrics(s, range)).map((h) => h.date)).toEqual(expected);
    expect(await p.getSleepSessions(s, range)).toHaveLength(6);
    expect(await dates(days(TODAY - 3, TODAY - 3))).toEqual([isoDay(TODAY - 3)]);
  });

  it('clamps to the 90-day window', async () => {
    expect(await dates(days(TODAY - 365, TODAY + 365))).toHaveLength(90);
    expect(await dates(days(TODAY - 365, TODAY - 80))).toEqual(Array.from({ length: 10 }, (_, i) => isoDay(TODAY - 89 + i)));
    expect(await dates(days(TODAY - 2, TODAY + 30))).toEqual([isoDay(TODAY - 2), isoDay(TODAY - 1), isoDay(TODAY)]);
    expect(await dates(days(TODAY - 365, TODAY - 90))).toEqual([]);
    expect(await dates(days(TODAY + 1, TODAY + 30))).toEqual([]);
    expect(await p.getSleepSessions(s, days(TODAY - 365, TODAY - 90))).toEqual([]);
    expect(await p.getHealthMetrics(s, days(TODAY + 1, TODAY + 30))).toEqual([]);
  });

  it('returns nothing for a reversed or invalid range', async () => {
    expect(await dates(days(TODAY - 5, TODAY - 10))).toEqual([]);
    expect(await dates({ start: new Date(Number.NaN), end: new Date(NOW) })).toEqual([]);
  });
});

describe('synthetic connection and health', () => {
  it('needs no OAuth and never calls the network', async () => {
    const p = provider();
    for (const call of [
      () => p.authorizationUrl({ tenantId: 't', userId: 'u', state: 's', redirectUri: 'https://app.example.com/cb', scopes: [] }),
      () => p.exchangeCode({ query: { code: 'x' }, redirectUri: 'https://app.example.com/cb' }),
      () => p.refreshToken('r'),
    ]) {
      await expect(call()).rejects.toMatchObject({ kind: 'unsupported_feature', provider: 'synthetic' });
    }
    await expect(p.revokeToken(session())).resolves.toBeUndefined();
    await expect(p.healthCheck()).resolves.toBeUndefined();
    expect(noFetch).not.toHaveBeenCalled();
  });

  it('generates 90 days cheaply', async () => {
    const p = provider({ seed: 'perf' });
    await p.getActivities(session('warm-up'), ALL);
    const started = performance.now();
    for (let i = 0; i < 10; i++) {
      const user = session(`perf-${i}`);
      await p.getActivities(user, ALL);
      await p.getSleepSessions(user, WHOLE_WINDOW);
    }
    expect((performance.now() - started) / 10).toBeLessThan(50);
    const cached = performance.now();
    await p.getActivities(session('perf-0'), ALL);
    expect(performance.now() - cached).toBeLessThan(20);
  });

  it('uses the window of deps.now()', () => {
    expect(windowOf(NOW)).toEqual({ first: TODAY - 89, last: TODAY });
  });
});
