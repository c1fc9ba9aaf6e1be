/**
 * One simulated Google Health user: the synthetic generator's deterministic days, rendered as
 * Google Health API data points (kebab-case types, int64 values as strings, durations as
 * `"1800s"`, millimetres and grams, `{year,month,day}` dates). A Fitbit account has history:
 * 180 days are served.
 */
import {
  DAY_MS,
  dayNumberOf,
  generateDay,
  generateProfile,
  hash32,
  isoDay,
  type SyntheticDay,
  type SyntheticProfile,
} from '../../../shared/providers/synthetic/generator';
import { SPORT_LABELS, type SportType } from '../../../shared/models';

const HISTORY_DAYS = 180;
const SEED = 'google-health-simulator';

/** How each generated sport is recorded: its ExerciseType and the name the app shows (others: OTHER). */
const EXERCISE: Partial<Record<SportType, { type: string; name: string }>> = {
  run: { type: 'RUNNING', name: 'Run' },
  trail_run: { type: 'RUNNING', name: 'Trail run' },
  ride: { type: 'BIKING', name: 'Outdoor bike' },
  virtual_ride: { type: 'BIKING', name: 'Spinning' },
  mountain_bike_ride: { type: 'BIKING', name: 'Mountain biking' },
  swim: { type: 'SWIMMING', name: 'Swim' },
  walk: { type: 'WALKING', name: 'Walk' },
  hike: { type: 'HIKING', name: 'Hike' },
  rowing: { type: 'OTHER', name: 'Rowing machine' },
  strength_training: { type: 'WEIGHTLIFTING', name: 'Weights' },
  yoga: { type: 'YOGA', name: 'Yoga' },
  pilates: { type: 'PILATES', name: 'Pilates' },
  hiit: { type: 'HIIT', name: 'Interval workout' },
  workout: { type: 'WORKOUT', name: 'Workout' },
};

/** Google's four zones from the generator's five: its two lowest are Google's light zone. */
const ZONE_FIELDS = ['lightTime', 'lightTime', 'moderateTime', 'vigorousTime', 'peakTime'] as const;

const DEVICE = { displayName: 'Pixel Watch 3', manufacturer: 'Google', formFactor: 'WATCH' };
const SCALE = { displayName: 'Aria Air', manufacturer: 'Fitbit', formFactor: 'SCALE' };

/** A data point as served, with what lists sort and filter on. */
export interface SimPoint {
  id: string;
  /** Sort key, newest first: interval start, sample time or the day's midnight (UTC ms). */
  sortMs: number;
  /** What filters compare: physical instants (ms) and civil (local) times as `YYYY-MM-DDTHH:mm:ss`. */
  startMs: number;
  endMs: number;
  civilStart: string;
  civilEnd: string;
  /** `YYYY-MM-DD` for daily types. */
  date: string;
  body: Record<string, unknown>;
}

const dateOf = (day: string) => {
  const [year, month, d] = day.split('-').map(Number);
  return { year, month, day: d };
};

export class GoogleHealthUser {
  readonly profile: SyntheticProfile;
  private readonly days = new Map<number, SyntheticDay>();

  constructor(
    readonly healthUserId: string,
    private readonly now: () => number,
  ) {
    this.profile = generateProfile({ seed: SEED, tenantId: 'google-health', userId: healthUserId });
  }

  /** Fixed: the generator ignores daylight saving time, and so does this user. */
  get offsetSecs(): number {
    return Math.round(this.profile.city.utcOffsetHours * 3600);
  }

  private get offset(): string {
    return `${this.offsetSecs}s`;
  }

  civil(ms: number): string {
    return new Date(ms + this.offsetSecs * 1000).toISOString().slice(0, 19);
  }

  today(): string {
    return isoDay(dayNumberOf(this.now() + this.offsetSecs * 1000));
  }

  private day(day: number): SyntheticDay | undefined {
    const last = dayNumberOf(this.now());
    if (day < last - HISTORY_DAYS + 1 || day > last) return undefined;
    let data = this.days.get(day);
    if (!data) {
      data = generateDay({ seed: SEED, tenantId: 'google-health', userId: this.healthUserId }, this.profile, day, 'fitbit');
      this.days.set(day, data);
    }
    return data;
  }

