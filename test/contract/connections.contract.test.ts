import { randomUUID } from 'node:crypto';
import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectionAad } from '../../shared/store/connection-codec';
import { connectionKeys, DynamoConnectionStore } from '../../shared/store/dynamodb/connections';
import { MemoryConnectionStore } from '../../shared/store/memory/connections';
import type { Connection, ConnectionStore } from '../../shared/store/ports';
import { generateDevKey, TokenCipher } from '../../shared/store/token-cipher';
import { createMotoTables, type MotoTables } from './dynamo';
import { keptInFolder } from './state-folder';

const NOW = '2025-06-01T12:00:00.000Z';

function connection(overrides: Partial<Connection> = {}): Connection {
  return {
    tenantId: 'tenant-a',
    userId: 'user-1',
    provider: 'strava',
    accessToken: `access-${randomUUID()}`,
    refreshToken: `refresh-${randomUUID()}`,
    expiresAt: 1_750_000_000,
    scopes: ['read', 'activity:read_all'],
    providerUserId: `athlete-${randomUUID()}`,
    status: 'connected',
    connectedAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

const byKey = (a: Connection, b: Connection) => `${a.tenantId}/${a.userId}/${a.provider}`.localeCompare(`${b.tenantId}/${b.userId}/${b.provider}`);

function connectionStoreContract(name: string, makeStore: () => ConnectionStore) {
  describe(`ConnectionStore contract: ${name}`, () => {
    let store: ConnectionStore;
    // Every test works in its own tenant, so stores that share a table do not interfere.
    let tenant: string;
    beforeEach(() => {
      store = makeStore();
      tenant = `tenant-${randomUUID()}`;
    });

    it('erases every connection of one user and none of another, counting what it deleted', async () => {
      const alice = { tenantId: tenant, userId: 'alice' };
      await store.put(connection({ ...alice, provider: 'strava' }));
      await store.put(connection({ ...alice, provider: 'garmin' }));
      await store.put(connection({ tenantId: tenant, userId: 'bob' }));
      const unlimited = { exhausted: () => false };
      expect(await store.eraseUser(tenant, 'alice', unlimited)).toEqual({ deleted: { connections: 2 }, done: true });
      expect(await store.listForUser(tenant, 'alice')).toEqual([]);
      expect(await store.listForUser(tenant, 'bob')).toHaveLength(1);
      expect(await store.eraseUser(tenant, 'alice', unlimited)).toEqual({ deleted: { connections: 0 }, done: true });
    });

    it('returns undefined for an unknown connection', async () => {
      expect(await store.get({ tenantId: tenant, userId: 'nobody', provider: 'strava' })).toBeUndefined();
    });

    it('puts and gets a connection with its tokens round-tripped', async () => {
      const conn = connection({ tenantId: tenant });
      await store.put(conn);
      expect(await store.get(conn)).toEqual(conn);
    });

    it('round-trips a minimal connection (no refresh token, expiry or provider user id)', async () => {
      const conn = connection({ tenantId: tenant, scopes: [] });
      delete conn.refreshToken;
      delete conn.expiresAt;
      delete conn.providerUserId;
      await store.put(conn);
      const got = await store.get(conn);
      expect(got).toEqual(conn);
      expect(got).not.toHaveProperty('refreshToken');
    });

    it('round-trips awkward characters in ids and tokens', async () => {
      const conn = connection({
        tenantId: `${tenant}#x/y%z`,
        userId: 'user#1 ünïcödé 🏃',
        accessToken: 'tok."\u0000\n🔑',
        refreshToken: '',
        providerUserId: 'p#u/1 2',
      });
      await store.put(conn);
      expect(await store.get(conn)).toEqual(conn);
      expect(await store.findByProviderUserId('strava', 'p#u/1 2')).toEqual([conn]);
    });

    it('overwrites on put (token refresh) and keeps one connection per provider', async () => {
      const conn = connection({ tenantId: tenant });
      await store.put(conn);
      const refreshed = { ...conn, accessToken: 'new-access', refreshToken: 'new-refresh', updatedAt: '2025-06-02T00:00:00.000Z' };
      await store.put(refreshed);
      expect(await store.get(conn)).toEqual(refreshed);
      expect(await store.listForUser(tenant, conn.userId)).toEqual([refreshed]);
    });

    it('deletes a connection, and deleting an unknown one is a no-op', async () => {
      const conn = connection({ tenantId: tenant });
      await store.put(conn);
      await store.delete(conn);
      expect(await store.get(conn)).toBeUndefined();
      await expect(store.delete(conn)).resolves.toBeUndefined();
      expect(await store.listForUser(tenant, conn.userId)).toEqual([]);
    });

    it('lists every connection of a user and only theirs', async () => {
      const strava = connection({ tenantId: tenant, provider: 'strava' });
      const fitbit = connection({ tenantId: tenant, provider: 'fitbit' });
      const whoop = connection({ tenantId: tenant, provider: 'whoop', status: 'revoked' });
      const otherUser = connection({ tenantId: tenant, userId: 'user-2' });
      // A user id that is a prefix of another must not leak into its listing.
      const prefixUser = connection({ tenantId: tenant, userId: 'user-10' });
      for (const c of [strava, fitbit, whoop, otherUser, prefixUser]) await store.put(c);

      expect((await store.listForUser(tenant, 'user-1')).sort(byKey)).toEqual([fitbit, strava, whoop].sort(byKey));
      expect(await store.listForUser(tenant, 'user-2')).toEqual([otherUser]);
      expect(await store.listForUser(tenant, 'user-3')).toEqual([]);
    });

    it('isolates tenants: same user id and provider in two tenants are two connections', async () => {
      const other = `${tenant}-other`;
      const a = connection({ tenantId: tenant, accessToken: 'token-a' });
      const b = connection({ tenantId: other, accessToken: 'token-b' });
      await store.put(a);
      await store.put(b);
      expect(await store.get(a)).toEqual(a);
      expect(await store.get(b)).toEqual(b);
      expect(await store.listForUser(tenant, 'user-1')).toEqual([a]);
      await store.delete(a);
      expect(await store.get(b)).toEqual(b);
    });

    it('does not confuse tenant/user boundaries', async () => {
      const a = connection({ tenantId: `${tenant}#x`, userId: 'y' });
      const b = connection({ tenantId: tenant, userId: 'x#y' });
      await store.put(a);
      await store.put(b);
      expect(await store.get(a)).toEqual(a);
      expect(await store.get(b)).toEqual(b);
      expect(await store.listForUser(`${tenant}#x`, 'y')).toEqual([a]);
    });

    it('finds connections by provider user id, across tenants, per provider', async () => {
      const providerUserId = `athlete-${randomUUID()}`;
      const a = connection({ tenantId: tenant, providerUserId });
      const b = connection({ tenantId: `${tenant}-2`, userId: 'user-9', providerUserId });
      const otherProvider = connection({ tenantId: tenant, provider: 'fitbit', providerUserId });
      const unrelated = connection({ tenantId: tenant, userId: 'user-3' });
      for (const c of [a, b, otherProvider, unrelated]) await store.put(c);

      expect((await store.findByProviderUserId('strava', providerUserId)).sort(byKey)).toEqual([a, b].sort(byKey));
      expect(await store.findByProviderUserId('fitbit', providerUserId)).toEqual([otherProvider]);
      expect(await store.findByProviderUserId('strava', 'no-such-athlete')).toEqual([]);
    });

    it('stops finding a connection by its old provider user id once it changes or is deleted', async () => {
      const conn = connection({ tenantId: tenant });
      await store.put(conn);
      const moved = { ...conn, providerUserId: `athlete-${randomUUID()}` };
      await store.put(moved);
      expect(await store.findByProviderUserId('strava', conn.providerUserId!)).toEqual([]);
      expect(await store.findByProviderUserId('strava', moved.providerUserId)).toEqual([moved]);
      await store.delete(moved);
      expect(await store.findByProviderUserId('strava', moved.providerUserId)).toEqual([]);
    });

    it('rejects an invalid connection', async () => {
      await expect(store.put({ ...connection({ tenantId: tenant }), userId: '' })).rejects.toThrow();
    });
  });
}

const cipher = new TokenCipher([generateDevKey()]);

connectionStoreContract('memory', () => new MemoryConnectionStore(cipher));
connectionStoreContract(
  'file (npm start)',
  keptInFolder(() => new MemoryConnectionStore(cipher)),
);

let moto: MotoTables;
describe('DynamoDB (moto)', () => {
  beforeAll(async () => {
    moto = await createMotoTables();
  });
  afterAll(() => moto?.client.destroy());

  connectionStoreContract('dynamodb', () => new DynamoConnectionStore(moto.doc, moto.tables.connections, cipher));

  describe('DynamoConnectionStore at rest', () => {
    it('never stores the tokens in clear, and binds them to tenant, user and provider', async () => {
      const store = new DynamoConnectionStore(moto.doc, moto.tables.connections, cipher);
      const conn = connection({
        tenantId: `tenant-${randomUUID()}`,
        accessToken: `ACCESS-${randomUUID()}`,
        refreshToken: `REFRESH-${randomUUID()}`,
      });
      await store.put(conn);

      const pk = connectionKeys.pk(conn.tenantId, conn.userId);
      const { Item } = await moto.client.send(new GetItemCommand({ TableName: moto.tables.connections, Key: { pk: { S: pk }, sk: { S: 'CONN#strava' } } }));
      expect(Item).toBeDefined();
      const raw = JSON.stringify(Item);
      for (const secret of [conn.accessToken, conn.refreshToken!]) {
        expect(raw).not.toContain(secret);
        expect(raw).not.toContain(Buffer.from(secret).toString('base64'));
        expect(raw).not.toContain(Buffer.from(secret).toString('base64url'));
      }
      // The indexed and descriptive attributes are in clear, as designed.
      expect(Item!.gsi1pk?.S).toBe(`PUSER#strava#${encodeURIComponent(conn.providerUserId!)}`);
      expect(Item!.gsi1sk?.S).toBe(pk);
      expect(Item!.status?.S).toBe('connected');

      const sealed = Item!.sealedTokens?.S;
      expect(sealed).toMatch(/^v1\./);
      expect(JSON.parse(cipher.open(sealed!, connectionAad(conn)))).toEqual({
        accessToken: conn.accessToken,
        refreshToken: conn.refreshToken,
      });
      expect(() => cipher.open(sealed!, connectionAad({ ...conn, tenantId: 'another-tenant' }))).toThrow(/could not decrypt/);
      expect(() => cipher.open(sealed!, connectionAad({ ...conn, userId: 'another-user' }))).toThrow(/could not decrypt/);
      expect(() => cipher.open(sealed!, connectionAad({ ...conn, provider: 'fitbit' }))).toThrow(/could not decrypt/);
    });

    it('refuses an item whose sealed tokens were copied from another tenant', async () => {
      const store = new DynamoConnectionStore(moto.doc, moto.tables.connections, cipher);
      const victim = connection({ tenantId: `tenant-${randomUUID()}` });
      const attacker = connection({ tenantId: `tenant-${randomUUID()}` });
      await store.put(victim);
      await store.put(attacker);
      const key = (c: Connection) => ({ pk: { S: connectionKeys.pk(c.tenantId, c.userId) }, sk: { S: 'CONN#strava' } });
      const { Item: victimItem } = await moto.client.send(new GetItemCommand({ TableName: moto.tables.connections, Key: key(victim) }));
      await moto.client.send(
        new UpdateItemCommand({
          TableName: moto.tables.connections,
          Key: key(attacker),
          UpdateExpression: 'SET sealedTokens = :s',
          ExpressionAttributeValues: { ':s': victimItem!.sealedTokens! },
        }),
      );
      // The copied blob opens to nothing: the attacker's item reads as token-less and unusable.
      const read = await store.get(attacker);
      expect(read).toMatchObject({ status: 'reauthorization_required', accessToken: '' });
      expect(read!.refreshToken).toBeUndefined();
      expect(JSON.stringify(read)).not.toContain(victim.accessToken);
    });

    it('is readable by a cipher that rotated to a new key', async () => {
      const oldKey = generateDevKey();
      const before = new DynamoConnectionStore(moto.doc, moto.tables.connections, new TokenCipher([oldKey]));
      const conn = connection({ tenantId: `tenant-${randomUUID()}` });
      await before.put(conn);
      const after = new DynamoConnectionStore(moto.doc, moto.tables.connections, new TokenCipher([generateDevKey(), oldKey]));
      expect(await after.get(conn)).toEqual(conn);
    });
  });
});
