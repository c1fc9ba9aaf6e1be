/**
 * Per-user WHOOP data for the simulator: the shared synthetic generator's days, rendered in
 * WHOOP's v2 JSON (UUID workout/sleep ids, integer cycle ids, kilojoules, milliseconds, ISO
 * instants with milliseconds, the user's timezone offset). What has not happened yet at
 * `now` is not shown; the current cycle has no `end` and a workout that just ended is
 * still `PENDING_SCORE`.
 */
import { createHash } from 'node:crypto';
import type { Activity, SportType } from '../../../shared/models';
import {
  DAY_MS,
  generateDay,
  generateProfile,
  hash32,
  windowOf,
  type SyntheticDay,
  type SyntheticProfile,
  type UserKey,
} from '../../../shared/providers/synthetic/generator';

const KJ_PER_KCAL = 4.184;
/** A workout shows up two minutes after it ends and is scored ten minutes after. */
const WORKOUT_UPLOAD_MS = 2 * 60_000;
const SCORING_DELAY_MS = 10 * 60_000;
/** A sleep (and its recovery) shows up once processed, six minutes after waking. */
const SLEEP_PROCESSING_MS = 6 * 60_000;

export type Json = Record<string, unknown>;

/** A record of a collection with what filtering and ordering need. */
export interface Dated {
  /** Sort key (ms): the record's start, or for a recovery its sleep's start. */
  startMs: number;
  /** End (ms) of the record's interval; the current cycle's is `now`. */
  endMs: number;
  id: string;
  json: Json;
}

const SPORT_NAMES: Partial<Record<SportType, string>> = {
  run: 'running',
  trail_run: 'running',
  ride: 'cycling',
  virtual_ride: 'spin',
  mountain_bike_ride: 'mountain biking',
  swim: 'swimming',
  walk: 'walking',
  hike: 'hiking/rucking',
  rowing: 'rowing',
  strength_training: 'weightlifting',
  yoga: 'yoga',
  hiit: 'hiit',
  elliptical: 'elliptical',
  alpine_ski: 'skiing',
  other: 'activity',
};

