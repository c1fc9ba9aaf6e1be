/** Rounds to `digits` decimal places: unit conversions should not report 6.699999999 km. */
export function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
