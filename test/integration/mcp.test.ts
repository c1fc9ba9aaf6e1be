/**
 * The MCP endpoint through the official SDK client over HTTP against the local server: every
 * tool answers exactly what its REST route answers for the same user, for the synthetic
 * provider and for Strava through its simulator.
 */
import { Client, StreamableHTTPClientTransport, type CallToolResult, type Tool } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerRegistry } from '../../shared/providers';
import { acmeFactory } from '../support/custom-provider';
import { expectScheduled, startClient, type Client as RestClient } from '../support/provider-flow';

const TENANT = 'tenant-1';
const RANGE = { start: '2026-11-01', end: '2026-11-20T00:00:00Z' };
const RANGE_QUERY = `start=${RANGE.start}&end=${encodeURIComponent(RANGE.end)}`;

type ToolError = { error: { code: string; message: string; retry_after_seconds?: number; job_id?: string } };

describe('MCP endpoint over Streamable HTTP', () => {
  let rest: RestClient;
  let mcp: Client;
  const opened: Client[] = [];

  async function mcpClient(token: string, headers: Record<string, string> = {}): Promise<Client> {
    const transport = new StreamableHTTPClientTransport(new URL(`${rest.server.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${token}`, ...headers } },
    });
    const client = new Client({ name: 'pierre-test', version: '1.0.0' });
    await client.connect(transport);
    opened.push(client);
    return client;
  }

  const call = async (name: string, args: Record<string, unknown> = {}, client = mcp) => (await client.callTool({ name, arguments: args })) as CallToolResult;
  const restJson = async (path: string, init?: RequestInit) => {
    const res = await rest.api(path, init);
    expect(res.status, `${path}: ${res.status}`).toBe(200);
    return res.json();
  };
  const toolError = (result: CallToolResult): ToolError['error'] => {
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    const [first] = result.content;
    if (first?.type !== 'text') throw new Error('expected a text error');
    return (JSON.parse(first.text) as ToolError).error;
  };
  const textOf = (result: CallToolResult) => result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
  const rawPost = (body: unknown, headers: Record<string, string>) =>
    fetch(`${rest.server.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    // Strava's data is kept from AI assistants by default (docs/ai-access.md): these tests compare its tools with REST.
    rest = await startClient({ env: { PIERRE_STRAVA_AI_ACCESS: 'true' } }, 'user-1', TENANT);
    mcp = await mcpClient(rest.token);
  });
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.close()));
    await rest.server.close();
  });

  describe('protocol', () => {
    it.each(['2025-11-25', '2025-06-18'])('negotiates protocol version %s at initialize, with no session id', async (version) => {
      const res = await rawPost(
        { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 'raw', version: '0' } } },
        { authorization: `Bearer ${rest.token}` },
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('mcp-session-id')).toBeNull();
      const body = await res.json();
      expect(body.result.protocolVersion).toBe(version);
      expect(body.result.serverInfo.name).toBe('pierre-providers');
      expect(body.result.capabilities.tools).toBeDefined();
    });

    it('answers any request without a prior initialize on the same connection (stateless)', async () => {
      const res = await rawPost(
        { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'get_athlete', arguments: {} } },
        { authorization: `Bearer ${rest.token}`, 'mcp-protocol-version': '2025-11-25' },
      );
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.id).toBe(7);
      expect(body.result.structuredContent).toEqual(await restJson('/athlete'));
    });

    it('answers a JSON-RPC batch with one response per request', async () => {
      const res = await rawPost(
        [
          { jsonrpc: '2.0', id: 'a', method: 'tools/list' },
          { jsonrpc: '2.0', id: 'b', method: 'tools/call', params: { name: 'list_providers', arguments: {} } },
        ],
        { authorization: `Bearer ${rest.token}`, 'mcp-protocol-version': '2025-06-18' },
      );
      expect(res.status).toBe(200);
      const body = (await res.json()) as { id: string; result: any }[];
      expect(body.map((r) => r.id).sort()).toEqual(['a', 'b']);
      expect(body.find((r) => r.id === 'b')!.result.structuredContent).toEqual(await restJson('/providers'));
    });

    it('refuses an unauthenticated POST with 401 before any tool runs', async () => {
      const res = await rawPost({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, {});
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe('unauthorized');
      const forged = await rawPost({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln' });
      expect(forged.status).toBe(401);
      await expect(mcpClient('not-a-token')).rejects.toThrow(/unauthorized/);
    });

    it('answers GET and DELETE with 405 and Allow: POST', async () => {
      for (const method of ['GET', 'DELETE']) {
        const res = await rest.api('/mcp', { method, headers: { accept: 'text/event-stream' } });
        expect(res.status).toBe(405);
        expect(res.headers.get('allow')).toBe('POST');
        expect((await res.json()).error.code).toBe('method_not_allowed');
      }
    });

    it('answers an unknown tool with a JSON-RPC invalid-params error', async () => {
      await expect(call('get_weather')).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('Unknown tool: get_weather') });
    });

    it('answers malformed JSON with a JSON-RPC parse error', async () => {
      const res = await fetch(`${rest.server.url}/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${rest.token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: '{"jsonrpc":',
      });
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe(-32700);
    });
  });

  describe('tool list', () => {
    let tools: Map<string, Tool>;
    const providerEnum = (name: string) => (tools.get(name)!.inputSchema.properties as any).provider.enum as string[];

    beforeAll(async () => {
      tools = new Map((await mcp.listTools()).tools.map((t) => [t.name, t]));
    });

    it("lists Pierre's thirteen tools, each described, with input and output schemas", () => {
      expect([...tools.keys()].sort()).toEqual(
        [
          'list_providers',
          'get_connection_status',
          'connect_provider',
          'disconnect_provider',
          'get_activities',
          'get_activity',
          'get_athlete',
          'get_stats',
          'get_personal_records',
          'get_sleep_sessions',
          'get_recovery_metrics',
          'get_health_metrics',
          'get_activity_laps',
        ].sort(),
      );
      for (const tool of tools.values()) {
        expect(tool.description!.length, tool.name).toBeGreaterThan(40);
        expect(tool.inputSchema.type).toBe('object');
        expect(tool.outputSchema?.type, tool.name).toBe('object');
      }
    });

    it("builds provider enums from the registry, narrowed to each tool's capability", async () => {
      const providers = (await restJson('/providers')).providers as { name: string; capabilities: string[]; connection_type: string }[];
      const having = (capability: string) => providers.filter((p) => p.capabilities.includes(capability)).map((p) => p.name);
      expect(providerEnum('get_sleep_sessions')).toEqual([...having('sleep_tracking'), 'all']);
      expect(providerEnum('get_sleep_sessions')).not.toContain('strava');
      expect(providerEnum('get_recovery_metrics')).toEqual([...having('recovery_metrics'), 'all']);
      expect(providerEnum('get_health_metrics')).toEqual(having('health_metrics'));
      expect(providerEnum('get_activities')).toEqual([...having('activities'), 'all']);
      expect(providerEnum('get_activity')).toEqual(having('activities'));
      expect(providerEnum('get_athlete')).toEqual(providers.map((p) => p.name));
      expect(providerEnum('connect_provider')).toEqual(providers.map((p) => p.name));
      expect(providerEnum('disconnect_provider')).toEqual(providers.filter((p) => p.connection_type !== 'none').map((p) => p.name));
    });

    it('takes its argument schemas from the REST query schemas, with the default provider', () => {
      const activities = tools.get('get_activities')!.inputSchema as any;
      expect(activities.properties.limit).toMatchObject({ type: 'integer', minimum: 1, maximum: 200 });
      expect(activities.properties.offset).toMatchObject({ type: 'integer', minimum: 0, maximum: 10_000 });
      expect(activities.properties.provider.default).toBe('synthetic');
      expect(activities.properties.before.description).toMatch(/ISO-8601/);
      expect(activities.required ?? []).not.toContain('provider');
      expect(activities.additionalProperties).toBe(false);
      const activity = tools.get('get_activity')!.inputSchema as any;
      expect(activity.required).toEqual(['provider', 'id']);
      expect(activity.properties.provider.default).toBeUndefined();
      expect(Object.keys((tools.get('get_sleep_sessions')!.inputSchema as any).properties)).toEqual(['provider', 'start', 'end', 'cache', 'fallback']);
      expect((tools.get('get_stats')!.inputSchema as any).properties.cache.enum).toEqual(['use', 'bypass', 'refresh']);
      expect((tools.get('connect_provider')!.inputSchema as any).properties.cache).toBeUndefined();
      expect(tools.get('list_providers')!.inputSchema.properties).toEqual({});
    });

    it('shows a provider registered at runtime with no tool code changed', async () => {
      providerRegistry.register(acmeFactory);
      try {
        const listed = new Map((await mcp.listTools()).tools.map((t) => [t.name, t]));
        const names = (tool: string) => (listed.get(tool)!.inputSchema.properties as any).provider.enum as string[];
        expect(names('get_activities')).toContain('acme');
        expect(names('connect_provider')).toContain('acme');
        expect(names('get_sleep_sessions')).not.toContain('acme');
        const unknown = toolError(await call('get_sleep_sessions', { provider: 'acme' }));
        expect(unknown.code).toBe('unsupported_feature');
      } finally {
        providerRegistry.unregister('acme');
      }
      expect(providerEnum('get_activities')).not.toContain('acme');
      expect(((await mcp.listTools()).tools.find((t) => t.name === 'get_activities')!.inputSchema.properties as any).provider.enum).not.toContain('acme');
    });
  });

  describe('synthetic provider: every tool equals its REST route', () => {
    it.each([
      ['list_providers', {}, '/providers'],
      ['get_connection_status', {}, '/connections'],
      ['get_activities', { limit: 5, offset: 2 }, '/activities?limit=5&offset=2'],
      ['get_activities', { provider: 'synthetic', after: '2026-01-01', limit: 3 }, '/activities?provider=synthetic&after=2026-01-01&limit=3'],
      ['get_activities', { provider: 'all', limit: 4 }, '/activities?provider=all&limit=4'],
      ['get_athlete', {}, '/athlete'],
      ['get_stats', { provider: 'synthetic' }, '/stats?provider=synthetic'],
      ['get_personal_records', {}, '/personal-records'],
      ['get_sleep_sessions', RANGE, `/sleep?${RANGE_QUERY}`],
      ['get_recovery_metrics', RANGE, `/recovery?${RANGE_QUERY}`],
      ['get_health_metrics', { ...RANGE, provider: 'synthetic' }, `/health-metrics?provider=synthetic&${RANGE_QUERY}`],
      ['connect_provider', { provider: 'synthetic' }, '/connect/synthetic'],
    ] as const)('%s %j', async (name, args, path) => {
      const result = await call(name, args);
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual(await restJson(path));
      expect(textOf(result).length).toBeGreaterThan(0);
    });

    it('get_activity returns the activity the list names', async () => {
      const { activities } = await restJson('/activities?limit=1');
      const result = await call('get_activity', { provider: 'synthetic', id: activities[0].id });
      expect(result.structuredContent).toEqual(await restJson(`/activities/synthetic/${activities[0].id}`));
    });

    it('renders activities as one text line each: date, sport, distance, duration', async () => {
      const result = await call('get_activities', { limit: 3 });
      const { activities } = result.structuredContent as {
        activities: { start_date: string; sport_type: string; distance_meters: number | null; duration_seconds: number; name: string }[];
      };
      const lines = textOf(result).split('\n').slice(1);
      expect(lines).toHaveLength(3);
      lines.forEach((line, i) => {
        const a = activities[i]!;
        expect(line.startsWith(`${a.start_date.slice(0, 10)} ${a.sport_type} `)).toBe(true);
        if (a.distance_meters !== null) expect(line).toContain(`${(a.distance_meters / 1000).toFixed(2)} km`);
        const s = Math.round(a.duration_seconds);
        expect(line).toContain(`${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`);
        expect(line).toContain(a.name);
      });
    });
  });

  describe('errors are tool results with the REST error', () => {
    it.each([
      [{ limit: 500 }, '/activities?limit=500', "Invalid 'limit': must be at most 200"],
      [{ limit: 'ten' }, '/activities?limit=ten', "Invalid 'limit'"],
      [{ after: 'yesterday' }, '/activities?after=yesterday', "Invalid 'after'"],
    ])('bad argument %j', async (args, path, message) => {
      const error = toolError(await call('get_activities', args));
      const res = await rest.api(path);
      expect(res.status).toBe(400);
      expect(error).toEqual((await res.json()).error);
      expect(error.code).toBe('invalid_request');
      expect(error.message).toContain(message);
    });

    it('checks the cache argument as REST checks ?cache=', async () => {
      const error = toolError(await call('get_stats', { cache: 'sometimes' }));
      expect(error).toEqual((await (await rest.api('/stats?cache=sometimes')).json()).error);
      expect(error.message).toBe("Invalid 'cache': must be one of use, bypass, refresh");
    });

    it('names an unknown argument', async () => {
      const error = toolError(await call('get_activities', { limits: 5 }));
      expect(error.code).toBe('invalid_request');
      expect(error.message).toMatch(/^Invalid 'limits': unknown argument; get_activities takes provider, limit, offset, before, after, cache/);
    });

    it('names a missing required argument', async () => {
      const error = toolError(await call('get_activity', { provider: 'synthetic' }));
      expect(error).toMatchObject({ code: 'invalid_request', message: expect.stringContaining("'id'") });
    });

    it('lists the supported providers for an unknown one, as REST does', async () => {
      const error = toolError(await call('get_stats', { provider: 'nope' }));
      expect(error).toEqual((await (await rest.api('/stats?provider=nope')).json()).error);
      expect(error.message).toMatch(/^Provider 'nope' is not supported\. Supported providers: .*strava/);
    });

    it('refuses a provider without the capability', async () => {
      const error = toolError(await call('get_sleep_sessions', { provider: 'strava' }));
      expect(error).toEqual((await (await rest.api('/sleep?provider=strava')).json()).error);
      expect(error.code).toBe('unsupported_feature');
    });

    it('refuses the laps of a provider without a laps method, as REST does', async () => {
      const [first] = (await restJson('/activities?limit=1')).activities;
      const error = toolError(await call('get_activity_laps', { provider: 'synthetic', id: first.id }));
      expect(error).toEqual((await (await rest.api(`/activities/synthetic/${first.id}/laps`)).json()).error);
      expect(error.code).toBe('unsupported_feature');
    });

    it('says to call connect_provider when not connected', async () => {
      const error = toolError(await call('get_athlete', { provider: 'whoop' }));
      expect(error).toEqual((await (await rest.api('/athlete?provider=whoop')).json()).error);
      expect(error.code).toBe('not_connected');
      expect(error.message).toContain('connect_provider');
    });
  });

  describe('Strava through its simulator', () => {
    let activityId: string;

    it('connect_provider returns the authorization URL; opening it connects', async () => {
      const result = await call('connect_provider', { provider: 'strava' });
      expect(result.isError).toBeFalsy();
      const answer = result.structuredContent as { authorization_url: string; expires_in: number };
      expect(textOf(result)).toContain(answer.authorization_url);
      const authorize = new URL(answer.authorization_url);
      expect(authorize.pathname).toBe('/sim/strava/oauth/authorize');
      const consent = await fetch(authorize, { redirect: 'manual' });
      expect(consent.status).toBe(302);
      const callback = await fetch(consent.headers.get('location')!, { redirect: 'manual' });
      expect(callback.status).toBe(200);

      const status = await call('get_connection_status');
      expect((status.structuredContent as any).providers.strava).toMatchObject({ connected: true, status: 'connected' });
      expect(status.structuredContent).toEqual(await restJson('/connections'));
    });

    it.each([
      ['get_activities', { provider: 'strava', limit: 5 }, '/activities?provider=strava&limit=5'],
      ['get_activities', { provider: 'strava', limit: 2, offset: 1 }, '/activities?provider=strava&limit=2&offset=1'],
      ['get_activities', { provider: 'all', limit: 6 }, '/activities?provider=all&limit=6'],
      ['get_athlete', { provider: 'strava' }, '/athlete?provider=strava'],
      ['get_stats', { provider: 'strava' }, '/stats?provider=strava'],
      ['get_personal_records', { provider: 'strava' }, '/personal-records?provider=strava'],
      ['list_providers', {}, '/providers'],
    ] as const)('%s %j equals REST', async (name, args, path) => {
      const result = await call(name, args);
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(result.structuredContent).toEqual(await restJson(path));
      if (name === 'get_activities' && args.provider === 'strava') {
        const { activities } = result.structuredContent as { activities: { id: string }[] };
        expect(activities.length).toBeGreaterThan(0);
        activityId = activities[0]!.id;
      }
    });

    it('reads through the cache as REST does, and says what the cache did', async () => {
      const args = { provider: 'strava', limit: 3, offset: 1 };
      expect((await call('get_activities', { ...args, cache: 'refresh' }))._meta).toEqual({ 'pierre/cache': 'REFRESH' });
      const hit = await call('get_activities', args);
      expect(hit._meta).toMatchObject({ 'pierre/cache': 'HIT', 'pierre/age_seconds': expect.any(Number) });
      expect((await call('get_activities', { ...args, cache: 'bypass' }))._meta).toEqual({ 'pierre/cache': 'BYPASS' });

      await rest.control('strava', 'rate-limits', { read_15min: 0 });
      try {
        expect(toolError(await call('get_activities', { ...args, cache: 'bypass' })).code).toBe('rate_limited');
        const cached = await call('get_activities', args);
        expect(cached.structuredContent).toEqual(hit.structuredContent);
        expect(cached.structuredContent).toEqual(await restJson('/activities?provider=strava&limit=3&offset=1&cache=use'));
      } finally {
        await rest.control('strava', 'rate-limits', { read_15min: 100 });
        await rest.resetResilience();
      }
    });

    it('get_activity equals REST', async () => {
      const result = await call('get_activity', { provider: 'strava', id: activityId });
      expect(result.structuredContent).toEqual(await restJson(`/activities/strava/${activityId}`));
      expect(textOf(result)).toContain(`strava id ${activityId}`);
    });

    it('a user of another tenant sees no Strava connection', async () => {
      const other = await mcpClient(await rest.server.issueToken('user-1', 'tenant-2'));
      const error = toolError(await call('get_activities', { provider: 'strava' }, other));
      expect(error.code).toBe('not_connected');
      const status = await call('get_connection_status', {}, other);
      expect((status.structuredContent as any).providers.strava).toEqual({ connected: false, status: 'disconnected' });
    });

    it('a rate-limited call says when to retry', async () => {
      // The athlete is cached by now; the HTTP cache policy of the POST applies to its tools.
      const uncached = await mcpClient(rest.token, { 'cache-control': 'no-store' });
      await rest.control('strava', 'rate-limits', { read_15min: 0 });
      try {
        const result = await call('get_athlete', { provider: 'strava' }, uncached);
        const error = toolError(result);
        // REST queues the same read (202); both tell the same wait.
        const job = await expectScheduled(await rest.api('/athlete?provider=strava&cache=bypass'));
        expect(error.code).toBe('rate_limited');
        expect(error.retry_after_seconds).toBeGreaterThan(0);
        expect(error.retry_after_seconds).toBeLessThanOrEqual(900);
        expect(Math.abs(error.retry_after_seconds! - job.retry_after)).toBeLessThanOrEqual(2);
        // The tool queued the read as REST does, and its job is the caller's to follow.
        expect(error.job_id).toEqual(expect.any(String));
        const queued = await (await rest.api(`/jobs/${error.job_id}`)).json();
        expect(queued).toMatchObject({ job_id: error.job_id, status: 'scheduled', operation: 'athlete', provider: 'strava' });
      } finally {
        await rest.control('strava', 'rate-limits', { read_15min: 100 });
        await rest.resetResilience();
      }
    });

    it('disconnect_provider disconnects, then data tools say to connect', async () => {
      const result = await call('disconnect_provider', { provider: 'strava' });
      expect(result.structuredContent).toEqual({ provider: 'strava', connected: false, status: 'disconnected' });
      expect((await restJson('/connections')).providers.strava).toEqual({ connected: false, status: 'disconnected' });
      const error = toolError(await call('get_stats', { provider: 'strava' }));
      expect(error.code).toBe('not_connected');
      expect(error.message).toContain('connect_provider');
    });

    it('refuses to disconnect a provider that needs no connection, as REST does', async () => {
      const error = toolError(await call('disconnect_provider', { provider: 'synthetic' }));
      expect(error).toEqual((await (await rest.api('/connections/synthetic', { method: 'DELETE' })).json()).error);
    });
  });
});
