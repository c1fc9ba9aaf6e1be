/**
 * One simulated Fitbit user: the synthetic generator's deterministic days, rendered in the
 * Fitbit Web API's own JSON (field names, milliseconds, local wall-clock times, the unit
 * system chosen by Accept-Language). A Fitbit account has history: 180 days are served.
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
import type { Activity, SportType } from '../../../shared/models';

export const HISTORY_DAYS = 180;
const SEED = 'fitbit-simulator';

/** en_US gets US units, en_GB is treated as metric here, anything else is METRIC. */
export type Units = 'METRIC' | 'US';
export function unitsOf(acceptLanguage: string | string[] | undefined): Units {
  const value = Array.isArray(acceptLanguage) ? acceptLanguage[0] : acceptLanguage;
  return value && /^\s*en[_-]US\b/i.test(value) ? 'US' : 'METRIC';
}

const KM_PER_MILE = 1.609344;
const FEET_PER_METER = 3.28084;
const LBS_PER_KG = 2.20462262;
const r = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

interface FitbitSport {
  name: string;
  typeId: number;
}

/** How each generated sport appears in Fitbit's exercise catalogue. */
const SPORTS: Partial<Record<SportType, FitbitSport>> = {
  run: { name: 'Run', typeId: 90009 },
  trail_run: { name: 'Run', typeId: 90009 },
  ride: { name: 'Outdoor Bike', typeId: 1071 },
  virtual_ride: { name: 'Spinning', typeId: 55001 },
  mountain_bike_ride: { name: 'Mountain Biking', typeId: 1010 },
  swim: { name: 'Swim', typeId: 90024 },
  walk: { name: 'Walk', typeId: 90013 },
  hike: { name: 'Hike', typeId: 90012 },
  rowing: { name: 'Rowing Machine', typeId: 15040 },
  strength_training: { name: 'Weights', typeId: 2131 },
  yoga: { name: 'Yoga', typeId: 52001 },
  hiit: { name: 'Interval Workout', typeId: 55002 },
  elliptical: { name: 'Elliptical', typeId: 20047 },
  alpine_ski: { name: 'Skiing', typeId: 15591 },
  other: { name: 'Workout', typeId: 3000 },
};

const PLACES: Record<string, { timezone: string; country: string; locale: string }> = {
  London: { timezone: 'Europe/London', country: 'GB', locale: 'en_GB' },
  Lisbon: { timezone: 'Europe/Lisbon', country: 'PT', locale: 'pt_PT' },
  Paris: { timezone: 'Europe/Paris', country: 'FR', locale: 'fr_FR' },
  Berlin: { timezone: 'Europe/Berlin', country: 'DE', locale: 'de_DE' },
  Amsterdam: { timezone: 'Europe/Amsterdam', country: 'NL', locale: 'nl_NL' },
  Barcelona: { timezone: 'Europe/Madrid', country: 'ES', locale: 'es_ES' },
  Zurich: { timezone: 'Europe/Zurich', country: 'CH', locale: 'de_DE' },
  Stockholm: { timezone: 'Europe/Stockholm', country: 'SE', locale: 'sv_SE' },
  'Cape Town': { timezone: 'Africa/Johannesburg', country: 'ZA', locale: 'en_GB' },
  'New York': { timezone: 'America/New_York', country: 'US', locale: 'en_US' },
  Boulder: { timezone: 'America/Denver', country: 'US', locale: 'en_US' },
  'San Francisco': { timezone: 'America/Los_Angeles', country: 'US', locale: 'en_US' },
  Vancouver: { timezone: 'America/Vancouver', country: 'CA', locale: 'en_US' },
  Tokyo: { timezone: 'Asia/Tokyo', country: 'JP', locale: 'ja_JP' },
  Sydney: { timezone: 'Australia/Sydney', country: 'AU', locale: 'en_AU' },
};

const two = (n: number) => String(n).padStart(2, '0');

