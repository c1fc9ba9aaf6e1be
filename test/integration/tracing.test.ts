/**
 * Traces reach past the function: with Lambda's trace header set (sampled), each DynamoDB call
 * and each provider request is sent to the X-Ray daemon address as a subsegment of the
 * invocation; a daemon here is a UDP socket on loopback, DynamoDB is moto.
 */
import { createServer, type Server } from 'node:http';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tracedFetch } from '../../shared/aws/xray';
import { createDocumentClient } from '../../shared/store/dynamodb/client';
import { ensureTables } from '../../shared/store/dynamodb/schema';
import { uniqueName, useMoto } from '../support/aws';

const TRACE = { root: '1-67891233-abcdef012345678912345678', parent: '53995c3f42cd8ad8' };

describe('X-Ray subsegments', () => {
  let daemon: Socket;
  let provider: Server;
  let providerUrl: string;
  const received: Record<string, unknown>[] = [];

  beforeAll(async () => {
    useMoto();
    daemon = createSocket('udp4');
    daemon.on('message', (message) => received.push(JSON.parse(message.toString().split('\n')[1]!)));
    await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
    vi.stubEnv('AWS_XRAY_DAEMON_ADDRESS', `127.0.0.1:${daemon.address().port}`);
    provider = createServer((req, res) => res.writeHead(req.url?.startsWith('/missing') ? 404 : 200).end('{}'));
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
    providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    daemon.close();
    await new Promise((resolve) => provider.close(resolve));
  });

  const sampled = (flag: '0' | '1') => vi.stubEnv('_X_AMZN_TRACE_ID', `Root=${TRACE.root};Parent=${TRACE.parent};Sampled=${flag}`);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

  it('records a DynamoDB call with its operation and table, under the invocation', async () => {
    const tables = { connections: uniqueName('conn'), cache: uniqueName('cache') };
    await ensureTables(new DynamoDBClient({}), tables);
    const doc = await createDocumentClient();
    sampled('1');
    received.length = 0;
    await doc.get({ TableName: tables.cache, Key: { pk: 'p', sk: 's' } });
    await vi.waitFor(() => expect(received.length).toBeGreaterThan(0));
    expect(received[0]).toMatchObject({
      type: 'subsegment',
      namespace: 'aws',
      name: 'DynamoDB',
      trace_id: TRACE.root,
      parent_id: TRACE.parent,
      aws: { operation: 'GetItem', table_name: tables.cache },
      fault: false,
    });
  });

  it('records a provider request by origin and path, never its query string', async () => {
    sampled('1');
    received.length = 0;
    const fetch = tracedFetch(globalThis.fetch);
    await fetch(`${providerUrl}/api/v3/athlete?code=secret-code`);
    await fetch(`${providerUrl}/missing`);
    await vi.waitFor(() => expect(received).toHaveLength(2));
    expect(received[0]).toMatchObject({
      namespace: 'remote',
      http: { request: { method: 'GET', url: `${providerUrl}/api/v3/athlete` }, response: { status: 200 } },
    });
    expect(received[1]).toMatchObject({ error: true, fault: false, http: { response: { status: 404 } } });
    expect(JSON.stringify(received)).not.toContain('secret-code');
  });

  it('sends nothing for a request Lambda did not sample', async () => {
    sampled('0');
    received.length = 0;
    await tracedFetch(globalThis.fetch)(`${providerUrl}/api`);
    await settle();
    expect(received).toEqual([]);
  });
});
