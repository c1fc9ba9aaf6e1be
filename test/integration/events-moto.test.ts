/**
 * Events end to end on moto: DynamoDB tables (the durable table and the secrets table) and an
 * SQS delivery queue. An admin adds an endpoint, a user connects Strava through its simulator,
 * and the receiver gets `connection.created`, verified with the `standardwebhooks` package.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainSqsDeliveries } from '../../local/sqs-worker';
import { DynamoEndpointSecretStore, DynamoEventStore } from '../../shared/events/dynamodb-store';
import { SqsJobQueue } from '../../shared/queue/sqs';
import { uniqueName, useMoto } from '../support/aws';
import { startClient, type Client } from '../support/provider-flow';
import { startReceiver, type Receiver } from '../support/webhook-receiver';

describe('events on moto', () => {
  let client: Client;
  let receiver: Receiver;
  let sqs: SQSClient;
  let queueUrl: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    const endpoint = useMoto();
    sqs = new SQSClient({});
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('deliveries') }))).QueueUrl!;
    env = {
      AWS_ENDPOINT_URL: endpoint,
      PIERRE_CONNECTIONS_TABLE: uniqueName('conn'),
      PIERRE_CACHE_TABLE: uniqueName('cache'),
      PIERRE_ENDPOINT_SECRETS_TABLE: uniqueName('secrets'),
    };
    client = await startClient(
      {
        env,
        // Injected, so the test drains it rather than the server's timer.
        container: { deliveryQueue: new SqsJobQueue(queueUrl, sqs) },
      },
      'runner',
      'tenant-moto',
    );
    receiver = await startReceiver(Date.now);
  });
  afterAll(async () => {
    await client?.server.close();
    await receiver?.close();
    sqs?.destroy();
  });

  it('admin adds an endpoint, the user connects Strava, the endpoint receives connection.created, verified', async () => {
    const { container } = client.server;
    expect(container.eventStore).toBeInstanceOf(DynamoEventStore);
    expect(container.endpointSecrets).toBeInstanceOf(DynamoEndpointSecretStore);
    const admin = await client.server.issueToken('boss', 'tenant-moto', undefined, 'admin');
    const res = await fetch(`${client.server.url}/admin/endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url, types: ['connection.created'] }),
    });
    expect(res.status).toBe(201);
    const endpoint = await res.json();
    receiver.secrets.push(endpoint.secret);

    expect((await client.connect('strava')).status).toBe(200);
    const outcomes = await drainSqsDeliveries(container, sqs, queueUrl, 1);
    expect(outcomes).toEqual(['delivered']);
    expect(receiver.failures).toEqual([]);
    expect(receiver.deliveries).toHaveLength(1);
    expect(receiver.deliveries[0]!.payload).toMatchObject({ type: 'connection.created', data: { user_id: 'runner', provider: 'strava', reconnected: false } });

    const event = await fetch(`${client.server.url}/events/${receiver.deliveries[0]!.id}`, { headers: { authorization: `Bearer ${admin}` } });
    expect((await event.json()).attempts).toMatchObject([{ endpoint_id: endpoint.id, status: 200, outcome: 'delivered' }]);
  });

  it('npm run endpoints manages the same endpoints on the configured tables', async () => {
    const run = async (...args: string[]) => {
      const { stdout } = await promisify(execFile)('npx', ['tsx', 'local/endpoints.ts', ...args], {
        env: { ...process.env, ...env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
      });
      return JSON.parse(stdout);
    };
    const added = await run('add', 'tenant-ops', 'https://hooks.example.com/pierre', 'job.failed,job.succeeded');
    expect(added).toMatchObject({ url: 'https://hooks.example.com/pierre', types: ['job.failed', 'job.succeeded'] });
    expect(added.secret).toMatch(/^whsec_/);
    const admin = await client.server.issueToken('ops', 'tenant-ops', undefined, 'admin');
    const listed = await (await fetch(`${client.server.url}/admin/endpoints`, { headers: { authorization: `Bearer ${admin}` } })).json();
    expect(listed.endpoints.map((e: { id: string }) => e.id)).toEqual([added.id]);
    expect((await run('rotate', 'tenant-ops', added.id)).secret).not.toBe(added.secret);
    expect(await client.server.container.endpointSecrets.read('tenant-ops', added.id)).toMatchObject({ previous: added.secret });
    expect(await run('delete', 'tenant-ops', added.id)).toEqual({ id: added.id, deleted: true });
    expect((await run('list', 'tenant-ops')).endpoints).toEqual([]);
  }, 120_000);
});
