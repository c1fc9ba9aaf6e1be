/** A burst of requests on a connection about to expire refreshes it once (rotating refresh tokens). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClient, type Client } from '../support/provider-flow';

describe('token refresh under a burst', () => {
  let client: Client;
  const key = { tenantId: 'tenant-r', userId: 'burst-user', provider: 'fitbit' };

  beforeAll(async () => {
    client = await startClient({}, key.userId, key.tenantId);
    expect((await client.connect('fitbit')).status).toBe(200);
  });
  afterAll(() => client.server.close());

  it('sends one refresh to the provider and serves every request', async () => {
    const connections = client.server.container.connections;
    const before = (await connections.get(key))!;
    await connections.put({ ...before, expiresAt: Math.floor(Date.now() / 1000) + 60 });
    await client.control('fitbit', 'requests', undefined, 'DELETE');

    const answers = await Promise.all(Array.from({ length: 5 }, () => client.api('/athlete?provider=fitbit')));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);

    const log = (await (await client.control('fitbit', 'requests', undefined, 'GET')).json()) as { method: string; path: string }[];
    expect(log.filter((r) => r.method === 'POST' && r.path.startsWith('/oauth2/token'))).toHaveLength(1);
    const after = (await connections.get(key))!;
    expect(after.status).toBe('connected');
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.expiresAt!).toBeGreaterThan(Math.floor(Date.now() / 1000) + 3600);
  });
});
