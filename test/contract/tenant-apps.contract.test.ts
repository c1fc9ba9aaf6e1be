import { randomBytes } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoTenantAppStore } from '../../shared/store/dynamodb/tenant-apps';
import { MemoryTenantAppStore } from '../../shared/store/memory/tenant-apps';
import { keptInFolder } from './state-folder';
import type { TenantApp, TenantAppStore } from '../../shared/store/ports';
import { generateDevKey, TokenCipher } from '../../shared/store/token-cipher';
import { createMotoTables, type MotoTables } from './dynamo';

const SECRET = `client-secret-${randomBytes(8).toString('hex')}`;
const HOOK = `verify-${randomBytes(8).toString('hex')}`;

function app(overrides: Partial<TenantApp> = {}): TenantApp {
  return {
    tenantId: 'tenant-a',
    provider: 'strava',
    clientId: 'a-client',
    clientSecret: SECRET,
    scopes: ['read', 'activity:read_all'],
    redirectUri: 'https://a.example.com/callback/strava',
    webhookSettings: { WEBHOOK_VERIFY_TOKEN: HOOK, WEBHOOK_SUBSCRIPTION_ID: '4242' },
    updatedAt: '2026-12-07T10:00:00.000Z',
    ...overrides,
  };
}

function tenantAppStoreContract(name: string, makeStore: (cipher: TokenCipher) => TenantAppStore) {
  describe(`TenantAppStore contract: ${name}`, () => {
    let store: TenantAppStore;
    beforeEach(() => {
      store = makeStore(new TokenCipher([generateDevKey()]));
    });

    it('stores and reads an app back whole, secrets included', async () => {
      await store.put(app());
      expect(await store.get('tenant-a', 'strava')).toEqual(app());
    });

    it('keeps an app without scopes or redirect URI without them', async () => {
      const bare = app({ scopes: undefined, redirectUri: undefined, webhookSettings: {} });
      delete bare.scopes;
      delete bare.redirectUri;
      await store.put(bare);
      expect(await store.get('tenant-a', 'strava')).toEqual(bare);
    });

    it("keeps tenants apart: one tenant's app is not another's", async () => {
      await store.put(app());
      await store.put(app({ tenantId: 'tenant-b', clientId: 'b-client' }));
      expect((await store.get('tenant-b', 'strava'))?.clientId).toBe('b-client');
      expect(await store.get('tenant-c', 'strava')).toBeUndefined();
      expect((await store.listForTenant('tenant-a')).map((a) => a.clientId)).toEqual(['a-client']);
    });

    it("pages through every tenant's apps, each once, a bounded number at a time", async () => {
      const tenants = ['t1', 't2', 't3', 'a b', 't5'];
      for (const tenantId of tenants) await store.put(app({ tenantId, provider: 'garmin', clientId: `${tenantId}-client` }));
      const seen: string[] = [];
      let after: string | undefined;
      for (let pages = 0; pages < 10; pages++) {
        const { apps, next } = await store.page(after, 2);
        expect(apps.length).toBeLessThanOrEqual(2);
        seen.push(...apps.filter((a) => a.provider === 'garmin').map((a) => a.tenantId));
        if (next === undefined) break;
        after = next;
      }
      expect(seen.sort()).toEqual([...tenants].sort());
      for (const tenantId of tenants) await store.delete(tenantId, 'garmin');
    });

    it('replaces an app on put (a rotated secret) and deletes it once', async () => {
      await store.put(app());
      await store.put(app({ clientSecret: 'rotated' }));
      expect((await store.get('tenant-a', 'strava'))?.clientSecret).toBe('rotated');
      expect(await store.delete('tenant-a', 'strava')).toBe(true);
      expect(await store.delete('tenant-a', 'strava')).toBe(false);
      expect(await store.get('tenant-a', 'strava')).toBeUndefined();
    });
  });
}

tenantAppStoreContract('memory', (cipher) => new MemoryTenantAppStore(cipher));
tenantAppStoreContract('file (npm start)', (cipher) => keptInFolder(() => new MemoryTenantAppStore(cipher))());

describe('TenantAppStore on DynamoDB (moto)', () => {
  let moto: MotoTables;
  beforeAll(async () => {
    moto = await createMotoTables();
  });
  tenantAppStoreContract('dynamodb', (cipher) => new DynamoTenantAppStore(moto.doc, moto.tables.connections, cipher));

  it('refuses to open an app sealed with a key it no longer has, rather than answer another app', async () => {
    await new DynamoTenantAppStore(moto.doc, moto.tables.connections, new TokenCipher([generateDevKey()])).put(app({ tenantId: 'tenant-old-key' }));
    const withOtherKey = new DynamoTenantAppStore(moto.doc, moto.tables.connections, new TokenCipher([generateDevKey()]));
    await expect(withOtherKey.get('tenant-old-key', 'strava')).rejects.toThrow();
  });

  it('holds neither the client secret nor a webhook setting in clear', async () => {
    await new DynamoTenantAppStore(moto.doc, moto.tables.connections, new TokenCipher([generateDevKey()])).put(app({ tenantId: 'tenant-sealed' }));
    const { Items } = await moto.client.send(new ScanCommand({ TableName: moto.tables.connections }));
    const raw = JSON.stringify(Items);
    expect(raw).toContain('tenant-sealed');
    expect(raw).not.toContain(SECRET);
    expect(raw).not.toContain(HOOK);
  });
});
