/** `npm run reseal` on DynamoDB (moto): every readable connection ends on the newest key, and unreadable ones are named. */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildContainer } from '../../shared/app/container';
import { resealConnections } from '../../shared/app/reseal';
import { createDocumentClient } from '../../shared/store/dynamodb/client';
import { DynamoConnectionStore } from '../../shared/store/dynamodb/connections';
import { ensureTables } from '../../shared/store/dynamodb/schema';
import type { Connection } from '../../shared/store/ports';
import { TokenCipher, type TokenKey } from '../../shared/store/token-cipher';
import { uniqueName, useMoto } from '../support/aws';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const key = (id: string): TokenKey => ({ id, key: randomBytes(32) });
const keysJson = (...keys: TokenKey[]) => JSON.stringify(keys.map((k) => ({ id: k.id, key: k.key.toString('base64') })));
const conn = (userId: string, provider = 'strava'): Connection => ({
  tenantId: 'tenant-r',
  userId,
  provider,
  accessToken: `access-${userId}`,
  refreshToken: `refresh-${userId}`,
  scopes: ['read'],
  status: 'connected',
  connectedAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
});

describe('re-sealing connections with the newest key', () => {
  const oldKey = key('k-2025');
  const newKey = key('k-2026');
  const lostKey = key('k-lost');
  const tables = { connections: uniqueName('conn'), cache: uniqueName('cache') };
  let endpoint: string;
  let doc: Awaited<ReturnType<typeof createDocumentClient>>;
  const store = (...keys: TokenKey[]) => new DynamoConnectionStore(doc, tables.connections, new TokenCipher(keys));
  const env = (...keys: TokenKey[]) => ({
    AWS_ENDPOINT_URL: endpoint,
    PIERRE_CONNECTIONS_TABLE: tables.connections,
    PIERRE_CACHE_TABLE: tables.cache,
    PIERRE_TOKEN_KEYS: keysJson(...keys),
  });

  beforeAll(async () => {
    endpoint = useMoto();
    await ensureTables(new DynamoDBClient({}), tables);
    doc = await createDocumentClient();
    await store(oldKey).put(conn('u1'));
    await store(oldKey).put(conn('u2', 'whoop'));
    await store(newKey).put(conn('u3'));
    await store(lostKey).put(conn('u4'));
  });

  it('re-seals what an old key sealed, leaves current items alone and names the unreadable ones', async () => {
    const container = await buildContainer({ env: env(newKey, oldKey) });
    const report = await resealConnections(container);
    expect(report).toEqual({
      scanned: 4,
      resealed: 2,
      alreadyCurrent: 1,
      changedMeanwhile: 0,
      unreadable: [{ tenantId: 'tenant-r', userId: 'u4', provider: 'strava' }],
    });
    // The old key can now go: the newest key alone opens every re-sealed connection, tokens intact.
    const newOnly = store(newKey);
    expect(await newOnly.get(conn('u1'))).toEqual(conn('u1'));
    expect(await newOnly.get(conn('u2', 'whoop'))).toEqual(conn('u2', 'whoop'));
    expect((await resealConnections(container)).resealed).toBe(0);
  });

  it('never overwrites a connection written after it was read', async () => {
    const newer = { ...conn('u1'), accessToken: 'rotated', updatedAt: '2026-12-01T00:00:00.000Z' };
    await store(newKey).put(newer);
    expect(await store(newKey).replaceIfUnchanged(conn('u1'), conn('u1').updatedAt)).toBe(false);
    expect(await store(newKey).get(conn('u1'))).toEqual(newer);
  });

  it('runs as npm run reseal, printing the counts and exiting 1 while items stay unreadable', async () => {
    await store(oldKey).put(conn('u5'));
    const run = promisify(execFile)('npm', ['run', '--silent', 'reseal'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env(newKey, oldKey), POWERTOOLS_LOG_LEVEL: 'SILENT' },
    });
    const failure = await run.then(
      () => undefined,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toContain('re-sealed 1, already on the current key 3, changed meanwhile 0, unreadable 1 (of 5)');
    expect(failure?.stdout).toContain('unreadable: tenant=tenant-r user=u4 provider=strava');
    expect(failure?.stdout).not.toContain('access-');
  });
});