  private allDays(): SyntheticDay[] {
    const last = dayNumberOf(this.now());
    const out: SyntheticDay[] = [];
    for (let d = last - HISTORY_DAYS + 1; d <= last; d++) out.push(this.day(d)!);
    return out;
  }

  private name(type: string, id: string): string {
    return `users/${this.healthUserId}/dataTypes/${type}/dataPoints/${id}`;
  }

  /** Long-integer ids, as exercise ids are (exportExerciseTcx takes one). */
  private pointId(day: number, index: number): string {
    return String((day * 10 + index) * 100_000 + (hash32(this.healthUserId) % 100_000));
  }

  private interval(startMs: number, endMs: number) {
    const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
    return { startTime: iso(startMs), startUtcOffset: this.offset, endTime: iso(endMs), endUtcOffset: this.offset };
  }

  private point(type: string, id: string, startMs: number, endMs: number, payload: Record<string, unknown>, named: boolean): SimPoint {
    const date = this.civil(startMs).slice(0, 10);
    return {
      id,
      sortMs: startMs,
      startMs,
      endMs,
      civilStart: this.civil(startMs),
      civilEnd: this.civil(endMs),
      date,
      body: {
        ...(named && { name: this.name(type, id) }),
        dataSource: {
          platform: 'FITBIT',
          recordingMethod: type === 'exercise' ? 'ACTIVELY_MEASURED' : 'PASSIVELY_MEASURED',
          device: type === 'weight' || type === 'body-fat' ? SCALE : DEVICE,
        },
        ...payload,
      },
    };
  }

  /** Every data point of a type that exists by now, newest first. */
  points(type: string): SimPoint[] {
    const now = this.now();
    const out: SimPoint[] = [];
    for (const d of this.allDays()) out.push(...this.pointsOf(type, d).filter((p) => p.endMs <= now));
    return out.sort((a, b) => b.sortMs - a.sortMs);
  }

  private pointsOf(type: string, d: SyntheticDay): SimPoint[] {
    const midnight = Date.parse(`${d.date}T00:00:00Z`);
    const daily = (payload: Record<string, unknown>) => {
      const point = this.point(type, `${type}-${d.date}`, midnight, midnight, { ...payload }, false);
      return [{ ...point, date: d.date, sortMs: midnight }];
    };
    const sleepEnd = Date.parse(d.sleep.end_date);
    switch (type) {
      case 'exercise':
        return d.activities.map((a, i) => this.exercise(d, a, i));
      case 'sleep':
        return [this.sleep(d)];
      case 'daily-resting-heart-rate':
        return d.recovery.resting_heart_rate === null
          ? []
          : daily({
              dailyRestingHeartRate: {
                date: dateOf(d.date),
                beatsPerMinute: String(d.recovery.resting_heart_rate),
                dailyRestingHeartRateMetadata: { calculationMethod: 'WITH_SLEEP' },
              },
            }).map((p) => ({ ...p, endMs: sleepEnd }));
      case 'daily-heart-rate-variability':
        return d.recovery.hrv_rmssd_ms === null
          ? []
          : daily({ dailyHeartRateVariability: { date: dateOf(d.date), averageHeartRateVariabilityMilliseconds: d.recovery.hrv_rmssd_ms } }).map((p) => ({
              ...p,
              endMs: sleepEnd,
            }));
      case 'daily-oxygen-saturation': {
        const avg = d.recovery.spo2_percentage ?? 97;
        return daily({
          dailyOxygenSaturation: {
            date: dateOf(d.date),
            averagePercentage: avg,
            lowerBoundPercentage: Math.max(88, avg - 3.2),
            upperBoundPercentage: Math.min(100, avg + 2.1),
          },
        }).map((p) => ({ ...p, endMs: sleepEnd }));
      }
      case 'weight':
      case 'body-fat':
        return this.weighIn(type, d);
      default:
        return [];
    }
  }

