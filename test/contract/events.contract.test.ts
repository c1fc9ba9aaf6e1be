/**
 * The events stores on memory and on DynamoDB (moto), the same tests: paging by id, the type
 * filter, once-keys, attempts, the bound on endpoints with two containers racing, endpoint health,
 * and secrets rotated without being read.
 */
import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoEndpointSecretStore, DynamoEventStore } from '../../shared/events/dynamodb-store';
import { newEndpointId, newEventId } from '../../shared/events/ids';
import { MemoryEndpointSecretStore, MemoryEventStore } from '../../shared/events/memory-store';
import type { EndpointSecretStore, EventStore, StoredEvent } from '../../shared/events/ports';
import { createDocumentClient } from '../../shared/store/dynamodb/client';
import { ensureTables } from '../../shared/store/dynamodb/schema';
import { uniqueName, useMoto } from '../support/aws';

const NOW = 1_765_000_000_000;
const LATER = Math.floor(NOW / 1000) + 3600;
const DAY = 86_400_000;

interface Stores {
  events: EventStore;
  /** A second container's store over the same data (the memory one shares the instance). */
  other: EventStore;
  secrets: EndpointSecretStore;
}

function eventsContract(name: string, make: () => Stores) {
  describe(`events stores: ${name}`, () => {
    const event = (tenantId: string, i: number, type: StoredEvent['type'] = 'connection.created'): StoredEvent => ({
      id: newEventId(NOW + i),
      tenantId,
      type,
      data: { n: i },
      createdAtMs: NOW + i,
    });

    it('pages a tenant’s events by id, oldest first, filters by type, and keeps tenants apart', async () => {
      const { events } = make();
      const tenant = randomUUID();
      const stored = [event(tenant, 1), event(tenant, 2, 'job.failed'), event(tenant, 3), event(tenant, 4, 'job.failed'), event(tenant, 5)];
      for (const e of [...stored].reverse()) expect(await events.putEvent(e, LATER)).toBe(true);
      await events.putEvent(event(randomUUID(), 6), LATER);
      const seen: StoredEvent[] = [];
      let after: string | undefined;
      for (let page = 0; page < 10; page++) {
        const got = await events.listEvents(tenant, { after, limit: 2 }, NOW);
        expect(got.events.length).toBeLessThanOrEqual(2);
        seen.push(...got.events);
        after = got.next;
        if (!after) break;
      }
      expect(seen).toEqual(stored);
      const failed: string[] = [];
      after = undefined;
      for (let page = 0; page < 10; page++) {
        const got = await events.listEvents(tenant, { after, limit: 2, type: 'job.failed' }, NOW);
        failed.push(...got.events.map((e) => e.id));
        after = got.next;
        if (!after) break;
      }
      expect(failed).toEqual([stored[1]!.id, stored[3]!.id]);
      expect(await events.getEvent(tenant, stored[0]!.id, NOW)).toEqual(stored[0]);
      expect(await events.getEvent(randomUUID(), stored[0]!.id, NOW)).toBeUndefined();
      // Past its expiry an event reads as gone.
      expect(await events.getEvent(tenant, stored[0]!.id, LATER * 1000 + 1)).toBeUndefined();
    });

    it('stores an event with a once-key only the first time', async () => {
      const { events, other } = make();
      const tenant = randomUUID();
      const results = await Promise.all([events.putEvent(event(tenant, 1), LATER, 'k'), other.putEvent(event(tenant, 2), LATER, 'k')]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await events.listEvents(tenant, { limit: 10 }, NOW)).events).toHaveLength(1);
      expect(await events.putEvent(event(tenant, 3), LATER, 'another')).toBe(true);
    });

    it('erases the events naming a user with their attempts and once keys, keeps the user.erased receipt, within the budget', async () => {
      const { events, other } = make();
      const tenant = randomUUID();
      const named = (i: number, userId: string, type: StoredEvent['type'] = 'connection.created') => ({ ...event(tenant, i, type), data: { user_id: userId } });
      const alice = [named(1, 'alice'), named(2, 'alice', 'job.failed'), named(3, 'alice', 'connection.revoked')];
      const kept = [named(4, 'alice', 'user.erased'), named(5, 'bob'), named(6, 'alicia')];
      for (const e of [...alice, ...kept]) await events.putEvent(e, LATER, e.id === alice[2]!.id ? 'revoked-alice' : undefined);
      const elsewhere = { ...named(7, 'alice'), tenantId: randomUUID() };
      await events.putEvent(elsewhere, LATER);
      await events.putAttempt(
        tenant,
        { eventId: alice[0]!.id, endpointId: 'ep', attempt: 1, atMs: NOW, status: 500, latencyMs: 3, outcome: 'retrying' },
        LATER,
      );
      await events.putAttempt(
        tenant,
        { eventId: kept[1]!.id, endpointId: 'ep', attempt: 1, atMs: NOW, status: 200, latencyMs: 3, outcome: 'delivered' },
        LATER,
      );

      // Out of time before anything: nothing deleted, not done.
      expect(await events.eraseUser(tenant, 'alice', { exhausted: () => true })).toEqual({ deleted: { events: 0 }, done: false });
      // Time for one deletion, then two containers finish it at once: each event counted once.
      let checks = 0;
      const first = await events.eraseUser(tenant, 'alice', { exhausted: () => checks++ > 1 });
      expect(first.done).toBe(false);
      const always = { exhausted: () => false };
      const [a, b] = await Promise.all([events.eraseUser(tenant, 'alice', always), other.eraseUser(tenant, 'alice', always)]);
      expect(a.done && b.done).toBe(true);
      expect((first.deleted['events'] ?? 0) + (a.deleted['events'] ?? 0) + (b.deleted['events'] ?? 0)).toBe(3);

      expect((await events.listEvents(tenant, { limit: 10 }, NOW)).events).toEqual(kept);
      expect(await events.listAttempts(tenant, alice[0]!.id, 10, NOW)).toEqual([]);
      expect(await events.listAttempts(tenant, kept[1]!.id, 10, NOW)).toHaveLength(1);
      expect(await events.getEvent(elsewhere.tenantId, elsewhere.id, NOW)).toEqual(elsewhere);
      // The once key went with its event.
      expect(await events.putEvent(named(8, 'alice', 'connection.revoked'), LATER, 'revoked-alice')).toBe(true);
      expect(await events.eraseUser(tenant, 'alice', always)).toEqual({ deleted: { events: 1 }, done: true });
    });

    it('lists attempts newest first, bounded', async () => {
      const { events } = make();
      const tenant = randomUUID();
      const e = event(tenant, 1);
      for (let i = 1; i <= 4; i++) {
        await events.putAttempt(
          tenant,
          { eventId: e.id, endpointId: 'ep', attempt: i, atMs: NOW + i * 1000, status: 500, latencyMs: 3, outcome: 'retrying' },
          LATER,
        );
      }
      const attempts = await events.listAttempts(tenant, e.id, 3, NOW);
      expect(attempts.map((a) => a.attempt)).toEqual([4, 3, 2]);
      expect(attempts[0]).toEqual({
        eventId: e.id,
        endpointId: 'ep',
        attempt: 4,
        atMs: NOW + 4000,
        status: 500,
        latencyMs: 3,
        error: undefined,
        outcome: 'retrying',
      });
    });

    it('keeps a tenant within its endpoint bound when two containers add at once, and frees a place on delete', async () => {
      const { events, other } = make();
      const tenant = randomUUID();
      const endpoint = () => ({ id: newEndpointId(), tenantId: tenant, url: 'https://hooks.example.com/', createdAtMs: NOW });
      const added = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? events : other).createEndpoint(endpoint(), 5)));
      expect(added.filter(Boolean)).toHaveLength(5);
      const listed = await events.listEndpoints(tenant);
      expect(listed).toHaveLength(5);
      expect(await events.listEndpoints(randomUUID())).toEqual([]);
      expect(await events.deleteEndpoint(tenant, listed[0]!.id)).toBe(true);
      expect(await events.deleteEndpoint(tenant, listed[0]!.id)).toBe(false);
      expect(await other.createEndpoint(endpoint(), 5)).toBe(true);
      expect(await other.createEndpoint(endpoint(), 5)).toBe(false);
    });

    it('marks an endpoint failing, disables it after the set time, and a success clears both', async () => {
      const { events } = make();
      const tenant = randomUUID();
      const id = newEndpointId();
      await events.createEndpoint({ id, tenantId: tenant, url: 'https://hooks.example.com/', types: ['job.failed'], createdAtMs: NOW }, 10);
      expect(await events.recordOutcome(tenant, id, false, NOW, 3 * DAY)).toMatchObject({
        failingSinceMs: NOW,
        disabledAtMs: undefined,
        types: ['job.failed'],
      });
      expect(await events.recordOutcome(tenant, id, false, NOW + DAY, 3 * DAY)).toMatchObject({ failingSinceMs: NOW, disabledAtMs: undefined });
      expect(await events.recordOutcome(tenant, id, false, NOW + 3 * DAY, 3 * DAY)).toMatchObject({ failingSinceMs: NOW, disabledAtMs: NOW + 3 * DAY });
      expect(await events.recordOutcome(tenant, id, true, NOW + 4 * DAY, 3 * DAY)).toMatchObject({ failingSinceMs: undefined, disabledAtMs: undefined });
      expect(await events.recordOutcome(tenant, newEndpointId(), true, NOW, 3 * DAY)).toBeUndefined();
    });

    it('rotates a secret keeping the previous one, and deletes it', async () => {
      const { secrets } = make();
      const tenant = randomUUID();
      await secrets.put(tenant, 'ep_1', 'whsec_one');
      await secrets.rotate(tenant, 'ep_1', 'whsec_two', NOW + DAY);
      expect(await secrets.read(tenant, 'ep_1')).toEqual({ current: 'whsec_two', previous: 'whsec_one', previousUntilMs: NOW + DAY });
      await secrets.rotate(tenant, 'ep_missing', 'whsec_x', NOW);
      expect(await secrets.read(tenant, 'ep_missing')).toBeUndefined();
      await secrets.delete(tenant, 'ep_1');
      expect(await secrets.read(tenant, 'ep_1')).toBeUndefined();
    });
  });
}

const memory = { events: new MemoryEventStore(), secrets: new MemoryEndpointSecretStore() };
eventsContract('memory', () => ({ events: memory.events, other: memory.events, secrets: memory.secrets }));

describe('on DynamoDB (moto)', () => {
  let stores: Stores | undefined;
  let client: DynamoDBClient;
  beforeAll(async () => {
    useMoto();
    client = new DynamoDBClient({});
    const tables = { connections: uniqueName('connections'), cache: uniqueName('cache'), endpointSecrets: uniqueName('secrets') };
    await ensureTables(client, tables);
    // Two document clients (two containers) over one connection: moto's threaded server does not
    // serialise conditional writes the way DynamoDB does (test/support/serial-dynamo.ts).
    const serial = new DynamoDBClient({ requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 1 }) }) });
    const [a, b] = [await createDocumentClient(serial), await createDocumentClient(serial)];
    stores = {
      events: new DynamoEventStore(a, tables.connections),
      other: new DynamoEventStore(b, tables.connections),
      secrets: new DynamoEndpointSecretStore(a, tables.endpointSecrets),
    };
  });
  afterAll(() => client?.destroy());
  eventsContract('DynamoDB', () => stores!);
});
