/**
 * Resilience across Lambda containers: several app contexts over one DynamoDB (moto) and the
 * SQS retry queue (moto), Strava served by its simulator.
 */
import { randomBytes } from 'node:crypto';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as retryWorker } from '../../functions/retry-worker';
import { buildContainer, setContainer, type Container } from '../../shared/app/container';
import { fetchActivities } from '../../shared/app/data';
import { getJob, scheduleJob } from '../../shared/app/jobs';
import { CacheRequest, withCacheRequest } from '../../shared/cache/policy';
import { lambdaContext } from '../../local/handlers';
import { drainSqsQueue } from '../../local/sqs-worker';
import { uniqueName, useMoto } from '../support/aws';
import { startClient, type Client } from '../support/provider-flow';
import { serialDynamo } from '../support/serial-dynamo';

const TENANT = 'tenant-m';
const USER = 'moto-user';
const identity = { tenantId: TENANT, userId: USER };

describe('resilience across containers on moto', () => {
  let client: Client;
  let sqs: SQSClient;
  let queueUrl: string;
  let serial: Awaited<ReturnType<typeof serialDynamo>>;
  const tables = { connections: uniqueName('conn'), cache: uniqueName('cache') };
  const tokenKeys = JSON.stringify([{ id: 'k1', key: randomBytes(32).toString('base64') }]);

  const stravaCalls = async (pathPrefix: string) => {
    const log = (await (await client.control('strava', 'requests', undefined, 'GET')).json()) as { path: string }[];
    return log.filter((r) => r.path.startsWith(pathPrefix)).length;
  };
  const container = (): Promise<Container> =>
    buildContainer({ env: { ...process.env, ...client.server.container.raw, PIERRE_RETRY_QUEUE_URL: queueUrl }, stores: serial.stores() });

  beforeAll(async () => {
    const endpoint = useMoto();
    sqs = new SQSClient({});
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('retry') }))).QueueUrl!;
    serial = await serialDynamo(tables, tokenKeys);
    client = await startClient(
      {
        env: { AWS_ENDPOINT_URL: endpoint, PIERRE_CONNECTIONS_TABLE: tables.connections, PIERRE_CACHE_TABLE: tables.cache, PIERRE_TOKEN_KEYS: tokenKeys },
      },
      USER,
      TENANT,
    );
    expect((await client.connect('strava')).status).toBe(200);
  });
  afterAll(async () => {
    serial?.destroy();
    sqs?.destroy();
    await client?.server.close();
  });

  it('refreshes an expiring rotating token exactly once for 50 concurrent requests from 5 containers', { timeout: 60_000 }, async () => {
    const key = { ...identity, provider: 'strava' };
    const stored = (await client.server.container.connections.get(key))!;
    await client.server.container.connections.put({ ...stored, expiresAt: Math.floor(Date.now() / 1000) + 60 });
    await client.control('strava', 'requests', undefined, 'DELETE');
    const containers = await Promise.all(Array.from({ length: 5 }, container));
    // Bypass: every request reaches Strava, so every container needs the fresh token.
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        withCacheRequest(new CacheRequest('bypass'), () => fetchActivities(containers[i % 5]!, identity, 'strava', { limit: 2, offset: 0 })),
      ),
    );
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    expect(failures.slice(0, 3)).toEqual([]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(50);
    expect(await stravaCalls('/oauth/token')).toBe(1);
    const after = (await client.server.container.connections.get(key))!;
    expect(after.status).toBe('connected');
    expect(after.refreshToken).not.toBe(stored.refreshToken);
  });

  it('sends a job to SQS and the retry worker runs it from an SQS event, filling the cache', async () => {
    const worker = await container();
    const job = await scheduleJob(worker, identity, { name: 'athlete', provider: 'strava' }, 0);
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 5 }));
    const messages = received.Messages ?? [];
    expect(messages.map((m) => JSON.parse(m.Body!))).toEqual([{ job_id: job.job_id }]);
    const event = {
      Records: messages.map((m) => ({
        messageId: m.MessageId!,
        receiptHandle: m.ReceiptHandle!,
        body: m.Body!,
        attributes: {},
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:retry',
        awsRegion: 'us-east-1',
      })),
    } as unknown as SQSEvent;
    setContainer(worker);
    try {
      const answer = await retryWorker(event, lambdaContext('retry-worker', 'req-1'));
      expect(answer).toEqual({ batchItemFailures: [] });
    } finally {
      setContainer(client.server.container);
    }
    for (const m of messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
    // Another container sees the result in DynamoDB.
    const seen = await getJob(await container(), identity, job.job_id);
    expect(seen).toMatchObject({ status: 'succeeded', operation: 'athlete' });
    expect((seen['data'] as { athlete: { provider: string } }).athlete.provider).toBe('strava');
  });

  it('reports a poison message as a batch item failure, so SQS redelivers it and its DLQ takes it after 5 receives', async () => {
    setContainer(await container());
    try {
      const event = {
        Records: [
          {
            messageId: 'm-poison',
            receiptHandle: 'r',
            body: 'not json',
            attributes: {},
            messageAttributes: {},
            md5OfBody: '',
            eventSource: 'aws:sqs',
            eventSourceARN: 'arn',
            awsRegion: 'us-east-1',
          },
        ],
      } as unknown as SQSEvent;
      expect(await retryWorker(event, lambdaContext('retry-worker', 'req-2'))).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-poison' }] });
    } finally {
      setContainer(client.server.container);
    }
  });

  it('delays a job that is not yet due by SQS DelaySeconds (invisible at once)', async () => {
    const worker = await container();
    await scheduleJob(worker, identity, { name: 'stats', provider: 'strava' }, 600);
    const now = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    expect(now.Messages ?? []).toEqual([]);
  });

  it('lets npm start drain the SQS queue on moto with the same worker', async () => {
    const worker = await container();
    const job = await scheduleJob(worker, identity, { name: 'personal_records', provider: 'strava' }, 0);
    // A long poll (an SQS feature) rather than a sleep: the message becomes visible after its 1 s delay.
    const outcomes = await drainSqsQueue(worker, sqs, queueUrl, 5);
    expect(outcomes).toContain('succeeded');
    expect((await getJob(worker, identity, job.job_id))['status']).toBe('succeeded');
  });
});
