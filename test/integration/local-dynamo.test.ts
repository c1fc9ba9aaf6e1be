/** `npm start` pointed at an emulator: with AWS_ENDPOINT_URL and table names it uses DynamoDB. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../local/app';
import { DynamoConnectionStore } from '../../shared/store/dynamodb/connections';
import { uniqueName, useMoto } from '../support/aws';

describe('local server on DynamoDB', () => {
  let server: LocalServer;

  beforeAll(async () => {
    const endpoint = useMoto();
    server = await startLocalServer({
      simulators: false,
      env: { AWS_ENDPOINT_URL: endpoint, PIERRE_CONNECTIONS_TABLE: uniqueName('conn'), PIERRE_CACHE_TABLE: uniqueName('cache') },
    });
  });
  afterAll(() => server.close());

  it('creates the tables and serves requests from them', async () => {
    expect(server.container.connections).toBeInstanceOf(DynamoConnectionStore);
    const token = await server.issueToken('u', 't');
    const res = await fetch(`${server.url}/connections`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect((await res.json()).providers.synthetic.connected).toBe(true);
  });
});
