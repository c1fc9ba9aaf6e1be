/** A burst of requests on a connection about to expire refreshes it once (WHOOP rotates refresh tokens: a second refresh would kill the first). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClient, type Client } from '../support/provider-flow';

describe('token refresh under a burst', () => {
  let client: Client;
  const key = { tenantId: 'tenant-r', userId: 'burst-user', provider: 'whoop' };

  beforeAll(async () => {
    client = await startClient({}, key.userId, key.tenantId);
    expect((await client.connect('whoop')).status).toBe(200);
  });
  afterAll(() => client.server.close());

  it('sends one refresh to the provider and serves every request', async () => {
    const connections = client.server.container.connections;
    const before = (await connections.get(key))!;
    await connections.put({ ...before, expiresAt: Math.floor(Date.now() / 1000) + 60 });
    await client.control('whoop', 'requests', undefined, 'DELETE');

    const answers = await Promise.all(Array.from({ length: 5 }, () => client.api('/athlete?provider=whoop')));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);

    const log = (await (await client.control('whoop', 'requests', undefined, 'GET')).json()) as { method: string; path: string }[];
    expect(log.filter((r) => r.method === 'POST' && r.path.startsWith('/oauth/oauth2/token'))).toHaveLength(1);
    const after = (await connections.get(key))!;
    expect(after.status).toBe('connected');
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.expiresAt!).toBeGreaterThan(Math.floor(Date.now() / 1000) + 3000);
  });
});
