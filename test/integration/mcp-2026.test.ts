/**
 * Both MCP protocol eras through the official v2 client (`@modelcontextprotocol/client`) against
 * the local server: a 2026-07-28 client (negotiating with `server/discover`, or pinned) sees
 * the same tools and answers as a 2025-11-25 one, with no `initialize`; results carry the cache
 * hints of the revision; envelope and header faults are refused as the revision says.
 */
import { Client, StreamableHTTPClientTransport, type CallToolResult, type Tool } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClient, type Client as RestClient } from '../support/provider-flow';

const MODERN = '2026-07-28';
const ACTIVITY_LIST_TTL_MS = 15 * 60 * 1000;

describe('MCP protocol revisions 2025-11-25 and 2026-07-28', () => {
  let rest: RestClient;
  const opened: Client[] = [];

  async function connect(mode: 'legacy' | 'auto' | { pin: string }): Promise<Client> {
    const transport = new StreamableHTTPClientTransport(new URL(`${rest.server.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${rest.token}` } },
    });
    const client = new Client({ name: 'pierre-test', version: '1.0.0' }, { versionNegotiation: { mode } });
    await client.connect(transport);
    opened.push(client);
    return client;
  }

  const envelope = (version = MODERN) => ({
    'io.modelcontextprotocol/protocolVersion': version,
    'io.modelcontextprotocol/clientCapabilities': {},
    'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '0' },
  });
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${rest.server.url}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rest.token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      body: JSON.stringify(body),
    });
  const modernCall = (name: string, args: Record<string, unknown>) =>
    post(
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args, _meta: envelope() } },
      { 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/call', 'mcp-name': name },
    );

  beforeAll(async () => {
    rest = await startClient({}, 'user-2026', 'tenant-2026');
  });
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.close()));
    await rest.server.close();
  });

  it('negotiates 2026-07-28 through server/discover, which names both revisions', async () => {
    const client = await connect('auto');
    expect(client.getProtocolEra()).toBe('modern');
    expect(client.getNegotiatedProtocolVersion()).toBe(MODERN);
    const discovered = client.getDiscoverResult()!;
    expect(discovered.supportedVersions).toEqual(expect.arrayContaining([MODERN, '2025-11-25']));
    expect(discovered.capabilities.tools).toBeDefined();
  });

  it('keeps the 2025-11-25 handshake for clients that do not negotiate', async () => {
    const client = await connect('legacy');
    expect(client.getProtocolEra()).toBe('legacy');
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25');
  });

  it('offers the same tools, schemas and descriptions in both revisions', async () => {
    const [modern, legacy] = await Promise.all([connect({ pin: MODERN }), connect('legacy')]);
    const surface = (tools: Tool[]) =>
      tools.map(({ name, title, description, inputSchema, outputSchema, annotations }) => ({
        name,
        title,
        description,
        inputSchema,
        outputSchema,
        annotations,
      }));
    const [modernTools, legacyTools] = await Promise.all([modern.listTools(), legacy.listTools()]);
    expect(modernTools.tools.length).toBe(13);
    expect(surface(modernTools.tools)).toEqual(surface(legacyTools.tools));
  });

  it('answers a 2026-07-28 tool call as REST answers, with no initialize', async () => {
    const client = await connect({ pin: MODERN });
    const result = (await client.callTool({ name: 'get_activities', arguments: { limit: 3 } })) as CallToolResult;
    const restAnswer = await rest.api('/activities?limit=3');
    expect(result.structuredContent).toEqual(await restAnswer.json());
  });

  it('answers a request carrying the 2026-07-28 envelope with no prior message, with cache hints and serverInfo', async () => {
    const res = await modernCall('get_activities', { limit: 2, cache: 'refresh' });
    expect(res.status).toBe(200);
    const { result } = await res.json();
    expect(result.resultType).toBe('complete');
    expect(result.cacheScope).toBe('private');
    expect(result.ttlMs).toBe(ACTIVITY_LIST_TTL_MS); // just fetched: the activity list's whole TTL
    expect(result._meta['io.modelcontextprotocol/serverInfo'].name).toBe('pierre-providers');
    const bypassed = await (await modernCall('get_activities', { limit: 2, cache: 'bypass' })).json();
    expect(bypassed.result.ttlMs).toBe(0); // nothing kept: nothing to reuse
    const athlete = await (await modernCall('get_athlete', {})).json();
    expect(athlete.result.ttlMs).toBe(24 * 60 * 60 * 1000);
  });

  it('answers server/discover with cache hints, and tools/list with ttlMs 0 (providers may be registered at any time)', async () => {
    const discover = await (
      await post({ jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta: envelope() } }, { 'mcp-protocol-version': MODERN })
    ).json();
    expect(discover.result).toMatchObject({ resultType: 'complete', supportedVersions: expect.arrayContaining([MODERN, '2025-11-25']), cacheScope: 'private' });
    const list = await (await post({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: { _meta: envelope() } }, { 'mcp-protocol-version': MODERN })).json();
    expect(list.result).toMatchObject({ resultType: 'complete', ttlMs: 0, cacheScope: 'private' });
  });

  it('refuses what 2026-07-28 refuses: a header without an envelope, headers that disagree, a version it does not speak, initialize', async () => {
    const headerOnly = await post({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, { 'mcp-protocol-version': MODERN });
    expect(headerOnly.status).toBe(400);
    expect((await headerOnly.json()).error.code).toBe(-32602);

    const mismatch = await post({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: envelope() } }, { 'mcp-protocol-version': '2025-11-25' });
    expect(mismatch.status).toBe(400);
    expect((await mismatch.json()).error.code).toBe(-32020);

    const future = await post({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: envelope('2099-01-01') } });
    expect(future.status).toBe(400);
    const { error } = await future.json();
    expect(error.code).toBe(-32022);
    expect(error.data).toEqual({ supported: expect.arrayContaining([MODERN, '2025-11-25']), requested: '2099-01-01' });

    const initialize = await post(
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: MODERN, capabilities: {}, clientInfo: { name: 'raw', version: '0' }, _meta: envelope() },
      },
      { 'mcp-protocol-version': MODERN },
    );
    expect((await initialize.json()).error.code).toBe(-32601);
  });
});
