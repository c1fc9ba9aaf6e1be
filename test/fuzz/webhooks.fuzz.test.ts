/**
 * Property tests over the public webhook routes: deliveries of every provider's shape with
 * many entries (thousands of users, repeated ones, strange ids, forged lifecycle events,
 * broken JSON). Whatever arrives, the answer is never a 5xx, comes within a bound, refusals
 * are `{"error":{"code","message"}}`, and no unauthenticated delivery revokes a connection.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName, useMoto } from '../support/aws';
import { rawRequest } from '../support/raw-http';
import { startClient, type Client } from '../support/provider-flow';

const TENANT = 'tenant-wf';
const USER = 'webhook-fuzz-user';
const PROVIDERS = ['garmin', 'strava', 'whoop', 'terra', 'coros', 'fitbit'] as const;
/** Far below Garmin's 30 s and the function's 10 s, on moto and a busy machine. */
const ANSWER_BOUND_MS = 5_000;

describe('fuzzing the webhook routes with many entries', () => {
  let client: Client;
  const known: Record<string, string> = {};

  beforeAll(async () => {
    const endpoint = useMoto();
    const tables = { PIERRE_CONNECTIONS_TABLE: uniqueName('conn'), PIERRE_CACHE_TABLE: uniqueName('cache') };
    const tokenKeys = JSON.stringify([{ id: 'k1', key: randomBytes(32).toString('base64') }]);
    // On DynamoDB (moto): what a delivery costs there is what bounds its time.
    client = await startClient({ env: { AWS_ENDPOINT_URL: endpoint, ...tables, PIERRE_TOKEN_KEYS: tokenKeys } }, USER, TENANT);
    for (const provider of ['garmin', 'strava']) {
      expect((await client.connect(provider)).status).toBe(200);
      known[provider] = (await client.server.container.connections.get({ tenantId: TENANT, userId: USER, provider }))!.providerUserId!;
    }
  });
  afterAll(() => client?.server.close());

  const userId = fc.oneof(
    { arbitrary: fc.constantFrom('garmin', 'strava').map((p) => ({ known: p })), weight: 3 },
    fc.string({ maxLength: 12 }),
    fc.constantFrom('', 'x'.repeat(300), 'ü'.repeat(2_000), '0', '-1', '__proto__', 'constructor'),
    fc.integer(),
    fc.constant(null),
  );
  const resolve = (id: unknown): unknown => (typeof id === 'object' && id !== null && 'known' in id ? known[(id as { known: string }).known] : id);
  /** `count` entries cycling through a few ids: many entries, few or many distinct users. */
  const entries = fc
    .record({ count: fc.integer({ min: 0, max: 6_000 }), ids: fc.array(userId, { minLength: 1, maxLength: 8 }), distinct: fc.boolean(), ping: fc.boolean() })
    .map(({ count, ids, distinct, ping }) =>
      Array.from({ length: count }, (_, i) => {
        const base = resolve(ids[i % ids.length]);
        const id = distinct && typeof base === 'string' ? `${base}-${i}` : base;
        return ping ? { userId: id, callbackURL: `${client.server.url}/sim/garmin/wellness-api/rest/activities?i=${i}` } : { userId: id, summaryId: `s${i}` };
      }),
    );
  const garminBody = fc
    .array(fc.tuple(fc.constantFrom('activities', 'sleeps', 'dailies', 'deregistrations', 'userPermissionsChange', 'bodyComps', 'unknownType'), entries), {
      minLength: 1,
      maxLength: 3,
    })
    .map((pairs) =>
      Object.fromEntries(pairs.map(([key, list]) => [key, key === 'userPermissionsChange' ? list.map((e) => ({ ...e, permissions: [] })) : list])),
    );
  const stravaBody = fc.record({
    object_type: fc.constantFrom('activity', 'athlete', 'club'),
    object_id: fc.oneof(fc.nat(), fc.constant(-1)),
    aspect_type: fc.constantFrom('create', 'update', 'delete'),
    updates: fc.constantFrom({}, { authorized: 'false' }, { title: 'x' }),
    owner_id: fc.oneof(
      fc.nat(),
      fc.constant('strava').map(() => Number(known['strava'])),
    ),
    subscription_id: fc.oneof(
      fc.nat({ max: 200_000 }),
      fc.constant('sub').map(() => Number(client.server.container.providerConfig('strava').settings['WEBHOOK_SUBSCRIPTION_ID'])),
    ),
    event_time: fc.nat(),
  });
  const fitbitBody = entries.map((list) => list.map((e) => ({ data: { healthUserId: e.userId, operation: 'UPSERT', dataType: 'exercise' } })));
  const body = fc.oneof(
    garminBody.map((b) => JSON.stringify(b)),
    stravaBody.map((b) => JSON.stringify(b)),
    fitbitBody.map((b) => JSON.stringify(b)),
    entries.map((list) => JSON.stringify({ sportDataList: list })),
    fc.json({ maxDepth: 3 }),
    fc.constantFrom('', '[', '{"activities":', 'null', '[]', '{}'),
  );
  /** Mostly each provider's own shape, sometimes another's or junk. */
  const shapeOf: Record<(typeof PROVIDERS)[number], fc.Arbitrary<string>> = {
    garmin: garminBody.map((b) => JSON.stringify(b)),
    strava: stravaBody.map((b) => JSON.stringify(b)),
    fitbit: fitbitBody.map((b) => JSON.stringify(b)),
    coros: entries.map((list) => JSON.stringify({ sportDataList: list })),
    whoop: body,
    terra: body,
  };
  const delivery = fc.record({
    provider: fc.constantFrom(...PROVIDERS),
    junk: fc.integer({ min: 0, max: 4 }),
    body,
    query: fc.constantFrom('', '?secret=guess', '?hub.mode=subscribe&hub.challenge=c&hub.verify_token=x'),
    headers: fc.constantFrom<Record<string, string>>({}, { authorization: 'Bearer guess' }, { client: 'x', secret: 'y' }, { 'terra-signature': 't=1,v1=00' }),
  });

  it("never answers 5xx, answers within bounds, refuses in the error shape, and never revokes on a stranger's word", async () => {
    await fc.assert(
      fc.asyncProperty(
        delivery.chain((d) => (d.junk === 0 ? fc.constant(d) : shapeOf[d.provider].map((own) => ({ ...d, body: own })))),
        async (d) => {
          const raw = Buffer.from(d.body);
          const started = Date.now();
          const answer = await rawRequest(client.server.url, {
            method: 'POST',
            path: `/webhooks/${d.provider}${d.query}`,
            headers: { 'content-type': 'application/json', 'content-length': String(raw.length), ...d.headers },
            body: raw,
          });
          const elapsed = Date.now() - started;
          const where = `${d.provider}${d.query} (${raw.length} bytes) -> ${answer.status} ${answer.body.slice(0, 200)}`;
          expect(answer.status, where).toBeLessThan(500);
          expect(elapsed, where).toBeLessThan(ANSWER_BOUND_MS);
          if (answer.status >= 400) {
            const parsed = JSON.parse(answer.body) as { error?: { code?: unknown; message?: unknown } };
            expect(typeof parsed.error?.code, where).toBe('string');
            expect(typeof parsed.error?.message, where).toBe('string');
          }
        },
      ),
      { numRuns: 100 },
    );
    const connections = await client.server.container.connections.listForUser(TENANT, USER);
    expect(connections.map((c) => [c.provider, c.status]).sort()).toEqual([
      ['garmin', 'connected'],
      ['strava', 'connected'],
    ]);
  });
});