function offsetSuffix(offsetMs: number): string {
  const minutes = Math.round(offsetMs / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

export class FitbitUser {
  readonly profile: SyntheticProfile;
  private readonly days = new Map<number, SyntheticDay>();

  constructor(
    readonly encodedId: string,
    private readonly now: () => number,
  ) {
    this.profile = generateProfile(this.key);
  }

  private get key() {
    return { seed: SEED, tenantId: 'fitbit', userId: this.encodedId };
  }

  /** Fixed: the generator ignores daylight saving time, and so does this user. */
  get offsetMs(): number {
    return this.profile.city.utcOffsetHours * 3_600_000;
  }

  /** `2020-02-20T23:21:30.000`: local wall clock, as sleep logs write it. */
  localStamp(ms: number): string {
    return new Date(ms + this.offsetMs).toISOString().slice(0, 23);
  }

  /** `2019-01-03T12:08:23.000-08:00`: local time with offset, as activity logs write it. */
  offsetStamp(ms: number): string {
    return `${this.localStamp(ms)}${offsetSuffix(this.offsetMs)}`;
  }

  /** The user's local date today. */
  today(): string {
    return isoDay(dayNumberOf(this.now() + this.offsetMs));
  }

  private window(): { first: number; last: number } {
    const last = dayNumberOf(this.now());
    return { first: last - HISTORY_DAYS + 1, last };
  }

  day(day: number): SyntheticDay | undefined {
    const { first, last } = this.window();
    if (day < first || day > last) return undefined;
    let data = this.days.get(day);
    if (!data) {
      data = generateDay(this.key, this.profile, day, 'fitbit');
      this.days.set(day, data);
    }
    return data;
  }

  private daysOf(start: string, end: string): SyntheticDay[] {
    const out: SyntheticDay[] = [];
    for (let d = Date.parse(`${start}T00:00:00Z`) / DAY_MS; d <= Date.parse(`${end}T00:00:00Z`) / DAY_MS; d++) {
      const data = this.day(d);
      if (data) out.push(data);
    }
    return out;
  }

  // ---- activities ------------------------------------------------------------------------

  /** Every logged activity that has started by now, oldest first, with its local start. */
  activities(): Array<{ startMs: number; localMs: number; activity: Activity; logId: number }> {
    const { first, last } = this.window();
    const now = this.now();
    const out: Array<{ startMs: number; localMs: number; activity: Activity; logId: number }> = [];
    for (let d = first; d <= last; d++) {
      (this.day(d)?.activities ?? []).forEach((activity, index) => {
        const startMs = Date.parse(activity.start_date);
        if (startMs > now) return;
        out.push({ startMs, localMs: startMs + this.offsetMs, activity, logId: this.logId(d, index + 1) });
      });
    }
    return out;
  }

  /** Stable 11-digit ids, like Fitbit's 64-bit log ids. */
  private logId(day: number, index: number): number {
    return (day * 10 + index) * 100_000 + (hash32(this.encodedId) % 100_000);
  }

  renderActivity(entry: { startMs: number; activity: Activity; logId: number }, units: Units): Record<string, unknown> {
    const { activity: a, logId, startMs } = entry;
    const sport = SPORTS[a.sport_type] ?? SPORTS.other!;
    const activeMs = (a.moving_time_seconds ?? a.duration_seconds) * 1000;
    const duration = a.duration_seconds * 1000;
    const outdoor = a.start_latitude !== null;
    const minutes = Math.round(duration / 60_000);
    const date = this.localStamp(startMs).slice(0, 10);
    const hhmm = (ms: number) => this.localStamp(ms).slice(11, 16);
    const startTime = this.offsetStamp(startMs);
    const log: Record<string, unknown> = {
      activeDuration: activeMs,
      activityLevel: this.activityLevels(minutes, a.average_heart_rate),
      activityName: sport.name,
      activityTypeId: sport.typeId,
      calories: a.calories ?? 0,
      caloriesLink: `https://api.fitbit.com/1/user/-/activities/calories/date/${date}/${date}/1min/time/${hhmm(startMs)}/${hhmm(startMs + duration)}.json`,
      duration,
      elevationGain: a.elevation_gain_meters === null ? 0 : units === 'US' ? r(a.elevation_gain_meters * FEET_PER_METER, 1) : a.elevation_gain_meters,
      hasActiveZoneMinutes: a.average_heart_rate !== null,
      lastModified: new Date(startMs + duration + 600_000).toISOString(),
      logId,
      logType: a.sport_type === 'walk' && !outdoor ? 'auto_detected' : 'tracker',
      manualValuesSpecified: { calories: false, distance: false, steps: false },
      originalDuration: duration,
      originalStartTime: startTime,
      source: {
        id: '88827811',
        name: 'Charge 6',
        type: 'tracker',
        url: 'https://www.fitbit.com/',
        trackerFeatures: ['GPS', 'HEARTRATE', 'STEPS', 'DISTANCE', 'CALORIES', 'ELEVATION', 'ACTIVE_ZONE_MINUTES'],
      },
      startTime,
      hasGps: outdoor,
    };
    if (a.average_heart_rate !== null) {
      log['averageHeartRate'] = a.average_heart_rate;
      log['heartRateLink'] = `https://api.fitbit.com/1/user/-/activities/heart/date/${date}/${date}/1sec/time/${hhmm(startMs)}:00/${hhmm(startMs + duration)}:00.json`;
      log['heartRateZones'] = this.heartRateZones(minutes, a.average_heart_rate);
    }
    if (a.steps !== null) log['steps'] = a.steps;
    if (a.distance_meters !== null) {
      const km = a.distance_meters / 1000;
      const distance = units === 'US' ? km / KM_PER_MILE : km;
      const hours = activeMs / 3_600_000;
      log['distance'] = r(distance, 4);
      log['distanceUnit'] = units === 'US' ? 'Mile' : 'Kilometer';
      log['speed'] = r(distance / hours, 3);
      log['pace'] = r(activeMs / 1000 / distance, 1);
    }
    if (outdoor) log['tcxLink'] = `https://api.fitbit.com/1/user/-/activities/${logId}.tcx`;
    return log;
  }

  private activityLevels(minutes: number, averageHr: number | null): Array<{ minutes: number; name: string }> {
    const reserve = averageHr === null ? 0.4 : (averageHr - this.profile.restingHr) / (this.profile.maxHr - this.profile.restingHr);
    const very = Math.round(minutes * Math.max(0, Math.min(0.8, reserve - 0.2)));
    const fairly = Math.round((minutes - very) * 0.5);
    const lightly = Math.round((minutes - very - fairly) * 0.8);
    return [
      { minutes: minutes - very - fairly - lightly, name: 'sedentary' },
      { minutes: lightly, name: 'lightly' },
      { minutes: fairly, name: 'fairly' },
      { minutes: very, name: 'very' },
    ];
  }

  /** Fitbit's default zones: below 50 % of max HR, 50-69 %, 70-84 %, 85 % and above. */
  private heartRateZones(minutes: number, averageHr: number | null) {
    const max = this.profile.maxHr;
    const bounds = [30, Math.round(max * 0.5), Math.round(max * 0.7), Math.round(max * 0.85), 220];
    const names = ['Out of Range', 'Fat Burn', 'Cardio', 'Peak'];
    const zoneOfAverage = averageHr === null ? 0 : bounds.findIndex((b, i) => i > 0 && averageHr < b) - 1;
    return names.map((name, i) => ({
      caloriesOut: 0,
      max: bounds[i + 1]! - (i < 3 ? 1 : 0),
      min: bounds[i]!,
      minutes: averageHr === null ? 0 : i === zoneOfAverage ? Math.round(minutes * 0.6) : i === zoneOfAverage - 1 || i === zoneOfAverage + 1 ? Math.round(minutes * 0.2) : 0,
      name,
    }));
  }

  // ---- profile ---------------------------------------------------------------------------

  renderProfile(units: Units): Record<string, unknown> {
    const p = this.profile;
    const place = PLACES[p.city.city] ?? { timezone: 'Etc/UTC', country: 'GB', locale: 'en_GB' };
    const birthYear = new Date(this.now()).getUTCFullYear() - p.age;
    const seed = hash32(this.encodedId);
    const unit = units === 'US' ? 'en_US' : 'METRIC';
    return {
      user: {
        age: p.age,
        ambassador: false,
        autoStrideEnabled: true,
        avatar: 'https://static0.fitbit.com/images/profile/defaultProfile_100.png',
        avatar150: 'https://static0.fitbit.com/images/profile/defaultProfile_150.png',
        avatar640: 'https://static0.fitbit.com/images/profile/defaultProfile_640.png',
        averageDailySteps: p.baseSteps,
        city: p.city.city,
        clockTimeDisplayFormat: '24hour',
        corporate: false,
        country: place.country,
        dateOfBirth: `${birthYear}-${two((seed % 12) + 1)}-${two((seed % 28) + 1)}`,
        displayName: `${p.firstname} ${p.lastname.slice(0, 1)}.`,
        displayNameSetting: 'name',
        distanceUnit: unit,
        encodedId: this.encodedId,
        features: { exerciseGoal: true },
        firstName: p.firstname,
        foodsLocale: place.locale,
        fullName: `${p.firstname} ${p.lastname}`,
        gender: p.sex === 'female' ? 'FEMALE' : 'MALE',
        glucoseUnit: unit,
        height: units === 'US' ? r(p.heightCm / 2.54, 1) : p.heightCm,
        heightUnit: unit,
        isChild: false,
        isCoach: false,
        languageLocale: place.locale,
        lastName: p.lastname,
        locale: place.locale,
        memberSince: `${birthYear + 18 + (seed % 12)}-${two((seed % 11) + 1)}-${two((seed % 27) + 1)}`,
        mfaEnabled: false,
        offsetFromUTCMillis: this.offsetMs,
        startDayOfWeek: 'MONDAY',
        strideLengthRunning: units === 'US' ? r((p.heightCm * 0.65) / 2.54, 1) : r(p.heightCm * 0.65, 1),
        strideLengthRunningType: 'default',
        strideLengthWalking: units === 'US' ? r((p.heightCm * 0.415) / 2.54, 1) : r(p.heightCm * 0.415, 1),
        strideLengthWalkingType: 'default',
        swimUnit: unit,
        temperatureUnit: unit,
        timezone: place.timezone,
        topBadges: [],
        waterUnit: unit,
        waterUnitName: units === 'US' ? 'fl oz' : 'ml',
        weight: units === 'US' ? r(p.weightKg * LBS_PER_KG, 1) : p.weightKg,
        weightUnit: unit,
      },
    };
  }

  // ---- sleep -----------------------------------------------------------------------------

  /** v1.2 sleep logs whose date of sleep is in [start, end] and that have ended, newest first. */
  sleepLogs(start: string, end: string): Array<Record<string, unknown>> {
    const now = this.now();
    return this.daysOf(start, end)
      .filter((d) => Date.parse(d.sleep.end_date) <= now)
      .reverse()
      .map((d) => {
        const s = d.sleep;
        const startMs = Date.parse(s.start_date);
        const summary: Record<string, { count: number; minutes: number; thirtyDayAvgMinutes: number }> = {};
        for (const [level, stage] of [['deep', 'deep'], ['light', 'light'], ['rem', 'rem'], ['wake', 'awake']] as const) {
          const seconds = s.stages.filter((st) => st.stage === stage).reduce((sum, st) => sum + st.duration_seconds, 0);
          summary[level] = {
            count: s.stages.filter((st) => st.stage === stage).length,
            minutes: Math.round(seconds / 60),
            thirtyDayAvgMinutes: Math.round((seconds / 60) * (0.9 + (hash32(`${d.date}${level}`) % 20) / 100)),
          };
        }
        const awake = summary['wake']!.minutes;
        const inBed = Math.round(s.time_in_bed_seconds / 60);
        const last = s.stages.at(-1);
        return {
          dateOfSleep: d.date,
          duration: s.time_in_bed_seconds * 1000,
          efficiency: Math.round(s.efficiency_percentage ?? 90),
          endTime: this.localStamp(Date.parse(s.end_date)),
          infoCode: 0,
          isMainSleep: true,
          levels: {
            data: s.stages.map((st) => ({
              dateTime: this.localStamp(Date.parse(st.start_date)),
              level: st.stage === 'awake' ? 'wake' : st.stage,
              seconds: st.duration_seconds,
            })),
            shortData: [],
            summary,
          },
          logId: (d.day * 10 + 9) * 100_000 + (hash32(this.encodedId) % 100_000),
          logType: 'auto_detected',
          minutesAfterWakeup: last?.stage === 'awake' ? Math.round(last.duration_seconds / 60) : 0,
          minutesAsleep: inBed - awake,
          minutesAwake: awake,
          minutesToFallAsleep: 0,
          startTime: this.localStamp(startMs),
          timeInBed: inBed,
          type: 'stages',
        };
      });
  }

  // ---- recovery and health ---------------------------------------------------------------

  /** Nightly values exist once the night has ended. */
  private nights(start: string, end: string): SyntheticDay[] {
    const now = this.now();
    return this.daysOf(start, end).filter((d) => Date.parse(d.sleep.end_date) <= now);
  }

  hrv(start: string, end: string) {
    return {
      hrv: this.nights(start, end).map((d) => ({
        value: { dailyRmssd: d.recovery.hrv_rmssd_ms, deepRmssd: r((d.recovery.hrv_rmssd_ms ?? 0) * 1.06, 3) },
        dateTime: d.date,
      })),
    };
  }

  spo2(start: string, end: string) {
    return this.nights(start, end).map((d) => {
      const avg = d.recovery.spo2_percentage ?? 97;
      return { dateTime: d.date, value: { avg, min: r(Math.max(88, avg - 3.2), 1), max: r(Math.min(100, avg + 2.1), 1) } };
    });
  }

  /** Every date of the range up to today; resting heart rate only where there is history. */
  private calendar(start: string, end: string): string[] {
    const today = this.today();
    const out: string[] = [];
    for (let ms = Date.parse(`${start}T00:00:00Z`); ms <= Date.parse(`${end}T00:00:00Z`); ms += DAY_MS) {
      const date = new Date(ms).toISOString().slice(0, 10);
      if (date <= today) out.push(date);
    }
    return out;
  }

  private dayByDate(date: string): SyntheticDay | undefined {
    return this.day(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
  }

  heart(start: string, end: string) {
    const max = this.profile.maxHr;
    const zones = [
      { name: 'Out of Range', min: 30, max: Math.round(max * 0.5) - 1 },
      { name: 'Fat Burn', min: Math.round(max * 0.5), max: Math.round(max * 0.7) - 1 },
      { name: 'Cardio', min: Math.round(max * 0.7), max: Math.round(max * 0.85) - 1 },
      { name: 'Peak', min: Math.round(max * 0.85), max: 220 },
    ];
    return {
      'activities-heart': this.calendar(start, end).map((date) => {
        const d = this.dayByDate(date);
        const value: Record<string, unknown> = {
          customHeartRateZones: [],
          heartRateZones: zones.map((z, i) => ({ caloriesOut: 0, ...z, minutes: d ? [1200, 160, 40, 8][i] : 0 })),
        };
        if (d?.recovery.resting_heart_rate != null) value['restingHeartRate'] = d.recovery.resting_heart_rate;
        return { dateTime: date, value };
      }),
    };
  }

  series(resource: 'steps' | 'calories', start: string, end: string) {
    return {
      [`activities-${resource}`]: this.calendar(start, end).map((date) => {
        const health = this.dayByDate(date)?.health;
        const value = resource === 'steps' ? (health?.steps ?? 0) : (health?.calories ?? 0);
        return { dateTime: date, value: String(value) };
      }),
    };
  }

  /** Weigh-ins on about six mornings in ten, on an Aria scale. */
  weightLogs(start: string, end: string, units: Units) {
    const now = this.now();
    const weight: Array<Record<string, unknown>> = [];
    for (const d of this.daysOf(start, end)) {
      const h = hash32(`${this.encodedId}|weight|${d.date}`);
      if (h % 10 >= 6) continue;
      const localSecs = 6 * 3600 + 30 * 60 + (h % 5400);
      const atMs = Date.parse(`${d.date}T00:00:00Z`) + localSecs * 1000 - this.offsetMs;
      if (atMs > now || d.health.weight_kg === null) continue;
      const time = `${two(Math.floor(localSecs / 3600))}:${two(Math.floor(localSecs / 60) % 60)}:${two(localSecs % 60)}`;
      weight.push({
        bmi: r(d.health.bmi ?? 0, 2),
        date: d.date,
        fat: d.health.body_fat_percentage ?? undefined,
        logId: atMs,
        source: 'Aria',
        time,
        weight: units === 'US' ? r(d.health.weight_kg * LBS_PER_KG, 1) : d.health.weight_kg,
      });
    }
    return { weight };
  }
}
