/**
 * An unreadable configuration secret: anonymous callers get a generic 503 (no ARN, no account),
 * the AWS error is logged once per attempt, and the secret is retried only after a back-off.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONTAINER_RETRY_MS, providerContainer, setContainer } from '../../shared/app/container';
import { useMoto } from '../support/aws';
import { invoke } from '../support/events';

vi.hoisted(() => {
  process.env['POWERTOOLS_LOG_LEVEL'] = 'ERROR';
});

const SECRET_ID = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:pierre-missing-AbCdEf';

describe('configuration secret that cannot be read', () => {
  const lines: string[] = [];
  const writes: Array<[NodeJS.WriteStream, NodeJS.WriteStream['write']]> = [];

  beforeAll(() => {
    useMoto();
    process.env['PIERRE_CONFIG_SECRET_ID'] = SECRET_ID;
    setContainer(undefined);
    for (const stream of [process.stdout, process.stderr]) {
      writes.push([stream, stream.write]);
      stream.write = ((chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      }) as NodeJS.WriteStream['write'];
    }
  });

  afterAll(() => {
    for (const [stream, write] of writes) stream.write = write;
    delete process.env['PIERRE_CONFIG_SECRET_ID'];
    setContainer(undefined);
  });

  it.each(['/health', '/callback/strava'])('answers %s with 503 service_unavailable and a generic message', async (path) => {
    const answer = await invoke({ path, query: { code: 'c', state: 's' } });
    expect(answer.status).toBe(503);
    expect(answer.json.error.code).toBe('service_unavailable');
    expect(answer.headers['retry-after']).toBe(String(CONTAINER_RETRY_MS / 1000));
    const body = JSON.stringify(answer.json);
    expect(body).not.toContain('123456789012');
    expect(body).not.toContain('pierre-missing');
  });

  it('logs the AWS error once per attempt and retries the secret only after the back-off', async () => {
    setContainer(undefined);
    lines.length = 0;
    let now = 1_000_000;
    const clock = () => now;
    const attempts = () => lines.filter((l) => l.includes('could not start')).length;

    await expect(providerContainer(clock)).rejects.toThrow();
    await expect(providerContainer(clock)).rejects.toThrow();
    now += CONTAINER_RETRY_MS - 1;
    await expect(providerContainer(clock)).rejects.toThrow();
    await vi.waitFor(() => expect(attempts()).toBe(1));
    const logged = JSON.parse(lines.find((l) => l.includes('could not start'))!);
    expect(logged.causeName).toBe('ResourceNotFoundException');
    expect(logged.reason).toContain('ResourceNotFoundException');

    now += 1;
    await expect(providerContainer(clock)).rejects.toThrow();
    await vi.waitFor(() => expect(attempts()).toBe(2));
  });
});
