/**
 * What a person reads in answers, REST and MCP alike: numbers no finer than their unit (no
 * `332589.39999999997`), and "the last 7 days" (the default range) answering 7 days, not 8.
 */
import { Client as McpClient, StreamableHTTPClientTransport, type CallToolResult } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivitySchema, endDateOf, type Activity } from '../../shared/models';
import { providerRegistry } from '../../shared/providers';
import { BaseProvider } from '../../shared/providers/base';
import { Capability } from '../../shared/providers/capabilities';
import type { ProviderFactory } from '../../shared/providers/spi';
import { startClient, type Client } from '../support/provider-flow';

/** A provider whose numbers carry the binary noise of sums and conversions. */
const NOISY = {
  name: 'noisy',
  displayName: 'Noisy',
  capabilities: Capability.ACTIVITIES,
  connection: 'none' as const,
  apiBaseUrl: 'https://noisy.invalid',
  defaultScopes: [],
};
class NoisyProvider extends BaseProvider {
  async getAthlete(): Promise<never> {
    throw new Error('not needed');
  }
  async getActivity(): Promise<Activity> {
    throw new Error('not needed');
  }
  async getActivities(): Promise<Activity[]> {
    const began = '2026-11-20T06:00:00Z';
    return [
      ActivitySchema.parse({
        id: 'n1',
        provider: 'noisy',
        name: 'Long ride',
        sport_type: 'ride',
        start_date: began,
        end_date: endDateOf(began, 36_000),
        duration_seconds: 36_000,
        distance_meters: 332589.39999999997,
        average_speed: 332589.4 / 36_000,
        average_heart_rate: 131.60000000000002,
      }),
    ];
  }
}
const noisyFactory: ProviderFactory = { descriptor: NOISY, create: (config, deps) => new NoisyProvider(NOISY, config, deps) };

/** Every number of an answer with more than `max` decimals, by path. */
function noisyNumbers(value: unknown, path = '$', max = 7): string[] {
  if (typeof value === 'number') return Number.isFinite(value) && value !== Number(value.toFixed(max)) ? [`${path}=${value}`] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => noisyNumbers(v, `${path}[${i}]`, max));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => noisyNumbers(v, `${path}.${k}`, k.endsWith('_meters') ? 2 : max));
  return [];
}

describe('answer numbers and default ranges', () => {
  let client: Client;
  let mcp: McpClient;

  beforeAll(async () => {
    providerRegistry.register(noisyFactory);
    // Strava's data over MCP is refused by default (PIERRE_STRAVA_AI_ACCESS): this test compares it with REST.
    client = await startClient({ env: { PIERRE_STRAVA_AI_ACCESS: 'true' } }, 'user-nr', 'tenant-nr');
    expect((await client.connect('strava')).status).toBe(200);
    mcp = new McpClient({ name: 'pierre-test', version: '1.0.0' });
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(`${client.server.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${client.token}` } } }),
    );
  });
  afterAll(async () => {
    providerRegistry.unregister('noisy');
    await mcp.close();
    await client.server.close();
  });

  const rest = async (path: string) => (await client.api(path)).json();
  const tool = async (name: string, args: Record<string, unknown> = {}) => (await mcp.callTool({ name, arguments: args })) as CallToolResult;

  it.each([
    '/stats',
    '/stats?provider=strava',
    '/activities?provider=strava&limit=100',
    '/activities?limit=50',
    '/personal-records',
    '/sleep',
    '/recovery',
    '/health-metrics',
  ])('%s carries no number finer than its unit', async (path) => {
    const answer = await rest(path);
    expect(noisyNumbers(answer)).toEqual([]);
  });

  it('rounds what a provider answers with noise, over REST and MCP alike', async () => {
    const expected = { distance_meters: 332589.4, average_speed: 9.239, average_heart_rate: 131.6 };
    const answer = await rest('/activities?provider=noisy');
    expect(answer.activities[0]).toMatchObject(expected);
    const result = await tool('get_activities', { provider: 'noisy' });
    expect((result.structuredContent as typeof answer).activities[0]).toMatchObject(expected);
  });

  it('get_stats answers the rounded totals in its structured content and its text', async () => {
    const result = await tool('get_stats', { provider: 'strava' });
    expect(noisyNumbers(result.structuredContent)).toEqual([]);
    expect(result.structuredContent).toEqual(await rest('/stats?provider=strava'));
    const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
    expect(text).not.toMatch(/\d\.\d{8,}/);
  });

  it.each([
    ['/recovery', 'recovery', 'get_recovery_metrics'],
    ['/health-metrics', 'health_metrics', 'get_health_metrics'],
  ])('%s with no range answers the last 7 days, today included', async (path, field, name) => {
    const answer = await rest(path);
    const dates: string[] = answer[field].map((r: { date: string }) => r.date);
    expect(dates).toHaveLength(7);
    const today = new Date().toISOString().slice(0, 10);
    const sixDaysAgo = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
    expect([dates[0], dates.at(-1)].sort()).toEqual([sixDaysAgo, today]);
    const viaMcp = (await tool(name)).structuredContent as Record<string, unknown[]>;
    expect(viaMcp[field]).toHaveLength(7);
  });
});
