/**
 * Time spans for providers that page by time rather than by offset (Garmin upload windows,
 * Terra date ranges, COROS calendar-day windows): the one window walker, contiguous spans, `start` inclusive and `end` exclusive, in whatever
 * unit the caller uses.
 */
export interface Span {
  start: number;
  end: number;
}

/** Spans of at most `size` covering [lower, upper), newest first. */
export function* spansBackward(upper: number, lower: number, size: number): Generator<Span> {
  for (let end = upper; end > lower; ) {
    const start = Math.max(lower, end - size);
    yield { start, end };
    end = start;
  }
}

/** Spans of at most `size` covering [lower, upper), oldest first. */
export function* spansForward(lower: number, upper: number, size: number): Generator<Span> {
  for (let start = lower; start < upper; ) {
    const end = Math.min(upper, start + size);
    yield { start, end };
    start = end;
  }
}
