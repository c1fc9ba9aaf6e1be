/**
 * A stalled AWS connection: the SDK clients are built with a request timeout
 * (shared/aws/client-config.ts), so a request the service never answers is abandoned and retried
 * instead of holding the invocation. The "service" is a DynamoDB stand-in on 127.0.0.1 that
 * swallows its first request and answers the next.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClientConfig } from '../../shared/aws/client-config';

describe('AWS clients on a stalled connection', () => {
  let server: Server;
  let endpoint: string;
  const received: IncomingMessage[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      received.push(request);
      request.resume();
      if (received.length === 1) return; // never answered
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('gives up on the silent request and retries it, so the call completes', async () => {
    const client = new DynamoDBClient({
      ...awsClientConfig(150),
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const answer = await client.send(new GetItemCommand({ TableName: 'stalled', Key: { pk: { S: 'a' } } }));
    expect(answer.Item).toBeUndefined();
    expect(received).toHaveLength(2);
    expect(received.map((r) => r.headers['x-amz-target'])).toEqual(['DynamoDB_20120810.GetItem', 'DynamoDB_20120810.GetItem']);
    client.destroy();
  });
});
