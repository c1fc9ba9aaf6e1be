/**
 * What one MCP POST may cost, through the local server: at most 10 messages and one
 * provider=all call per batch, `arguments` an object, an empty batch refused, and an answer of
 * at most 5 MB whatever the tools return.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerRegistry } from '../../shared/providers';
import { bulkyFactory, setBulkyTitleBytes } from '../support/bulky-provider';
import { startClient, type Client } from '../support/provider-flow';

const MB5 = 5 * 1024 * 1024;

type Answer = { jsonrpc: '2.0'; id: string | number | null; result?: any; error?: { code: number; message: string } };

describe('MCP limits per POST', () => {
  let rest: Client;

  const post = async (body: unknown) => {
    const res = await fetch(`${rest.server.url}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${rest.token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-06-18',
      },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, bytes: Buffer.byteLength(text), body: (text ? JSON.parse(text) : undefined) as any };
  };
  const callMessage = (id: number | string, name: string, args?: unknown) => ({
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name, ...(args !== undefined && { arguments: args }) },
  });
  const toolErrorOf = (answer: Answer) => {
    expect(answer.result?.isError).toBe(true);
    return JSON.parse(answer.result.content[0].text).error as { code: string; message: string };
  };

  beforeAll(async () => {
    rest = await startClient({}, 'user-1', 'tenant-1');
  });
  afterAll(async () => {
    await rest.server.close();
  });

  it('answers an empty batch with Invalid Request', async () => {
    const { status, body } = await post([]);
    expect(status).toBe(400);
    expect(body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.stringContaining('empty batch') } });
  });

  it('runs the first 10 messages of a batch and answers each further request with an error naming the limit', async () => {
    const batch = Array.from({ length: 13 }, (_, i) => callMessage(i + 1, 'get_athlete', {}));
    const { status, body } = await post(batch);
    expect(status).toBe(200);
    const answers = body as Answer[];
    expect(answers.map((a) => a.id)).toEqual(batch.map((m) => m.id));
    expect(answers.slice(0, 10).every((a) => a.result?.structuredContent?.provider === 'synthetic')).toBe(true);
    for (const [i, answer] of answers.slice(10).entries()) {
      expect(answer.result).toBeUndefined();
      expect(answer.error).toEqual({ code: -32600, message: expect.stringContaining(`at most 10 messages and this is message ${i + 11}`) });
    }
  });

  it('runs one provider=all call per batch and refuses the others, naming the limit', async () => {
    const { body } = await post([
      callMessage('first', 'get_activities', { provider: 'all', limit: 2 }),
      callMessage('one', 'get_activities', { provider: 'synthetic', limit: 2 }),
      callMessage('second', 'get_activities', { provider: 'all', limit: 2 }),
    ]);
    const byId = new Map((body as Answer[]).map((a) => [a.id, a]));
    expect(byId.get('first')!.result.structuredContent.provider).toBe('all');
    expect(byId.get('one')!.result.structuredContent.activities).toHaveLength(2);
    expect(byId.get('second')!.error).toEqual({ code: -32600, message: expect.stringContaining('at most 1 provider=all call') });
  });

  it.each([
    ['a string', 'x'],
    ['a number', 3],
    ['an array', [{ provider: 'synthetic' }]],
    ['null', null],
    ['a boolean', true],
  ])('answers arguments that are %s with Invalid params (-32602)', async (kind, args) => {
    const single = await post(callMessage(5, 'get_athlete', args));
    expect(single.status).toBe(200);
    expect(single.body).toEqual({
      jsonrpc: '2.0',
      id: 5,
      error: { code: -32602, message: `Invalid params: arguments must be an object of named arguments, not ${kind}` },
    });
    const { body } = await post([callMessage(6, 'get_athlete', args), callMessage(7, 'get_athlete', {})]);
    expect(body[0].error.code).toBe(-32602);
    expect(body[1].result.structuredContent.provider).toBe('synthetic');
  });

  it('refuses a repeated id in a batch instead of losing an answer', async () => {
    const { body } = await post([callMessage(1, 'get_athlete', {}), callMessage(1, 'list_providers', {})]);
    expect(body).toHaveLength(2);
    expect(body[0].result.structuredContent.provider).toBe('synthetic');
    expect(body[1].error).toEqual({ code: -32600, message: expect.stringContaining('repeats an earlier message') });
  });

  describe('answer size', () => {
    beforeAll(() => {
      providerRegistry.register(bulkyFactory);
    });
    afterAll(() => {
      providerRegistry.unregister('bulky');
    });

    it('keeps a batch of large results under 5 MB and tells the calls left out to ask for less', async () => {
      setBulkyTitleBytes(4_000); // about 1.7 MB per call of 200 activities, escaped
      const batch = Array.from({ length: 6 }, (_, i) => callMessage(i, 'get_activities', { provider: 'bulky', limit: 200, cache: 'bypass' }));
      const { status, bytes, body } = await post(batch);
      expect(status).toBe(200);
      expect(bytes).toBeLessThanOrEqual(MB5);
      expect(Buffer.byteLength(JSON.stringify(JSON.stringify(body)))).toBeLessThanOrEqual(MB5 + 2);
      const answers = body as Answer[];
      const served = answers.filter((a) => !a.result.isError);
      expect(served.length).toBeGreaterThanOrEqual(1);
      expect(served[0]!.result.structuredContent.activities).toHaveLength(200);
      const refused = answers.filter((a) => a.result.isError);
      expect(refused.length).toBeGreaterThanOrEqual(1);
      // First come, first served in request order.
      expect(answers.findIndex((a) => a.result.isError)).toBe(served.length);
      const error = toolErrorOf(refused[0]!);
      expect(error.code).toBe('answer_too_large');
      expect(error.message).toMatch(/at most 5242880 bytes .*ask for less: a smaller limit/);
    });

    it('refuses one result larger than 5 MB on its own', async () => {
      setBulkyTitleBytes(14_000);
      const { status, bytes, body } = await post(callMessage('big', 'get_activities', { provider: 'bulky', limit: 200, cache: 'bypass' }));
      expect(status).toBe(200);
      expect(bytes).toBeLessThan(2_000);
      expect(body.id).toBe('big');
      expect(toolErrorOf(body).code).toBe('answer_too_large');
    });
  });
});
