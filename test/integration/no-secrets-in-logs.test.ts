/**
 * Every log line of a whole provider journey (connect, callback, data, a provider failure, a
 * forced refresh, disconnect) is free of tokens, codes, states, verifiers and client secrets.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startClient, type Client } from '../support/provider-flow';

// Before any import builds the logger: log everything, down to debug.
vi.hoisted(() => {
  process.env['POWERTOOLS_LOG_LEVEL'] = 'DEBUG';
});

describe('logs carry no secrets', () => {
  let client: Client;
  const lines: string[] = [];
  const writes: Array<[NodeJS.WriteStream, NodeJS.WriteStream['write']]> = [];

  beforeAll(async () => {
    for (const stream of [process.stdout, process.stderr]) {
      writes.push([stream, stream.write]);
      stream.write = ((chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      }) as NodeJS.WriteStream['write'];
    }
    client = await startClient({ env: { PIERRE_TOKEN_KEYS: '' } }, 'log-user', 'tenant-l');
  });

  afterAll(async () => {
    for (const [stream, write] of writes) stream.write = write;
    await client.server.close();
  });

  it('logs what happened and none of the secrets involved', async () => {
    const { connect, callbackUrl } = await client.authorize('fitbit');
    const callback = new URL(callbackUrl);
    expect((await fetch(callback)).status).toBe(200);
    const key = { tenantId: 'tenant-l', userId: 'log-user', provider: 'fitbit' };
    const first = (await client.server.container.connections.get(key))!;

    // More faults than the 1 + 3 attempts a transient failure gets.
    await client.control('fitbit', 'faults', { kind: 'status', status: 500, count: 4 });
    expect((await client.api('/activities?provider=fitbit')).status).toBe(502);
    await client.control('fitbit', 'expire-tokens');
    expect((await client.api('/activities?provider=fitbit')).status).toBe(200);
    const refreshed = (await client.server.container.connections.get(key))!;
    expect(refreshed.accessToken).not.toBe(first.accessToken);
    expect((await client.api('/connections/fitbit', { method: 'DELETE' })).status).toBe(200);

    const log = lines.join('');
    expect(log).toContain('provider connected'); // the capture works and the journey was logged
    expect(log).toContain('provider call failed');
    const secrets = [
      first.accessToken,
      first.refreshToken!,
      refreshed.accessToken,
      refreshed.refreshToken!,
      callback.searchParams.get('code')!,
      connect.state,
      'sim-fitbit-secret',
    ];
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(8);
      expect(log).not.toContain(secret);
    }
  });
});
