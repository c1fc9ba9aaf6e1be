/**
 * COROS sport types as `mode` (family) and `subMode` (variant), from the tables public
 * integrations carry (mode 8 run, 9 bike, 10 swim, 13 triathlon, 14 mountain climb, 15 trail
 * run, 16 hike, 18 cardio, 19 XC ski, 20 track run, 21 ski, 23 strength, 24 rowing, 31 walk...).
 * A subMode missing from the table falls back to its family; an unknown family is `other`.
 */
import type { SportType } from '../../models';

interface SportEntry {
  sport: SportType;
  label: string;
}

const FAMILIES: Readonly<Record<number, SportEntry>> = {
  8: { sport: 'run', label: 'Run' },
  9: { sport: 'ride', label: 'Bike' },
  10: { sport: 'swim', label: 'Swim' },
  13: { sport: 'other', label: 'Multisport' },
  14: { sport: 'hike', label: 'Mountain Climb' },
  15: { sport: 'trail_run', label: 'Trail Run' },
  16: { sport: 'hike', label: 'Hike' },
  18: { sport: 'other', label: 'Cardio' },
  19: { sport: 'ski', label: 'XC Ski' },
  20: { sport: 'run', label: 'Track Run' },
  21: { sport: 'ski', label: 'Ski' },
  22: { sport: 'other', label: 'Pilot' },
  23: { sport: 'strength_training', label: 'Strength' },
  24: { sport: 'rowing', label: 'Rowing' },
  25: { sport: 'other', label: 'Whitewater' },
  26: { sport: 'other', label: 'Flatwater' },
  27: { sport: 'other', label: 'Windsurfing' },
  28: { sport: 'other', label: 'Speedsurfing' },
  29: { sport: 'ski', label: 'Ski Touring' },
  31: { sport: 'walk', label: 'Walk' },
  33: { sport: 'other', label: 'Climb' },
  34: { sport: 'hiit', label: 'Jump Rope' },
};

/** Variants whose sport or name differ from their family's. */
const VARIANTS: Readonly<Record<string, SportEntry>> = {
  '8:1': { sport: 'run', label: 'Outdoor Run' },
  '8:2': { sport: 'run', label: 'Indoor Run' },
  '9:1': { sport: 'ride', label: 'Outdoor Bike' },
  '9:2': { sport: 'virtual_ride', label: 'Indoor Bike' },
  '10:1': { sport: 'swim', label: 'Open Water' },
  '10:2': { sport: 'swim', label: 'Pool Swim' },
  '13:1': { sport: 'other', label: 'Triathlon' },
  '13:2': { sport: 'other', label: 'Multisport' },
  '18:1': { sport: 'other', label: 'GPS Cardio' },
  '18:2': { sport: 'other', label: 'Gym Cardio' },
  '21:2': { sport: 'ski', label: 'Snowboard' },
  '24:2': { sport: 'rowing', label: 'Indoor Rower' },
};

export function corosSport(mode: number, subMode: number): SportEntry {
  return VARIANTS[`${mode}:${subMode}`] ?? FAMILIES[mode] ?? { sport: 'other', label: 'Workout' };
}
