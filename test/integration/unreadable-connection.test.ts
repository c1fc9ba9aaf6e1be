/**
 * One connection that cannot be opened (sealed with a retired key, a corrupted item) breaks
 * only itself: it shows `reauthorization_required`, its data routes answer 409, DELETE removes
 * it and a new callback overwrites it, while the user's other connections keep working.
 */
import { randomBytes } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDocumentClient } from '../../shared/store/dynamodb/client';
import { DynamoConnectionStore, connectionKeys } from '../../shared/store/dynamodb/connections';
import { TokenCipher } from '../../shared/store/token-cipher';
import { uniqueName, useMoto } from '../support/aws';
import { startClient, type Client } from '../support/provider-flow';

vi.hoisted(() => {
  process.env['POWERTOOLS_LOG_LEVEL'] = 'WARN';
});

const TENANT = 'tenant-u';
const USER = 'unreadable-user';
const key = (id: string) => ({ id, key: randomBytes(32) });

describe('a connection that cannot be opened', () => {
  let client: Client;
  const table = uniqueName('conn');
  const retired = key('retired-2025');
  const current = key('current-2026');
  const lines: string[] = [];
  const writes: Array<[NodeJS.WriteStream, NodeJS.WriteStream['write']]> = [];
  const strava = { tenantId: TENANT, userId: USER, provider: 'strava' };
  let doc: Awaited<ReturnType<typeof createDocumentClient>>;

  beforeAll(async () => {
    const endpoint = useMoto();
    doc = await createDocumentClient();
    client = await startClient(
      {
        env: {
          AWS_ENDPOINT_URL: endpoint,
          PIERRE_CONNECTIONS_TABLE: table,
          PIERRE_CACHE_TABLE: uniqueName('cache'),
          PIERRE_TOKEN_KEYS: JSON.stringify([{ id: current.id, key: current.key.toString('base64') }]),
        },
      },
      USER,
      TENANT,
    );
    for (const provider of ['strava', 'whoop']) expect((await client.connect(provider)).status).toBe(200);
    // Strava's item as an older deployment left it: sealed with a key this one no longer has.
    const plain = (await client.server.container.connections.get(strava))!;
    await new DynamoConnectionStore(doc, table, new TokenCipher([retired])).put(plain);
    for (const stream of [process.stdout, process.stderr]) {
      writes.push([stream, stream.write]);
      stream.write = ((chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      }) as NodeJS.WriteStream['write'];
    }
  });

  afterAll(async () => {
    for (const [stream, write] of writes) stream.write = write;
    await client.server.close();
  });

  it('shows only that connection as reauthorization_required, and logs the missing key id', async () => {
    const connections = await (await client.api('/connections')).json();
    expect(connections.providers.strava).toMatchObject({ connected: false, status: 'reauthorization_required' });
    expect(connections.providers.whoop).toMatchObject({ connected: true, status: 'connected' });
    const providers = await (await client.api('/providers')).json();
    const byName = Object.fromEntries(providers.providers.map((p: { name: string }) => [p.name, p]));
    expect(byName.strava).toMatchObject({ connected: false, status: 'reauthorization_required' });
    expect(byName.whoop).toMatchObject({ connected: true, status: 'connected' });

    const warning = lines.find((l) => l.includes('cannot be opened'));
    expect(warning).toContain(`unknown key id '${retired.id}'`);
    expect(lines.join('')).not.toMatch(/v1\.retired-2025\.[\w-]+\./);
  });

  it('answers its data routes 409 reauthorization_required; other providers still answer', async () => {
    const refused = await client.api('/activities?provider=strava');
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.code).toBe('reauthorization_required');
    expect((await client.api('/activities?provider=whoop')).status).toBe(200);
    const all = await (await client.api('/activities?provider=all&limit=5')).json();
    expect(all.sources.strava).toMatchObject({ status: 'error', code: 'reauthorization_required' });
    expect(all.sources.whoop).toMatchObject({ status: 'ok' });
  });

  it('is overwritten by a new callback', async () => {
    expect((await client.connect('strava')).status).toBe(200);
    expect((await client.api('/activities?provider=strava')).status).toBe(200);
    expect((await (await client.api('/connections')).json()).providers.strava.status).toBe('connected');
  });

  it('is removed by DELETE when the item is corrupted', async () => {
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: connectionKeys.pk(TENANT, USER), sk: connectionKeys.sk('whoop') },
        UpdateExpression: 'SET sealedTokens = :s, scopes = :bad',
        ExpressionAttributeValues: { ':s': 'garbage', ':bad': 42 },
      }),
    );
    expect((await (await client.api('/connections')).json()).providers.whoop.status).toBe('reauthorization_required');
    const deleted = await client.api('/connections/whoop', { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect((await (await client.api('/connections')).json()).providers.whoop.status).toBe('disconnected');
    expect(await client.server.container.connections.get({ ...strava, provider: 'whoop' })).toBeUndefined();
  });
});
