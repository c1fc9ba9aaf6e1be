/**
 * The MCP function holds no session: two Lambda containers (two app contexts over one
 * DynamoDB on moto) take turns answering one client's JSON-RPC messages, and a connection
 * started through one container's tool is used through the other's.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContainer, setContainer, type Container } from '../../shared/app/container';
import { providerRegistry } from '../../shared/providers';
import { ensureTables } from '../../shared/store/dynamodb/schema';
import { uniqueName, useMoto } from '../support/aws';
import { acmeFactory, startAcmeApi } from '../support/custom-provider';
import { claimsFor, invoke, type Answer } from '../support/events';

describe('MCP across Lambda containers (moto)', () => {
  let acme: Awaited<ReturnType<typeof startAcmeApi>>;
  let containers: Container[];
  const alice = claimsFor('alice', 'tenant-1');
  let id = 0;

  /** One JSON-RPC request to POST /mcp, answered by container `n`. */
  async function rpc(n: number, method: string, params?: unknown): Promise<Answer> {
    setContainer(containers[n]);
    return invoke({
      method: 'POST',
      path: '/mcp',
      claims: alice,
      headers: { accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' },
      // Notifications carry no id and get no answer.
      body: JSON.stringify({ jsonrpc: '2.0', method, params, ...(!method.startsWith('notifications/') && { id: ++id }) }),
    });
  }
  const tool = async (n: number, name: string, args: Record<string, unknown> = {}) => {
    const answer = await rpc(n, 'tools/call', { name, arguments: args });
    expect(answer.status).toBe(200);
    expect(answer.headers['mcp-session-id']).toBeUndefined();
    return answer.json.result as { structuredContent?: any; isError?: boolean; content: { text: string }[] };
  };

  beforeAll(async () => {
    useMoto();
    acme = await startAcmeApi();
    providerRegistry.register(acmeFactory);
    const dynamo = new DynamoDBClient({});
    const tables = { connections: uniqueName('conn'), cache: uniqueName('cache') };
    await ensureTables(dynamo, tables);
    dynamo.destroy();
    const env = {
      PIERRE_CONNECTIONS_TABLE: tables.connections,
      PIERRE_CACHE_TABLE: tables.cache,
      PIERRE_TOKEN_KEYS: JSON.stringify([{ id: 'k1', key: randomBytes(32).toString('base64') }]),
      PIERRE_PUBLIC_BASE_URL: 'https://api.example.com',
      PIERRE_ACME_CLIENT_ID: 'acme-client',
      PIERRE_ACME_CLIENT_SECRET: 'acme-secret',
      PIERRE_ACME_AUTH_URL: `${acme.url}/oauth/authorize`,
      PIERRE_ACME_TOKEN_URL: `${acme.url}/oauth/token`,
      PIERRE_ACME_API_BASE_URL: `${acme.url}/api`,
    };
    containers = [await buildContainer({ env }), await buildContainer({ env })];
  });

  afterAll(() => {
    setContainer(undefined);
    providerRegistry.unregister('acme');
    acme.server.close();
  });

  it('answers initialize in one container and every later message in the other, with no session', async () => {
    const init = await rpc(0, 'initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '0' } });
    expect(init.status).toBe(200);
    expect(init.headers['mcp-session-id']).toBeUndefined();
    expect(init.json.result.protocolVersion).toBe('2025-11-25');

    const notified = await rpc(1, 'notifications/initialized');
    expect(notified.status).toBe(202);
    expect(notified.json).toBeUndefined();
    const listed = await rpc(1, 'tools/list');
    expect(listed.json.result.tools.map((t: { name: string }) => t.name)).toContain('get_activities');
    expect((await tool(0, 'get_athlete')).structuredContent.provider).toBe('synthetic');
  });

  it('connects Acme through one container and reads its data through the other', async () => {
    const started = await tool(0, 'connect_provider', { provider: 'acme' });
    const consent = await fetch(started.structuredContent.authorization_url, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    setContainer(containers[1]);
    const callback = await invoke({ path: '/callback/acme', query: Object.fromEntries(back.searchParams) });
    expect(callback.json).toMatchObject({ provider: 'acme', connected: true });

    for (const n of [0, 1]) {
      const status = await tool(n, 'get_connection_status');
      expect(status.structuredContent.providers.acme).toMatchObject({ connected: true, status: 'connected' });
      const activities = await tool(n, 'get_activities', { provider: 'acme' });
      expect(activities.structuredContent.activities).toEqual([expect.objectContaining({ id: 'w1', name: 'Lunch run', distance_meters: 6000 })]);
    }
    expect(acme.tokensIssued()).toBe(1);

    await tool(1, 'disconnect_provider', { provider: 'acme' });
    const after = await tool(0, 'get_activities', { provider: 'acme' });
    expect(after.isError).toBe(true);
    expect(JSON.parse(after.content[0]!.text).error.code).toBe('not_connected');
  });
});
