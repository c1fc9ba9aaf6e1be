/** The answer-size bound of shared/mcp/limits.ts on answers built to sit right at the edge. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundedAnswers, MAX_ANSWER_BYTES, screen, surelyFits } from '../../shared/mcp/limits';

const lambdaBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(JSON.stringify(value))) - 2;
const result = (id: string, textBytes: number) => ({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: 'x'.repeat(textBytes) }] } });

describe('boundedAnswers', () => {
  it('never passes the bound, even when a first result fills it almost whole and the rest are replaced', () => {
    const ids = Array.from({ length: 10 }, (_, i) => `${'i'.repeat(300)}${i}`);
    const screened = screen(ids.map((id) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'get_activities', arguments: {} } })))!;
    for (const first of [MAX_ANSWER_BYTES - 2_000, MAX_ANSWER_BYTES - 200, MAX_ANSWER_BYTES - 500 * 9]) {
      const answers = new Map<string | number, unknown>(ids.map((id, i) => [id, result(id, i === 0 ? first : 1_000_000)]));
      const bounded = boundedAnswers(screened.slots, answers);
      expect(lambdaBytes(bounded)).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
      expect(bounded).toHaveLength(10);
      const kept = bounded.filter((a) => !JSON.stringify(a).includes('answer_too_large'));
      expect(kept.length).toBeGreaterThanOrEqual(1);
      for (const answer of kept) expect(answer).toEqual(answers.get((answer as { id: string }).id));
    }
  });

  it('keeps results in request order while they fit', () => {
    const ids = ['a', 'b', 'c'];
    const screened = screen(ids.map((id) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'x' } })))!;
    const third = Math.floor(MAX_ANSWER_BYTES / 3) - 1_000;
    const bounded = boundedAnswers(screened.slots, new Map(ids.map((id) => [id, result(id, third)])));
    expect(bounded.map((a) => JSON.stringify(a).includes('answer_too_large'))).toEqual([false, false, false]);
    const over = boundedAnswers(screened.slots, new Map(ids.map((id) => [id, result(id, third + 2_000)])));
    expect(over.map((a) => JSON.stringify(a).includes('answer_too_large'))).toEqual([false, false, true]);
  });
});

describe('surelyFits', () => {
  it('never vouches for JSON that escapes past three bytes a unit', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, text) => {
        const json = JSON.stringify({ value, text });
        expect(Buffer.byteLength(JSON.stringify(json))).toBeLessThanOrEqual(3 * json.length + 2);
      }),
      { numRuns: 2_000 },
    );
    expect(surelyFits('x'.repeat(Math.floor((MAX_ANSWER_BYTES - 2) / 3)))).toBe(true);
    expect(surelyFits('x'.repeat(Math.floor((MAX_ANSWER_BYTES - 2) / 3) + 1))).toBe(false);
  });
});