  private exercise(d: SyntheticDay, a: SyntheticDay['activities'][number], index: number): SimPoint {
    const id = this.pointId(d.day, index + 1);
    const startMs = Date.parse(a.start_date);
    // The generator's elapsed time is the interval; its moving time the active duration.
    const endMs = startMs + a.duration_seconds * 1000;
    const movingSecs = a.moving_time_seconds ?? a.duration_seconds;
    const sport = EXERCISE[a.sport_type] ?? { type: 'OTHER', name: SPORT_LABELS[a.sport_type] };
    const metrics: Record<string, unknown> = {};
    if (a.active_calories !== null) metrics['caloriesKcal'] = a.active_calories;
    if (a.distance_meters !== null) {
      metrics['distanceMillimeters'] = Math.round(a.distance_meters * 1000);
      if (movingSecs > 0) metrics['averageSpeedMillimetersPerSecond'] = Math.round(((a.distance_meters * 1000) / movingSecs) * 10) / 10;
    }
    if (a.elevation_gain_meters !== null) metrics['elevationGainMillimeters'] = Math.round(a.elevation_gain_meters * 1000);
    if (a.steps !== null) metrics['steps'] = String(a.steps);
    if (a.average_heart_rate !== null) metrics['averageHeartRateBeatsPerMinute'] = String(Math.round(a.average_heart_rate));
    if (a.heart_rate_zones !== null) {
      const zones: Record<string, number> = {};
      for (const z of a.heart_rate_zones) {
        const field = ZONE_FIELDS[Math.min(z.zone, ZONE_FIELDS.length - 1)]!;
        zones[field] = (zones[field] ?? 0) + z.duration_seconds;
      }
      metrics['heartRateZoneDurations'] = Object.fromEntries(Object.entries(zones).map(([k, v]) => [k, `${v}s`]));
    }
    if (a.average_cadence !== null && (a.sport_type === 'run' || a.sport_type === 'trail_run')) {
      metrics['mobilityMetrics'] = { avgCadenceStepsPerMinute: a.average_cadence };
    }
    return this.point(
      'exercise',
      id,
      startMs,
      endMs,
      {
        exercise: {
          interval: this.interval(startMs, endMs),
          exerciseType: sport.type,
          displayName: sport.name,
          activeDuration: `${movingSecs}s`,
          metricsSummary: metrics,
          splitSummaries: this.laps(a, startMs, endMs, movingSecs),
          exerciseMetadata: { hasGps: a.start_latitude !== null },
          createTime: new Date(endMs + 300_000).toISOString(),
          updateTime: new Date(endMs + 300_000).toISOString(),
        },
      },
      true,
    );
  }

  /**
   * The watch's laps: one per whole kilometre (an auto-lap, `DISTANCE`) and the rest, the time
   * shared in proportion to the distance; a single `MANUAL` lap when there is no distance.
   */
  private laps(a: SyntheticDay['activities'][number], startMs: number, endMs: number, movingSecs: number): Record<string, unknown>[] {
    const meters = a.distance_meters ?? 0;
    const whole = Math.min(49, Math.floor(meters / 1000));
    const lengths = meters > 0 ? [...Array.from({ length: whole }, () => 1000), ...(meters - whole * 1000 > 0 ? [meters - whole * 1000] : [])] : [0];
    const total = endMs - startMs;
    let from = startMs;
    let covered = 0;
    return lengths.map((length, i) => {
      covered += length;
      const to = i === lengths.length - 1 ? endMs : startMs + Math.round((total * covered) / meters / 1000) * 1000;
      const share = total > 0 ? (to - from) / total : 1;
      const { startTime, endTime, startUtcOffset, endUtcOffset } = this.interval(from, to);
      const metrics: Record<string, unknown> = {};
      if (length > 0) metrics['distanceMillimeters'] = Math.round(length * 1000);
      if (a.active_calories !== null) metrics['caloriesKcal'] = Math.round(a.active_calories * share * 10) / 10;
      if (a.average_heart_rate !== null) metrics['averageHeartRateBeatsPerMinute'] = String(Math.round(a.average_heart_rate));
      from = to;
      return {
        startTime,
        startUtcOffset,
        endTime,
        endUtcOffset,
        metricsSummary: metrics,
        splitType: meters > 0 && length === 1000 ? 'DISTANCE' : 'MANUAL',
        activeDuration: `${Math.round(movingSecs * share)}s`,
      };
    });
  }

