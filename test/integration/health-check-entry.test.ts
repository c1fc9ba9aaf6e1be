/**
 * The scheduled health check's entry: it builds its container through its source and opens the
 * request context with the invocation's time budget, so a probe never outlives the invocation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../functions/health-check';
import { lambdaContext } from '../../local/handlers';
import { startClient, type Client } from '../support/provider-flow';

describe('health check entry', () => {
  let client: Client;
  beforeAll(async () => {
    client = await startClient();
  });
  afterAll(async () => {
    await client.server.close();
  });

  it('probes every provider with the container its entry names', async () => {
    const answer = await handler({}, lambdaContext('health-check', 'r1', 10_000));
    expect(answer.checked).toBe(client.server.container.registry.supportedProviders().length);
    expect(answer.unhealthy).toEqual([]);
  });

  it('gives its probes no more than the invocation has left', async () => {
    // 400 ms left is less than the margin kept for answering: no provider call may start.
    const answer = await handler({}, lambdaContext('health-check', 'r2', 400));
    const networked = client.server.container.registry.supportedProviders().filter((name) => name !== 'synthetic');
    expect(networked.length).toBeGreaterThan(0);
    expect([...answer.unhealthy].sort()).toEqual([...networked].sort());
  });
});
