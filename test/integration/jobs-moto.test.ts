/**
 * Queuing reads across Lambda containers: two app contexts over one DynamoDB (moto) racing to
 * queue the same reads. The same read must answer the same job, and a user's pending jobs stay
 * within PIERRE_<P>_MAX_PENDING_JOBS whichever container takes them.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContainer, type Container } from '../../shared/app/container';
import type { AppError } from '../../shared/app/errors';
import { scheduleJob } from '../../shared/app/jobs';
import type { Operation } from '../../shared/app/operations';
import { MemoryJobQueue } from '../../shared/queue/memory';
import { ensureTables } from '../../shared/store/dynamodb/schema';
import type { StateStore } from '../../shared/store/ports';
import { uniqueName, useMoto } from '../support/aws';
import { serialDynamo } from '../support/serial-dynamo';

/** The job store of a container whose job-record writes take 300 ms (a congested connection). */
function slowJobRecords(store: StateStore): StateStore {
  return new Proxy(store, {
    get(target, name, receiver) {
      if (name !== 'update') return Reflect.get(target, name, receiver);
      return async (...args: Parameters<StateStore['update']>) => {
        if (args[0].startsWith('job#')) await new Promise((resolve) => setTimeout(resolve, 300));
        return target.update(...args);
      };
    },
  });
}

describe('jobs across containers on moto', () => {
  const tables = { connections: uniqueName('conn'), cache: uniqueName('cache') };
  const tokenKeys = JSON.stringify([{ id: 'k1', key: randomBytes(32).toString('base64') }]);
  let serial: Awaited<ReturnType<typeof serialDynamo>>;
  let admin: DynamoDBClient;
  const queues: MemoryJobQueue[] = [];

  const container = async (env: Record<string, string> = {}, slowRecords = false): Promise<Container> => {
    const queue = new MemoryJobQueue({ now: Date.now });
    queues.push(queue);
    const stores = serial.stores();
    return buildContainer({
      env: { PIERRE_TOKEN_KEYS: tokenKeys, ...env },
      stores: slowRecords ? { ...stores, jobs: slowJobRecords(stores.jobs) } : stores,
      queue,
    });
  };

  beforeAll(async () => {
    useMoto();
    admin = new DynamoDBClient({});
    await ensureTables(admin, tables);
    serial = await serialDynamo(tables, tokenKeys);
  });
  afterAll(() => {
    serial?.destroy();
    admin?.destroy();
  });

  it('answers one job for the same read when two containers queue it at the same moment', { timeout: 60_000 }, async () => {
    // Container a writes its job records slowly, so b asks while a's claim has no record yet.
    const [a, b] = await Promise.all([container({}, true), container()]);
    const sent = () => queues.reduce((n, q) => n + q.size, 0);
    const before = sent();
    const reads: Operation[] = Array.from({ length: 8 }, (_, i) => ({ name: 'activities', provider: 'strava', limit: 10, offset: i * 10 }));
    const results = await Promise.all(
      reads.map(async (op, i) => {
        const identity = { tenantId: 'tenant-j', userId: `racer-${i}` };
        const answers = await Promise.all([a, b, b].map((c) => scheduleJob(c, identity, op, 60)));
        return new Set(answers.map((answer) => answer.job_id));
      }),
    );
    expect(results.map((ids) => ids.size)).toEqual(reads.map(() => 1));
    // One queued message per read: no second job runs the same read again.
    expect(sent() - before).toBe(reads.length);
  });

  it('keeps a user within PIERRE_<P>_MAX_PENDING_JOBS when two containers queue different reads at once', { timeout: 60_000 }, async () => {
    const env = { PIERRE_STRAVA_MAX_PENDING_JOBS: '3' };
    const [a, b] = await Promise.all([container(env), container(env)]);
    const identity = { tenantId: 'tenant-j', userId: 'capped' };
    const settled = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => scheduleJob(i % 2 ? a : b, identity, { name: 'activities', provider: 'strava', limit: 5, offset: i * 5 }, 60)),
    );
    const queued = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(queued).toHaveLength(3);
    expect(refused).toHaveLength(5);
    for (const error of refused) expect(error).toMatchObject({ status: 429, code: 'too_many_jobs' } satisfies Partial<AppError>);
    // The pending jobs take turns a second apart: the user's first comes when the window opens.
    expect(queued.map((j) => j.retry_after).sort()).toEqual([60, 61, 62]);
  });
});
