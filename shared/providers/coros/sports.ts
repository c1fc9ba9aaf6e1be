/**
 * COROS sport types as `mode` (family) and `subMode` (variant), from the tables public
 * integrations carry (mode 8 run, 9 bike, 10 swim, 13 triathlon, 14 mountain climb, 15 trail
 * run, 16 hike, 18 cardio, 19 XC ski, 20 track run, 21 ski, 23 strength, 24 rowing, 31 walk...).
 * A subMode missing from the table falls back to its family; an unknown family is `other`.
 * `label` is also the activity's `sport_type_detail`, with the codes beside it (`Pool Swim (10:2)`).
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
  13: { sport: 'multisport', label: 'Multisport' },
  14: { sport: 'mountaineering', label: 'Mountain Climb' },
  15: { sport: 'trail_run', label: 'Trail Run' },
  16: { sport: 'hike', label: 'Hike' },
  18: { sport: 'workout', label: 'Cardio' },
  19: { sport: 'cross_country_ski', label: 'XC Ski' },
  20: { sport: 'track_run', label: 'Track Run' },
  21: { sport: 'alpine_ski', label: 'Ski' },
  22: { sport: 'other', label: 'Pilot' },
  23: { sport: 'strength_training', label: 'Strength' },
  24: { sport: 'rowing', label: 'Rowing' },
  25: { sport: 'kayaking', label: 'Whitewater' },
  26: { sport: 'kayaking', label: 'Flatwater' },
  27: { sport: 'windsurfing', label: 'Windsurfing' },
  28: { sport: 'windsurfing', label: 'Speedsurfing' },
  29: { sport: 'backcountry_ski', label: 'Ski Touring' },
  31: { sport: 'walk', label: 'Walk' },
  33: { sport: 'rock_climbing', label: 'Climb' },
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
  '13:1': { sport: 'multisport', label: 'Triathlon' },
  '13:2': { sport: 'multisport', label: 'Multisport' },
  '18:1': { sport: 'workout', label: 'GPS Cardio' },
  '18:2': { sport: 'workout', label: 'Gym Cardio' },
  '21:2': { sport: 'snowboard', label: 'Snowboard' },
  '24:2': { sport: 'rowing', label: 'Indoor Rower' },
};

export function corosSport(mode: number, subMode: number): SportEntry {
  return VARIANTS[`${mode}:${subMode}`] ?? FAMILIES[mode] ?? { sport: 'other', label: 'Workout' };
}