  private sleep(d: SyntheticDay): SimPoint {
    const s = d.sleep;
    const startMs = Date.parse(s.start_date);
    const endMs = Date.parse(s.end_date);
    const TYPE = { awake: 'AWAKE', light: 'LIGHT', deep: 'DEEP', rem: 'REM' } as const;
    const stages = s.stages.map((st) => {
      const from = Date.parse(st.start_date);
      const { startTime, endTime, startUtcOffset, endUtcOffset } = this.interval(from, from + st.duration_seconds * 1000);
      return { startTime, startUtcOffset, endTime, endUtcOffset, type: TYPE[st.stage] };
    });
    const minutesOf = (stage: keyof typeof TYPE) =>
      Math.round(s.stages.filter((st) => st.stage === stage).reduce((sum, st) => sum + st.duration_seconds, 0) / 60);
    const awake = minutesOf('awake');
    const inPeriod = Math.round(s.time_in_bed_seconds / 60);
    return this.point(
      'sleep',
      this.pointId(d.day, 9),
      startMs,
      endMs,
      {
        sleep: {
          interval: this.interval(startMs, endMs),
          type: 'STAGES',
          stages,
          metadata: { nap: false, processed: true, stagesStatus: 'SUCCEEDED' },
          summary: {
            minutesAsleep: String(inPeriod - awake),
            minutesAwake: String(awake),
            minutesInSleepPeriod: String(inPeriod),
            minutesToFallAsleep: String(Math.round((s.onset_latency_seconds ?? 0) / 60)),
            minutesAfterWakeUp: '0',
            stagesSummary: (Object.keys(TYPE) as Array<keyof typeof TYPE>).map((stage) => ({
              type: TYPE[stage],
              minutes: String(minutesOf(stage)),
              count: String(s.stages.filter((st) => st.stage === stage).length),
            })),
          },
        },
      },
      true,
    );
  }

  /** Weigh-ins on about six mornings in ten, on a scale. */
  private weighIn(type: 'weight' | 'body-fat', d: SyntheticDay): SimPoint[] {
    const h = hash32(`${this.healthUserId}|weight|${d.date}`);
    if (h % 10 >= 6 || d.health.weight_kg === null) return [];
    const atMs = Date.parse(`${d.date}T00:00:00Z`) + (6 * 3600 + 30 * 60 + (h % 5400)) * 1000 - this.offsetSecs * 1000;
    const sampleTime = { physicalTime: new Date(atMs).toISOString().replace('.000Z', 'Z'), utcOffset: this.offset };
    const payload =
      type === 'weight'
        ? { weight: { sampleTime, weightGrams: Math.round(d.health.weight_kg * 1000) } }
        : d.health.body_fat_percentage === null
          ? undefined
          : { bodyFat: { sampleTime, percentage: d.health.body_fat_percentage } };
    return payload ? [this.point(type, `${type}-${atMs}`, atMs, atMs, payload, false)] : [];
  }

  /** Daily totals of local days in [start, end), days with data up to today only. */
  dailyTotals(type: 'steps' | 'total-calories', start: string, end: string): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = [];
    const today = this.today();
    for (let ms = Date.parse(`${start}T00:00:00Z`); ms < Date.parse(`${end}T00:00:00Z`); ms += DAY_MS) {
      const date = new Date(ms).toISOString().slice(0, 10);
      const d = date <= today ? this.day(ms / DAY_MS) : undefined;
      if (!d) continue;
      const next = new Date(ms + DAY_MS).toISOString().slice(0, 10);
      out.push({
        civilStartTime: { date: dateOf(date), time: {} },
        civilEndTime: { date: dateOf(next), time: {} },
        ...(type === 'steps' ? { steps: { countSum: String(d.health.steps ?? 0) } } : { totalCalories: { kcalSum: d.health.calories ?? 0 } }),
      });
    }
    return out;
  }

  profileBody(): Record<string, unknown> {
    const seed = hash32(this.healthUserId);
    const year = new Date(this.now()).getUTCFullYear() - 1 - (seed % 8);
    return {
      name: `users/${this.healthUserId}/profile`,
      age: this.profile.age,
      membershipStartDate: { year, month: (seed % 12) + 1, day: (seed % 28) + 1 },
      autoRunningStrideLengthMm: Math.round(this.profile.heightCm * 6.5),
      autoWalkingStrideLengthMm: Math.round(this.profile.heightCm * 4.15),
    };
  }
}
