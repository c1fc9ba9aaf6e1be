/**
 * Property tests over the MCP endpoint through the local server: single messages and batches
 * of random shapes and sizes (requests, notifications, garbage; repeated, missing and odd ids;
 * arguments of every JSON kind; provider=all; answers large enough to meet the size bound).
 * Whatever arrives, the answer is never a 5xx, carries no stack trace, stays within 5 MB as
 * Lambda counts it, and is JSON-RPC of the right shape: one answer per distinct request, tool
 * failures as `{"error":{"code","message"}}` results.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerRegistry } from '../../shared/providers';
import { bulkyFactory, setBulkyTitleBytes } from '../support/bulky-provider';
import { startClient, type Client } from '../support/provider-flow';

const MAX_ANSWER_BYTES = 5 * 1024 * 1024;
const TOOLS = [
  'list_providers',
  'get_connection_status',
  'get_activities',
  'get_activity',
  'get_athlete',
  'get_stats',
  'get_sleep_sessions',
  'connect_provider',
];

type Id = string | number;
type Message = { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown; result?: unknown; error?: unknown };

describe('fuzzing the MCP endpoint', () => {
  let client: Client;

  beforeAll(async () => {
    providerRegistry.register(bulkyFactory);
    client = await startClient({}, 'mcp-fuzz-user', 'tenant-mf');
    expect((await client.connect('strava')).status).toBe(200);
  });
  afterAll(async () => {
    providerRegistry.unregister('bulky');
    await client.server.close();
  });

  const id = fc.oneof(
    { weight: 80, arbitrary: fc.integer({ min: 0, max: 40 }) },
    { weight: 20, arbitrary: fc.constantFrom('a', 'b', '', 'x'.repeat(300)) },
    { weight: 1, arbitrary: fc.constantFrom(null, 1.5, true, { nested: 1 }, [1]) },
  );
  const argValue = fc.oneof(
    fc.constantFrom('all', 'synthetic', 'strava', 'bulky', 'garmin', 'nope', 'use', 'bypass', 'refresh', '2026-11-01', '30', '-1', '200', '10001'),
    fc.integer({ min: -5, max: 500 }),
    fc.constantFrom(null, true, [], {}, Number.POSITIVE_INFINITY),
    fc.string({ maxLength: 10 }),
  );
  const read = fc.record({
    provider: fc.constantFrom('all', 'bulky', 'bulky', 'synthetic', 'strava'),
    limit: fc.integer({ min: 1, max: 200 }),
    cache: fc.constantFrom('use', 'bypass'),
  });
  const callParams = fc.oneof(
    { weight: 3, arbitrary: fc.record({ name: fc.constant('get_activities'), arguments: read }) },
    {
      weight: 2,
      arbitrary: fc.record(
        {
          name: fc.constantFrom(...TOOLS),
          arguments: fc.dictionary(
            fc.constantFrom('provider', 'limit', 'offset', 'before', 'after', 'start', 'end', 'cache', 'id', 'return_to', 'zzz'),
            argValue,
            { maxKeys: 4 },
          ),
        },
        { requiredKeys: ['name'] },
      ),
    },
    {
      weight: 1,
      arbitrary: fc.record(
        { name: fc.oneof(fc.constantFrom(...TOOLS), fc.string({ maxLength: 8 })), arguments: fc.jsonValue({ maxDepth: 2 }) },
        { requiredKeys: ['name'] },
      ),
    },
  );
  const call = fc.record({ jsonrpc: fc.constant('2.0'), id, method: fc.constant('tools/call'), params: callParams });
  const other = fc.record({
    jsonrpc: fc.constant('2.0'),
    id,
    method: fc.oneof(fc.constantFrom('tools/list', 'ping', 'resources/list', 'initialize'), fc.string({ maxLength: 8 })),
  });
  const notification = fc.record({ jsonrpc: fc.constant('2.0'), method: fc.constantFrom('notifications/initialized', 'notifications/cancelled', 'x') });
  const odd = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.record({ jsonrpc: fc.constantFrom('1.0', 2, null), id, method: fc.string({ maxLength: 8 }), params: fc.jsonValue({ maxDepth: 2 }) }),
  );
  const message = fc.oneof(
    { weight: 60, arbitrary: call },
    { weight: 15, arbitrary: other },
    { weight: 9, arbitrary: notification },
    { weight: 1, arbitrary: odd },
  );
  const post = fc.record({
    body: fc.oneof(
      { weight: 6, arbitrary: fc.array(message, { maxLength: 25, size: 'max' }) },
      { weight: 3, arbitrary: message },
      { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((text) => ({ raw: text })) },
    ),
    titleBytes: fc.constantFrom(0, 0, 0, 2_000, 9_000, 30_000),
    protocolHeader: fc.constantFrom('2025-06-18', '2025-06-18', '2025-11-25', '2025-11-25', undefined, '1999-01-01'),
    accept: fc.oneof({ weight: 15, arbitrary: fc.constant('application/json, text/event-stream') }, { weight: 1, arbitrary: fc.constant('application/json') }),
  });

  /** Requests the endpoint must answer one by one: well-formed, with a valid id seen for the first time. */
  function distinctRequestIds(messages: unknown[]): Id[] {
    const ids: Id[] = [];
    for (const m of messages) {
      const msg = m as Message;
      if (typeof msg !== 'object' || msg === null || Array.isArray(msg) || typeof msg.method !== 'string') continue;
      if ((typeof msg.id === 'string' || typeof msg.id === 'number') && !ids.includes(msg.id)) ids.push(msg.id);
    }
    return ids;
  }

  function checkAnswer(answer: Message, where: string): void {
    expect(answer.jsonrpc, where).toBe('2.0');
    expect('result' in answer !== 'error' in answer, `${where}: exactly one of result and error`).toBe(true);
    if ('error' in answer) {
      const error = answer.error as { code?: unknown; message?: unknown };
      expect(Number.isInteger(error.code), where).toBe(true);
      expect(typeof error.message, where).toBe('string');
      return;
    }
    const result = answer.result as { isError?: boolean; content?: Array<{ type: string; text?: string }> };
    if (result.isError) {
      const parsed = JSON.parse(result.content![0]!.text!) as { error: { code: unknown; message: unknown } };
      expect(typeof parsed.error.code, where).toBe('string');
      expect(typeof parsed.error.message, where).toBe('string');
    }
  }

  it('never answers 5xx or a stack trace, stays under 5 MB, and answers in JSON-RPC shape', async () => {
    await fc.assert(
      fc.asyncProperty(post, async (p) => {
        setBulkyTitleBytes(p.titleBytes);
        const headers: Record<string, string> = { authorization: `Bearer ${client.token}`, 'content-type': 'application/json', accept: p.accept };
        if (p.protocolHeader) headers['mcp-protocol-version'] = p.protocolHeader;
        const raw = typeof p.body === 'object' && p.body !== null && 'raw' in p.body && Object.keys(p.body).length === 1;
        const text = raw ? (p.body as { raw: string }).raw : JSON.stringify(p.body);
        const res = await fetch(`${client.server.url}/mcp`, { method: 'POST', headers, body: text });
        const answer = await res.text();
        const where = `${text.slice(0, 300)} -> ${res.status} ${answer.slice(0, 300)}`;
        expect(res.status, where).toBeLessThan(500);
        expect(answer, where).not.toMatch(/\n\s+at .+:\d+:\d+/);
        expect(Buffer.byteLength(JSON.stringify(answer)) - 2, where).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
        if (res.status === 202) {
          expect(answer, where).toBe('');
          return;
        }
        const parsed = JSON.parse(answer) as Message | Message[];
        if (res.status >= 400) {
          const error = (parsed as Message).error as { code?: unknown; message?: unknown };
          // JSON-RPC faults carry numeric codes; the HTTP stack's own (413, ...) string ones.
          expect(['number', 'string'], where).toContain(typeof error.code);
          expect(typeof error.message, where).toBe('string');
          return;
        }
        const batch = Array.isArray(p.body) && !raw;
        expect(Array.isArray(parsed), where).toBe(batch);
        const answers = Array.isArray(parsed) ? parsed : [parsed];
        for (const a of answers) checkAnswer(a, where);
        const expected = distinctRequestIds(batch ? (p.body as unknown[]) : [p.body]);
        expect(new Set(answers.map((a) => a.id)), where).toEqual(new Set(expected));
      }),
      { numRuns: 400 },
    );
  }, 240_000);
});