/** A stable version-4-shaped UUID for a key. */
function uuidFor(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const r = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const iso = (ms: number) => new Date(ms).toISOString();

function tzOffset(hours: number): string {
  const sign = hours < 0 ? '-' : '+';
  const abs = Math.abs(hours);
  return `${sign}${String(Math.floor(abs)).padStart(2, '0')}:${String(Math.round((abs % 1) * 60)).padStart(2, '0')}`;
}

interface DayRender {
  day: number;
  source: SyntheticDay;
  sleepStartMs: number;
  sleepEndMs: number;
  workouts: Dated[];
  sleep: Dated;
  cycleId: number;
  cycle: Json;
  recovery: Json;
}

export class WhoopUserData {
  readonly profile: SyntheticProfile;
  private readonly key: UserKey;
  private readonly days = new Map<number, DayRender>();

  constructor(readonly userId: number) {
    this.key = { seed: 'whoop-simulator', tenantId: 'whoop', userId: String(userId) };
    this.profile = generateProfile(this.key);
  }

  private get keyString(): string {
    return `${this.key.seed}|${this.key.userId}`;
  }

  private ms(key: string): number {
    return hash32(`${this.keyString}|ms|${key}`) % 1000;
  }

  private cycleIdOf(day: number): number {
    return day * 100_000 + (hash32(this.keyString) % 100_000);
  }

  private render(day: number): DayRender {
    const cached = this.days.get(day);
    if (cached) return cached;
    if (this.days.size > 400) this.days.clear();
    const source = generateDay(this.key, this.profile, day, 'whoop');
    const tz = tzOffset(this.profile.city.utcOffsetHours);
    const userId = this.userId;
    const cycleId = this.cycleIdOf(day);

    const workouts = source.activities.map((a, i) => this.workout(a, day, i, tz));

    const s = source.sleep;
    const sleepStartMs = Date.parse(s.start_date) + this.ms(`sleep-start|${day}`);
    const sleepEndMs = sleepStartMs + s.time_in_bed_seconds * 1000;
    const sleepId = uuidFor(`${this.keyString}|sleep|${day}`);
    const totals = s.stage_totals;
    const rng = hash32(`${this.keyString}|sleep-extra|${day}`);
    const sleep: Dated = {
      startMs: sleepStartMs,
      endMs: sleepEndMs,
      id: sleepId,
      json: {
        id: sleepId,
        cycle_id: cycleId,
        user_id: userId,
        created_at: iso(sleepEndMs + 3 * 60_000),
        updated_at: iso(sleepEndMs + 5 * 60_000),
        start: iso(sleepStartMs),
        end: iso(sleepEndMs),
        timezone_offset: tz,
        nap: false,
        score_state: 'SCORED',
        score: {
          stage_summary: {
            total_in_bed_time_milli: s.time_in_bed_seconds * 1000,
            total_awake_time_milli: (totals.awake_seconds ?? 0) * 1000,
            total_no_data_time_milli: 0,
            total_light_sleep_time_milli: (totals.light_seconds ?? 0) * 1000,
            total_slow_wave_sleep_time_milli: (totals.deep_seconds ?? 0) * 1000,
            total_rem_sleep_time_milli: (totals.rem_seconds ?? 0) * 1000,
            sleep_cycle_count: s.stages.filter((st) => st.stage === 'rem').length,
            disturbance_count: s.wake_count ?? 0,
          },
          sleep_needed: {
            baseline_milli: 27_000_000 + (rng % 2_400_000),
            need_from_sleep_debt_milli: (rng >>> 8) % 900_000,
            need_from_recent_strain_milli: Math.round((source.recovery.strain ?? 0) * 20_000),
            need_from_recent_nap_milli: 0,
          },
          respiratory_rate: s.respiratory_rate,
          sleep_performance_percentage: s.sleep_score,
          sleep_consistency_percentage: 62 + ((rng >>> 4) % 34),
          sleep_efficiency_percentage: s.efficiency_percentage,
        },
      },
    };

    const activities = source.activities;
    const maxHr = Math.max(source.recovery.resting_heart_rate ?? 60, ...activities.map((a) => a.max_heart_rate ?? 0)) + 8;
    const cycle: Json = {
      id: cycleId,
      user_id: userId,
      created_at: iso(sleepStartMs + 60_000),
      updated_at: iso(sleepEndMs + 5 * 60_000),
      start: iso(sleepStartMs),
      timezone_offset: tz,
      score_state: 'SCORED',
      score: {
        strain: source.recovery.strain,
        kilojoule: r((source.health.calories ?? 2000) * KJ_PER_KCAL, 3),
        average_heart_rate: Math.round((source.recovery.resting_heart_rate ?? 60) + 14 + (rng % 8)),
        max_heart_rate: Math.min(this.profile.maxHr, maxHr),
      },
    };
    const rec = source.recovery;
    const recovery: Json = {
      cycle_id: cycleId,
      sleep_id: sleepId,
      user_id: userId,
      created_at: iso(sleepEndMs + 4 * 60_000),
      updated_at: iso(sleepEndMs + 6 * 60_000),
      score_state: 'SCORED',
      score: {
        user_calibrating: false,
        recovery_score: rec.recovery_score,
        resting_heart_rate: rec.resting_heart_rate,
        hrv_rmssd_milli: rec.hrv_rmssd_ms,
        spo2_percentage: rec.spo2_percentage,
        skin_temp_celsius: rec.skin_temp_celsius,
      },
    };
    const render: DayRender = { day, source, sleepStartMs, sleepEndMs, workouts, sleep, cycleId, cycle, recovery };
    this.days.set(day, render);
    return render;
  }

  private workout(a: Activity, day: number, index: number, tz: string): Dated {
    const startMs = Date.parse(a.start_date) + this.ms(`workout|${day}|${index}`);
    const endMs = startMs + a.duration_seconds * 1000;
    const id = uuidFor(`${this.keyString}|workout|${day}|${index}`);
    const reserve = Math.max(1, this.profile.maxHr - this.profile.restingHr);
    const share = Math.min(1, Math.max(0, ((a.average_heart_rate ?? this.profile.restingHr) - this.profile.restingHr) / reserve));
    const strain = a.strain ?? r(Math.min(21, 21 * (1 - Math.exp(-((a.duration_seconds / 60) * share * share * 2 + 4) / 60))), 4);
    const zones = zoneDurations(a.duration_seconds * 1000, share);
    const score: Json = {
      strain,
      average_heart_rate: a.average_heart_rate,
      max_heart_rate: a.max_heart_rate,
      kilojoule: r((a.calories ?? 0) * KJ_PER_KCAL, 4),
      percent_recorded: 100,
      zone_durations: zones,
    };
    if (a.distance_meters !== null) score['distance_meter'] = a.distance_meters;
    if (a.elevation_gain_meters !== null) {
      score['altitude_gain_meter'] = a.elevation_gain_meters;
      score['altitude_change_meter'] = r(((hash32(id) % 2001) - 1000) / 100, 3);
    }
    return {
      startMs,
      endMs,
      id,
      json: {
        id,
        user_id: this.userId,
        created_at: iso(endMs + 2 * 60_000),
        updated_at: iso(endMs + 9 * 60_000),
        start: iso(startMs),
        end: iso(endMs),
        timezone_offset: tz,
        sport_name: SPORT_NAMES[a.sport_type] ?? 'activity',
        score_state: 'SCORED',
        score,
      },
    };
  }

  private window(nowMs: number): number[] {
    const { first, last } = windowOf(nowMs);
    const days: number[] = [];
    for (let day = last; day >= first; day--) days.push(day);
    return days;
  }

  /** Workouts uploaded by `now` (they end first), newest first. */
  workouts(nowMs: number): Dated[] {
    const out: Dated[] = [];
    for (const day of this.window(nowMs)) {
      for (const w of [...this.render(day).workouts].reverse()) {
        if (w.endMs + WORKOUT_UPLOAD_MS > nowMs) continue;
        out.push(nowMs - w.endMs < SCORING_DELAY_MS ? pending(w) : w);
      }
    }
    return out;
  }

  sleeps(nowMs: number): Dated[] {
    return this.window(nowMs)
      .map((day) => this.render(day).sleep)
      .filter((s) => s.endMs + SLEEP_PROCESSING_MS <= nowMs);
  }

  /** Cycles begin at sleep onset and end at the next one; the current cycle has no end. */
  cycles(nowMs: number): Dated[] {
    const out: Dated[] = [];
    for (const day of this.window(nowMs)) {
      const render = this.render(day);
      if (render.sleepStartMs > nowMs) continue;
      const next = this.render(day + 1).sleepStartMs;
      // `end` follows `start`, as WHOOP writes it; the current cycle has none yet.
      const json: Json = {};
      for (const [key, value] of Object.entries(structuredClone(render.cycle))) {
        json[key] = value;
        if (key === 'updated_at') json[key] = iso(Math.min(next <= nowMs ? next + 120_000 : Date.parse(value as string), nowMs));
        if (key === 'start' && next <= nowMs) json['end'] = iso(next);
      }
      let endMs = next;
      if (next > nowMs) {
        endMs = nowMs;
        // The day is still going: energy accrues through it.
        const score = json['score'] as Json;
        const elapsed = Math.min(1, (nowMs - render.sleepStartMs) / DAY_MS);
        score['kilojoule'] = r((score['kilojoule'] as number) * elapsed, 3);
      }
      out.push({ startMs: render.sleepStartMs, endMs, id: String(render.cycleId), json });
    }
    return out;
  }

  /** A recovery is scored once its sleep is processed; ordered and filtered by that sleep. */
  recoveries(nowMs: number): Dated[] {
    return this.window(nowMs)
      .map((day) => this.render(day))
      .filter((d) => d.sleepEndMs + SLEEP_PROCESSING_MS <= nowMs)
      .map((d) => ({ startMs: d.sleepStartMs, endMs: d.sleepEndMs, id: d.sleep.id, json: d.recovery }));
  }

  profileJson(): Json {
    const p = this.profile;
    return { user_id: this.userId, email: `${p.username}@example.com`, first_name: p.firstname, last_name: p.lastname };
  }

  bodyJson(nowMs: number): Json {
    const today = this.render(windowOf(nowMs).last).source.health;
    return {
      height_meter: r(this.profile.heightCm / 100, 4),
      weight_kilogram: today.weight_kg ?? this.profile.weightKg,
      max_heart_rate: this.profile.maxHr,
    };
  }
}

function pending(w: Dated): Dated {
  const json: Json = { ...w.json, updated_at: w.json['created_at'], score_state: 'PENDING_SCORE' };
  delete json['score'];
  return { ...w, json };
}

/** Time in WHOOP's six heart-rate zones, centred on the session's intensity. */
function zoneDurations(totalMs: number, share: number): Json {
  const centre = Math.min(5, Math.max(0, share * 6));
  const weights = [0, 1, 2, 3, 4, 5].map((zone) => Math.exp(-((zone - centre) ** 2) / 1.5));
  const sum = weights.reduce((a, b) => a + b, 0);
  const ms = weights.map((w) => Math.floor((totalMs * w) / sum));
  ms[Math.round(centre)]! += totalMs - ms.reduce((a, b) => a + b, 0);
  const [zero, one, two, three, four, five] = ms;
  return {
    zone_zero_milli: zero,
    zone_one_milli: one,
    zone_two_milli: two,
    zone_three_milli: three,
    zone_four_milli: four,
    zone_five_milli: five,
  };
}
