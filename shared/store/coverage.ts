/** Coverage arithmetic shared by the records store adapters and the reads that consult them. */
import type { CoveredRange, RecordRange } from './ports';

const OPEN_END = Number.POSITIVE_INFINITY;
const endOf = (range: CoveredRange) => (range.to === undefined ? OPEN_END : Date.parse(range.to));

/** The ranges oldest first, overlapping or touching ones joined, empty ones dropped. */
export function mergeCoverage(ranges: readonly CoveredRange[]): CoveredRange[] {
  const sorted = ranges.filter((r) => endOf(r) > Date.parse(r.from)).sort((a, b) => Date.parse(a.from) - Date.parse(b.from));
  const merged: CoveredRange[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && Date.parse(range.from) <= endOf(last)) {
      if (endOf(range) > endOf(last)) last.to = range.to;
    } else {
      merged.push({ from: new Date(range.from).toISOString(), ...(range.to !== undefined && { to: new Date(range.to).toISOString() }) });
    }
  }
  return merged;
}

/** The covered range holding the instant just before `toMs` (an open range holds everything up to now), if any. */
function rangeEndingAt(coverage: readonly CoveredRange[], toMs: number): CoveredRange | undefined {
  return coverage.find((range) => Date.parse(range.from) < toMs && endOf(range) >= toMs);
}

/**
 * Whether the store holds all of `[from, to)`. An open `from` is never covered (history before
 * every range is unknown); an open `to`, or one after `nowMs`, means up to now: nothing exists later.
 */
export function covers(coverage: readonly CoveredRange[], wanted: RecordRange, nowMs: number): boolean {
  if (wanted.from === undefined) return false;
  const from = Date.parse(wanted.from);
  const to = Math.min(wanted.to === undefined ? nowMs : Date.parse(wanted.to), nowMs);
  if (to <= from) return coverage.some((range) => Date.parse(range.from) <= from);
  const range = rangeEndingAt(coverage, to);
  return range !== undefined && Date.parse(range.from) <= from;
}
