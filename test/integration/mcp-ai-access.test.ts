/**
 * Provider terms for AI use over MCP (the official SDK client against the local server and the
 * Strava simulator): Strava is left out of the tools' provider choices and of provider=all by
 * default, refused with a clear message when a tool names it, and served as before over REST;
 * PIERRE_<P>_AI_ACCESS turns a provider on or off.
 */
import { Client, StreamableHTTPClientTransport, type CallToolResult } from '@modelcontextprotocol/client';
import { afterAll, describe, expect, it } from 'vitest';
import { buildContainer } from '../../shared/app/container';
import { startClient, type Client as RestClient } from '../support/provider-flow';

async function mcpOf(rest: RestClient): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${rest.server.url}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${rest.token}` } },
  });
  const client = new Client({ name: 'ai-access-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

const enumOf = async (mcp: Client, tool: string) =>
  ((await mcp.listTools()).tools.find((t) => t.name === tool)!.inputSchema.properties as { provider: { enum: string[] } }).provider.enum;

function errorOf(result: CallToolResult): { code: string; message: string } {
  expect(result.isError).toBe(true);
  const [first] = result.content;
  return JSON.parse(first?.type === 'text' ? first.text : '{}').error;
}

describe('provider terms for AI use over MCP', () => {
  const servers: RestClient[] = [];
  const clients: Client[] = [];
  async function start(env: Record<string, string> = {}) {
    const rest = await startClient({ env });
    servers.push(rest);
    const mcp = await mcpOf(rest);
    clients.push(mcp);
    return { rest, mcp };
  }
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(servers.map((s) => s.server.close()));
  });

  it('keeps Strava out of the tools by default, says why when asked for it, and serves it over REST', async () => {
    const { rest, mcp } = await start();
    expect((await rest.connect('strava')).status).toBe(200);

    for (const tool of ['get_activities', 'get_athlete', 'connect_provider', 'disconnect_provider']) expect(await enumOf(mcp, tool)).not.toContain('strava');
    expect(await enumOf(mcp, 'get_activities')).toEqual(expect.arrayContaining(['synthetic', 'all']));

    for (const tool of ['get_activities', 'get_stats', 'disconnect_provider']) {
      const refused = errorOf((await mcp.callTool({ name: tool, arguments: { provider: 'strava' } })) as CallToolResult);
      expect(refused.code, tool).toBe('ai_access_disabled');
      expect(refused.message).toMatch(/Strava data is not served to AI assistants here .*AI model's context.*REST API.*PIERRE_STRAVA_AI_ACCESS=true/);
    }

    const merged = (await mcp.callTool({ name: 'get_activities', arguments: { provider: 'all', limit: 5 } })) as CallToolResult;
    expect(merged.isError).toBeFalsy();
    expect(Object.keys((merged.structuredContent as { sources: object }).sources)).toEqual(['synthetic']);

    const overRest = await rest.api('/activities?provider=all&limit=5');
    expect(Object.keys((await overRest.json()).sources).sort()).toEqual(['strava', 'synthetic']);
    expect((await rest.api('/activities?provider=strava&limit=5')).status).toBe(200);
  });

  it('PIERRE_<P>_AI_ACCESS turns Strava on and the default provider off', async () => {
    const { rest, mcp } = await start({ PIERRE_STRAVA_AI_ACCESS: 'true', PIERRE_SYNTHETIC_AI_ACCESS: 'false' });
    expect((await rest.connect('strava')).status).toBe(200);
    expect(await enumOf(mcp, 'get_activities')).toContain('strava');
    expect(await enumOf(mcp, 'get_athlete')).not.toContain('synthetic');
    const activities = (await mcp.callTool({ name: 'get_activities', arguments: { provider: 'strava', limit: 2 } })) as CallToolResult;
    expect((activities.structuredContent as { provider: string }).provider).toBe('strava');
    // No provider named: the default one (synthetic) is refused too.
    expect(errorOf((await mcp.callTool({ name: 'get_athlete', arguments: {} })) as CallToolResult).code).toBe('ai_access_disabled');
  });

  it('refuses a value other than true or false at start-up, naming the variable', async () => {
    await expect(buildContainer({ env: { PIERRE_STRAVA_AI_ACCESS: 'maybe' } })).rejects.toThrow(/PIERRE_STRAVA_AI_ACCESS must be true or false, got 'maybe'/);
  });
});
