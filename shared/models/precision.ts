/**
 * How many decimals a number of the model carries, decided by its unit, which the field's name
 * states (common.ts): a distance to the centimetre, a weight to the gram, a heart rate to a
 * tenth of a beat. Sums and conversions leave binary noise (`332589.39999999997`); answers
 * (REST and MCP alike) are serialised through `roundedJson`, so no answer carries more
 * precision than its unit supports. The first matching rule wins; integers pass untouched.
 */
const RULES: readonly [pattern: RegExp, decimals: number][] = [
  [/_meters$/, 2],
  [/_seconds$/, 3],
  [/_ms$/, 1],
  [/_kg$/, 3],
  [/_celsius$/, 2],
  [/_percentage$/, 1],
  [/_mmhg$/, 0],
  [/_mg_dl$/, 1],
  [/(^|_)heart_rate$/, 1],
  [/(^|_)speed$/, 3],
  [/(^|_)power$/, 1],
  [/(^|_)calories$/, 1],
  [/(^|_)cadence$/, 1],
  // 1e-7 degree is about a centimetre on the ground.
  [/(^|_)(latitude|longitude)$/, 7],
];

/** Whatever else (scores, ratios, a record's `value`): enough for any of them, none of the noise. */
const DEFAULT_DECIMALS = 6;

/** Field names repeat in every record of an answer: each is matched against the rules once. */
const decided = new Map<string, number>();
function decimalsOf(key: string): number {
  let decimals = decided.get(key);
  if (decimals === undefined) {
    decimals = RULES.find(([pattern]) => pattern.test(key))?.[1] ?? DEFAULT_DECIMALS;
    // Array indexes and odd keys are not field names of the model: not worth remembering.
    if (decided.size < 1000) decided.set(key, decimals);
  }
  return decimals;
}

const FACTORS = Array.from({ length: 8 }, (_, i) => 10 ** i);

function round(value: number, decimals: number): number {
  const factor = FACTORS[decimals]!;
  const rounded = Math.round(value * factor) / factor;
  return Object.is(rounded, -0) ? 0 : rounded;
}

/** A `JSON.stringify` replacer: every non-integer number rounded by the unit of its field. */
export function precisionReplacer(key: string, value: unknown): unknown {
  return typeof value === 'number' && Number.isFinite(value) && !Number.isInteger(value) ? round(value, decimalsOf(key)) : value;
}

/** An answer as JSON text, numbers rounded to what their unit supports. */
export const roundedJson = (answer: unknown): string => JSON.stringify(answer, precisionReplacer);
