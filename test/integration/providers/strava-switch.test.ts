/**
 * Strava's reported 2027-06-01 switch is configuration: the same client against the simulator,
 * today's `oauth/deauthorize` with `access_token`, or `oauth/revoke` (token as `token`, with
 * the app's credentials) and the API on another base URL. Both revoke the grant at Strava.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContainer, type Container } from '../../../shared/app/container';
import { disconnect } from '../../../shared/app/connections';
import { runOperation } from '../../../shared/app/operations';
import { ConfigError } from '../../../shared/config';
import { startClient, type Client } from '../../support/provider-flow';

describe('Strava revoke style and base URLs as configuration', () => {
  let client: Client;
  const identity = { tenantId: 'tenant-1', userId: 'user-1' };
  const sim = () => `${client.server.url}/sim/strava`;
  /** Another container on the same stores, with these Strava settings. */
  const containerWith = (settings: Record<string, string>): Promise<Container> =>
    buildContainer({ env: { ...client.server.container.raw, ...settings }, stores: client.server.container });
  const revokeRequests = async () =>
    ((await (await client.control('strava', 'requests', undefined, 'GET')).json()) as { method: string; path: string }[])
      .filter((r) => r.method === 'POST' && r.path.startsWith('/oauth/'))
      .map((r) => r.path)
      .filter((path) => path !== '/oauth/token');
  const tokenWorks = async (token: string) => (await fetch(`${sim()}/api/v3/athlete`, { headers: { authorization: `Bearer ${token}` } })).status === 200;

  beforeAll(async () => {
    client = await startClient();
  });
  afterAll(() => client.server.close());

  for (const style of ['deauthorize', 'revoke'] as const) {
    it(`revokes with PIERRE_STRAVA_REVOKE_STYLE=${style} and reads from the configured API base`, async () => {
      expect((await client.connect('strava')).status).toBe(200);
      const stored = await client.server.container.connections.get({ ...identity, provider: 'strava' });
      const container = await containerWith({
        PIERRE_STRAVA_REVOKE_STYLE: style,
        PIERRE_STRAVA_REVOKE_URL: `${sim()}/oauth/${style}`,
        ...(style === 'revoke' && { PIERRE_STRAVA_API_BASE_URL: `${sim()}/api-v3` }),
      });
      const athlete = (await runOperation(container, identity, { name: 'athlete', provider: 'strava' })) as { athlete: { id: string } };
      expect(athlete.athlete.id).toBe(stored!.providerUserId);
      const before = (await revokeRequests()).length;
      expect(await tokenWorks(stored!.accessToken)).toBe(true);

      await disconnect(container, identity, 'strava');
      expect((await revokeRequests()).slice(before)).toEqual([`/oauth/${style}`]);
      expect(await tokenWorks(stored!.accessToken)).toBe(false);
    });
  }

  it('refuses an unknown style at start-up, naming the variable', async () => {
    await expect(containerWith({ PIERRE_STRAVA_REVOKE_STYLE: 'delete' })).rejects.toThrow(ConfigError);
    await expect(containerWith({ PIERRE_STRAVA_REVOKE_STYLE: 'delete' })).rejects.toThrow(/PIERRE_STRAVA_REVOKE_STYLE must be one of deauthorize, revoke/);
  });
});
