import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { spansBackward, spansForward } from '../../shared/providers/time-spans';

describe('time spans', () => {
  it('walk backwards newest first and forwards oldest first over the same ground', () => {
    expect([...spansBackward(100, 10, 40)]).toEqual([
      { start: 60, end: 100 },
      { start: 20, end: 60 },
      { start: 10, end: 20 },
    ]);
    expect([...spansForward(10, 100, 40)]).toEqual([
      { start: 10, end: 50 },
      { start: 50, end: 90 },
      { start: 90, end: 100 },
    ]);
    expect([...spansBackward(10, 10, 5)]).toEqual([]);
  });

  it('cover [lower, upper) exactly, without gaps or overlaps, in spans no larger than size', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 0, max: 1e5 }), fc.integer({ min: 1, max: 5e4 }), (lower, width, size) => {
        const upper = lower + width;
        for (const spans of [[...spansBackward(upper, lower, size)].reverse(), [...spansForward(lower, upper, size)]]) {
          let cursor = lower;
          for (const span of spans) {
            expect(span.start).toBe(cursor);
            expect(span.end - span.start).toBeGreaterThan(0);
            expect(span.end - span.start).toBeLessThanOrEqual(size);
            cursor = span.end;
          }
          expect(cursor).toBe(upper);
        }
      }),
    );
  });
});
