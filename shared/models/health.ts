import * as z from '../zod';
import { alsoFrom, isoDate, isoInstant, num } from './common';

const SLEEP_STAGES = ['awake', 'light', 'deep', 'rem'] as const;

export const SleepStageSchema = z
  .object({
    stage: z.enum(SLEEP_STAGES).check(z.describe('Sleep stage')),
    start_date: isoInstant.check(z.describe('When the stage began, ISO-8601 UTC')),
    duration_seconds: z.number().check(z.nonnegative(), z.describe('Length of the stage, seconds')),
  })
  .check(z.describe('One period of a single sleep stage'));

export const SleepSessionSchema = z
  .object({
    id: z.string().check(z.minLength(1), z.describe("The provider's id of the sleep")),
    provider: z.string().check(z.minLength(1), z.describe('Provider the sleep came from')),
    start_date: isoInstant.check(z.describe('When the person went to bed (the session began), ISO-8601 UTC')),
    end_date: isoInstant.check(z.describe('When the session ended (got up), ISO-8601 UTC')),
    time_in_bed_seconds: z.number().check(z.nonnegative(), z.describe('Time in bed: the whole session, awake time included, seconds')),
    time_asleep_seconds: num("Time actually asleep (light + deep + REM, or the provider's total sleep time), seconds"),
    efficiency_percentage: num('Share of the time in bed spent asleep, 0-100'),
    sleep_score: num("The provider's sleep score, 0-100 (WHOOP sleep performance, Garmin and Terra sleep scores)"),
    is_nap: z._default(z.nullable(z.boolean()), null).check(z.describe('True for a nap, false for a main sleep, null when the provider does not say')),
    wake_count: num('Times the person woke up during the session'),
    onset_latency_seconds: num('Time from going to bed to falling asleep, seconds'),
    stages: z._default(z.array(SleepStageSchema), []).check(z.describe('Hypnogram: the stages in time order; empty when the provider gives only totals')),
    stage_totals: z
      .object({
        awake_seconds: num('Time awake in bed, seconds'),
        light_seconds: num('Time in light sleep, seconds'),
        deep_seconds: num('Time in deep (slow-wave) sleep, seconds'),
        rem_seconds: num('Time in REM sleep, seconds'),
      })
      .check(z.describe('Total time in each stage')),
    average_heart_rate: num('Average heart rate during the sleep, beats per minute'),
    hrv_rmssd_ms: num('Heart-rate variability during the sleep as RMSSD, milliseconds'),
    respiratory_rate: num('Average breathing rate during the sleep, breaths per minute'),
    spo2_percentage: num('Average blood-oxygen saturation during the sleep, percent'),
    skin_temp_deviation_celsius: num("Skin temperature's deviation from the person's baseline during the sleep, degrees Celsius"),
    also_from: alsoFrom('sleep (overlapping by at least half of the shorter session)'),
  })
  .check(z.describe('One sleep session (a night or a nap)'));
export type SleepSession = z.infer<typeof SleepSessionSchema>;

export const RecoveryMetricsSchema = z
  .object({
    provider: z.string().check(z.minLength(1), z.describe('Provider the values came from')),
    date: isoDate.check(z.describe('The calendar day (local) the values stand for, usually the day one woke up into')),
    recovery_score: num('Readiness or recovery score, 0-100, higher is better rested (WHOOP recovery)'),
    resting_heart_rate: num('Resting heart rate, beats per minute'),
    hrv_rmssd_ms: num('Heart-rate variability as RMSSD, milliseconds'),
    respiratory_rate: num('Resting breathing rate, breaths per minute'),
    spo2_percentage: num('Blood-oxygen saturation, percent'),
    skin_temp_celsius: num('Skin temperature, degrees Celsius (absolute)'),
    skin_temp_deviation_celsius: num("Skin temperature's deviation from the person's baseline, degrees Celsius"),
    stress_level: num('Average stress level of the day, 0-100 (Garmin and Terra stress)'),
    strain: num("WHOOP day strain: the day's cardiovascular load on WHOOP's logarithmic 0-21 scale"),
    also_from: alsoFrom('day'),
  })
  .check(z.describe('One day of recovery measurements'));
export type RecoveryMetrics = z.infer<typeof RecoveryMetricsSchema>;

export const HealthMetricsSchema = z
  .object({
    provider: z.string().check(z.minLength(1), z.describe('Provider the values came from')),
    date: isoDate.check(z.describe('The calendar day (local) the values stand for')),
    weight_kg: num("Body weight, kilograms (the day's latest measurement)"),
    height_meters: num('Height, metres'),
    body_fat_percentage: num('Body fat, percent of body weight'),
    bmi: num('Body mass index, kg/m²'),
    muscle_mass_kg: num('Muscle mass, kilograms'),
    bone_mass_kg: num('Bone mass, kilograms'),
    body_water_percentage: num('Body water, percent of body weight'),
    resting_heart_rate: num('Resting heart rate, beats per minute'),
    steps: num('Steps of the day'),
    calories: num('Total energy burned in the day, resting (BMR) included, kilocalories'),
    active_calories: num('Energy burned above resting in the day, kilocalories'),
    bmr_calories: num('Basal metabolic rate: resting energy of the day, kilocalories'),
    vo2max: num('Estimated VO2max, millilitres of oxygen per kilogram per minute'),
    blood_pressure_systolic_mmhg: num("Systolic blood pressure (the day's average reading), mmHg"),
    blood_pressure_diastolic_mmhg: num("Diastolic blood pressure (the day's average reading), mmHg"),
    blood_glucose_mg_dl: num("Blood glucose (the day's average), mg/dL"),
  })
  .check(z.describe('One day of body and health measurements'));
export type HealthMetrics = z.infer<typeof HealthMetricsSchema>;
