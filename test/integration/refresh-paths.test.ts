/**
 * The delicate refresh paths, against the Strava simulator (rotating refresh tokens):
 * a refused refresh marks the connection revoked and answers 409, and a refresh token that
 * another container already rotated is not mistaken for a dead connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection, ConnectionKey } from '../../shared/store/ports';
import { startClient, type Client } from '../support/provider-flow';

const KEY: ConnectionKey = { tenantId: 'tenant-rp', userId: 'refresh-user', provider: 'strava' };

describe('refresh paths', () => {
  let client: Client;
  const store = () => client.server.container.connections;
  const expire = async (connection: Connection) => {
    const expired = { ...connection, expiresAt: Math.floor(Date.now() / 1000) - 60 };
    await store().put(expired);
    return expired;
  };

  beforeAll(async () => {
    client = await startClient({}, KEY.userId, KEY.tenantId);
  });
  afterAll(() => client.server.close());

  it('marks the connection revoked and answers 409 when the provider refuses the refresh (invalid_grant)', async () => {
    expect((await client.connect('strava')).status).toBe(200);
    await expire({ ...(await store().get(KEY))!, refreshToken: 'a-refresh-token-strava-never-issued' });
    const refused = await client.api('/activities?provider=strava');
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.code).toBe('reauthorization_required');
    expect((await store().get(KEY))!.status).toBe('revoked');
    expect((await (await client.api('/connections')).json()).providers.strava.status).toBe('revoked');
    const next = await client.api('/activities?provider=strava');
    expect(next.status).toBe(409);
    expect((await next.json()).error.code).toBe('not_connected');
  });

  it('re-reads instead of revoking when another container rotated the refresh token first', async () => {
    expect((await client.connect('strava')).status).toBe(200);
    // What a second container read before the first one refreshed.
    const stale = await expire((await store().get(KEY))!);
    expect((await client.api('/athlete?provider=strava')).status).toBe(200); // this container refreshes: the token rotates
    const rotated = (await store().get(KEY))!;
    expect(rotated.refreshToken).not.toBe(stale.refreshToken);

    // The second container now refreshes with the refresh token it read, which Strava rotated away.
    const connections = store();
    const realGet = connections.get.bind(connections);
    let staleReads = 1;
    connections.get = async (key) => (staleReads-- > 0 ? stale : realGet(key));
    try {
      const answer = await client.api('/athlete?provider=strava');
      expect(answer.status).toBe(200);
    } finally {
      connections.get = realGet;
    }
    expect(await store().get(KEY)).toMatchObject({ status: 'connected', refreshToken: rotated.refreshToken });
  });
});
