import { randomBytes } from 'node:crypto';
import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashState } from '../../shared/store/encoding';
import { DynamoOAuthStateStore } from '../../shared/store/dynamodb/oauth-state';
import { MemoryOAuthStateStore } from '../../shared/store/memory/oauth-state';
import type { OAuthState, OAuthStateStore } from '../../shared/store/ports';
import { createMotoTables, type MotoTables } from './dynamo';
import { keptInFolder } from './state-folder';

const NOW = 1_750_000_000;

function oauthState(overrides: Partial<OAuthState> = {}): OAuthState {
  return {
    state: randomBytes(32).toString('base64url'),
    tenantId: 'tenant-a',
    userId: 'user-1',
    provider: 'fitbit',
    redirectUri: 'https://api.example.com/oauth/fitbit/callback',
    codeVerifier: randomBytes(32).toString('base64url'),
    returnTo: 'https://app.example.com/settings',
    expiresAt: NOW + 600,
    ...overrides,
  };
}

function oauthStateStoreContract(name: string, makeStore: () => OAuthStateStore) {
  describe(`OAuthStateStore contract: ${name}`, () => {
    let store: OAuthStateStore;
    beforeEach(() => {
      store = makeStore();
    });

    it("erases a user's pending states and no one else's", async () => {
      const tenantId = `tenant-${randomBytes(6).toString('hex')}`;
      const mine = [oauthState({ tenantId }), oauthState({ tenantId, provider: 'strava' })];
      const theirs = oauthState({ tenantId, userId: 'user-2' });
      for (const state of [...mine, theirs]) await store.create(state);
      const unlimited = { exhausted: () => false };
      expect(await store.eraseUser(tenantId, 'user-1', unlimited)).toEqual({ deleted: { oauth_states: 2 }, done: true });
      expect(await store.consume(mine[0]!.state, mine[0]!.provider, NOW)).toBeUndefined();
      expect(await store.consume(theirs.state, theirs.provider, NOW)).toEqual(theirs);
      expect(await store.eraseUser(tenantId, 'user-1', unlimited)).toEqual({ deleted: { oauth_states: 0 }, done: true });
    });

    it('creates and consumes a state, returning everything bound to it', async () => {
      const state = oauthState();
      await store.create(state);
      expect(await store.consume(state.state, state.provider, NOW)).toEqual(state);
    });

    it('round-trips a state without PKCE verifier or returnTo', async () => {
      const state = oauthState();
      delete state.codeVerifier;
      delete state.returnTo;
      await store.create(state);
      const got = await store.consume(state.state, state.provider, NOW);
      expect(got).toEqual(state);
      expect(got).not.toHaveProperty('codeVerifier');
    });

    it('consumes a state once: a replay fails', async () => {
      const state = oauthState();
      await store.create(state);
      expect(await store.consume(state.state, state.provider, NOW)).toBeDefined();
      expect(await store.consume(state.state, state.provider, NOW)).toBeUndefined();
    });

    it('leaves a state of another provider in place for the right one', async () => {
      const state = oauthState({ provider: 'strava' });
      await store.create(state);
      expect(await store.consume(state.state, 'coros', NOW)).toBeUndefined();
      expect(await store.consume(state.state, 'strava', NOW)).toEqual(state);
      expect(await store.consume(state.state, 'strava', NOW)).toBeUndefined();
    });

    it('lets exactly one of concurrent consumes win when some name the wrong provider', async () => {
      const state = oauthState();
      await store.create(state);
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => store.consume(state.state, i % 2 === 0 ? 'strava' : state.provider, NOW)));
      expect(results.filter((r) => r !== undefined)).toEqual([state]);
    });

    it('returns undefined for an unknown state', async () => {
      expect(await store.consume('never-created', 'fitbit', NOW)).toBeUndefined();
    });

    it('rejects an expired state, and it stays gone', async () => {
      const state = oauthState({ expiresAt: NOW - 1 });
      await store.create(state);
      expect(await store.consume(state.state, state.provider, NOW)).toBeUndefined();
      expect(await store.consume(state.state, state.provider, NOW - 10)).toBeUndefined();
    });

    it('treats the expiry second itself as expired', async () => {
      const state = oauthState({ expiresAt: NOW });
      await store.create(state);
      expect(await store.consume(state.state, state.provider, NOW)).toBeUndefined();
    });

    it('accepts a state up to its last valid second', async () => {
      const state = oauthState({ expiresAt: NOW + 1 });
      await store.create(state);
      expect(await store.consume(state.state, state.provider, NOW)).toEqual(state);
    });

    it('lets exactly one of concurrent consumes win', async () => {
      const state = oauthState();
      await store.create(state);
      const results = await Promise.all(Array.from({ length: 5 }, () => store.consume(state.state, state.provider, NOW)));
      expect(results.filter((r) => r !== undefined)).toEqual([state]);
    });

    it('keeps states independent', async () => {
      const a = oauthState({ tenantId: 'tenant-a' });
      const b = oauthState({ tenantId: 'tenant-b', userId: 'user-2', provider: 'strava' });
      await store.create(a);
      await store.create(b);
      expect(await store.consume(b.state, b.provider, NOW)).toEqual(b);
      expect(await store.consume(a.state, a.provider, NOW)).toEqual(a);
    });

    it('refuses to create a state that already exists', async () => {
      const state = oauthState();
      await store.create(state);
      await expect(store.create({ ...state, tenantId: 'someone-else' })).rejects.toThrow(/already exists/);
      expect(await store.consume(state.state, state.provider, NOW)).toEqual(state);
    });

    it('rejects an invalid state', async () => {
      await expect(store.create({ ...oauthState(), redirectUri: 'not a url' })).rejects.toThrow();
    });
  });
}

oauthStateStoreContract('memory', () => new MemoryOAuthStateStore());
oauthStateStoreContract(
  'file (npm start)',
  keptInFolder(() => new MemoryOAuthStateStore()),
);

let moto: MotoTables;
describe('DynamoDB (moto)', () => {
  beforeAll(async () => {
    moto = await createMotoTables();
  });
  afterAll(() => moto?.client.destroy());

  oauthStateStoreContract('dynamodb', () => new DynamoOAuthStateStore(moto.doc, moto.tables.connections));

  it('stores only the hash of the state, with the TTL attribute set', async () => {
    const store = new DynamoOAuthStateStore(moto.doc, moto.tables.connections);
    const state = oauthState();
    await store.create(state);
    const { Item } = await moto.client.send(
      new GetItemCommand({
        TableName: moto.tables.connections,
        Key: { pk: { S: `STATE#${hashState(state.state)}` }, sk: { S: 'STATE' } },
      }),
    );
    expect(Item?.ttl?.N).toBe(String(state.expiresAt));
    const { Items } = await moto.client.send(new ScanCommand({ TableName: moto.tables.connections }));
    expect(JSON.stringify(Items)).not.toContain(state.state);
  });
});
