/**
 * The subset of AIP-160 list filters the Google Health API documents for data points:
 * `field >= "literal"` and `field < "literal"` joined by AND (sleep also allows OR), over the
 * fields each kind of type offers. A filter is a predicate over simulated points, or a refusal.
 */
import type { SimPoint } from './data';

export type Kind = 'session' | 'sleep' | 'daily' | 'sample';

export const KIND_OF_TYPE: Readonly<Record<string, Kind>> = {
  exercise: 'session',
  sleep: 'sleep',
  'daily-resting-heart-rate': 'daily',
  'daily-heart-rate-variability': 'daily',
  'daily-oxygen-saturation': 'daily',
  weight: 'sample',
  'body-fat': 'sample',
};

type Value = (p: SimPoint) => string | number;
type Field = { value: Value; literal: 'instant' | 'civil' | 'date' };

function fieldsOf(type: string, kind: Kind): Record<string, Field> {
  const t = type.replace(/-/g, '_');
  switch (kind) {
    case 'session':
      // The discovery document lists the civil start time; PROVIDERS.md the physical one: both work.
      return {
        [`${t}.interval.civil_start_time`]: { value: (p) => p.civilStart, literal: 'civil' },
        [`${t}.interval.start_time`]: { value: (p) => p.startMs, literal: 'instant' },
      };
    case 'sleep':
      return {
        'sleep.interval.end_time': { value: (p) => p.endMs, literal: 'instant' },
        'sleep.interval.civil_end_time': { value: (p) => p.civilEnd, literal: 'civil' },
      };
    case 'daily':
      return { [`${t}.date`]: { value: (p) => p.date, literal: 'date' } };
    case 'sample':
      return {
        [`${t}.sample_time.physical_time`]: { value: (p) => p.startMs, literal: 'instant' },
        [`${t}.sample_time.civil_time`]: { value: (p) => p.civilStart, literal: 'civil' },
      };
  }
}

const CLAUSE = /^\s*([a-z_]+(?:\.[a-z_]+)+)\s*(>=|<)\s*"([^"]*)"\s*$/;
const CIVIL = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2})?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export type Filter = { ok: true; test: (p: SimPoint) => boolean } | { ok: false; reason: 'INVALID_FILTER' | 'INVALID_TIME_RANGE'; message: string };

/** Parses `filter` for `type`; an empty filter matches everything. */
export function parseFilter(type: string, filter: string): Filter {
  const kind = KIND_OF_TYPE[type];
  if (!kind) return { ok: false, reason: 'INVALID_FILTER', message: `Data type ${type} cannot be listed here` };
  if (filter.trim() === '') return { ok: true, test: () => true };
  const fields = fieldsOf(type, kind);
  const disjuncts = filter.split(/\s+OR\s+/);
  if (disjuncts.length > 1 && kind !== 'sleep') return { ok: false, reason: 'INVALID_FILTER', message: 'OR is only supported for sleep' };
  const tests: Array<(p: SimPoint) => boolean> = [];
  for (const disjunct of disjuncts) {
    const clauses: Array<(p: SimPoint) => boolean> = [];
    let lower: string | number | undefined;
    let upper: string | number | undefined;
    for (const clause of disjunct.replace(/^\s*\(|\)\s*$/g, '').split(/\s+AND\s+/)) {
      const m = CLAUSE.exec(clause);
      const field = m && fields[m[1]!];
      if (!m || !field) return { ok: false, reason: 'INVALID_FILTER', message: `Invalid filter clause: ${clause.slice(0, 80)}` };
      const text = m[3]!;
      let literal: string | number;
      if (field.literal === 'instant') {
        literal = Date.parse(text);
        if (Number.isNaN(literal) || !/Z$|[+-]\d{2}:\d{2}$/.test(text))
          return { ok: false, reason: 'INVALID_FILTER', message: `Invalid RFC 3339 time: ${text.slice(0, 40)}` };
      } else if (field.literal === 'date') {
        if (!DATE.test(text)) return { ok: false, reason: 'INVALID_FILTER', message: `Invalid date: ${text.slice(0, 40)}` };
        literal = text;
      } else {
        if (!CIVIL.test(text)) return { ok: false, reason: 'INVALID_FILTER', message: `Invalid civil time: ${text.slice(0, 40)}` };
        literal = text.length === 10 ? `${text}T00:00:00` : text;
      }
      const value = field.value;
      if (m[2] === '>=') {
        lower = literal;
        clauses.push((p) => value(p) >= literal);
      } else {
        upper = literal;
        clauses.push((p) => value(p) < literal);
      }
    }
    if (lower !== undefined && upper !== undefined && lower >= upper) {
      return { ok: false, reason: 'INVALID_TIME_RANGE', message: 'The start of the time range must be before its end' };
    }
    tests.push((p) => clauses.every((c) => c(p)));
  }
  return { ok: true, test: (p) => tests.some((t) => t(p)) };
}
