/**
 * Events to the customer's application, through the local server on memory stores: endpoints
 * managed by admins, deliveries verified by a receiver with the `standardwebhooks` package,
 * retries drained on the injected clock (no waiting), resend, rotation, disabling, isolation.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { drainMemoryDeliveries } from '../../shared/app/deliveries';
import { MemoryJobQueue } from '../../shared/queue/memory';
import { startClient, type Client } from '../support/provider-flow';
import { FakeClock } from '../support/fake-clock';
import { startReceiver, type Receiver } from '../support/webhook-receiver';

describe('events to the customer application', () => {
  const clock = new FakeClock(Date.parse('2026-12-07T10:00:00Z'));
  const deliveries = new MemoryJobQueue({ now: clock.now });
  let client: Client;
  let receiver: Receiver;
  let adminA: string;
  let adminB: string;

  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${client.server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as any };
  };

  /** Runs the delivery worker until the queue is empty, moving the clock to each delayed message. */
  const drain = async () => {
    for (let i = 0; i < 2000; i++) {
      await drainMemoryDeliveries(client.server.container, deliveries);
      const next = deliveries.nextVisibleAt();
      if (next === undefined) return;
      if (next > clock.ms) clock.ms = next;
    }
    throw new Error('the delivery queue did not empty');
  };

  const addEndpoint = async (token: string, body: Record<string, unknown>) => {
    const res = await call(token, 'POST', '/admin/endpoints', body);
    expect(res.status).toBe(201);
    return res.json as { id: string; secret: string; url: string; types: string[] | null };
  };

  /** Publishes an event for tenant-1 by connecting Strava (the simulator's OAuth dance): connection.created. */
  const connectStrava = async () => {
    const res = await client.connect('strava');
    expect(res.status).toBe(200);
  };

  beforeAll(async () => {
    client = await startClient({ container: { deps: { now: clock.now }, sleep: clock.sleep, deliveryQueue: deliveries } }, 'user-1', 'tenant-1');
    adminA = await client.server.issueToken('boss', 'tenant-1', undefined, 'admin');
    adminB = await client.server.issueToken('boss', 'tenant-2', undefined, 'admin');
  });
  afterAll(async () => {
    await client?.server.close();
  });
  afterEach(async () => {
    for (const endpoint of (await call(adminA, 'GET', '/admin/endpoints')).json.endpoints) await call(adminA, 'DELETE', `/admin/endpoints/${endpoint.id}`);
    await drain();
    await receiver?.close();
    expect(receiver?.failures ?? []).toEqual([]);
  });

  const freshReceiver = async () => (receiver = await startReceiver(clock.now));

  it('refuses the endpoint and event routes to a token without the admin role (403)', async () => {
    await freshReceiver();
    for (const [method, path] of [
      ['POST', '/admin/endpoints'],
      ['GET', '/admin/endpoints'],
      ['GET', '/events'],
    ] as const) {
      const res = await call(client.token, method, path, method === 'POST' ? { url: receiver.url } : undefined);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.json.error.code).toBe('forbidden');
    }
  });

  it('delivers connection.created, signed, once, to an endpoint that wants it; shows the secret only when made', async () => {
    await freshReceiver();
    const endpoint = await addEndpoint(adminA, { url: receiver.url, types: ['connection.created'] });
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    receiver.secrets.push(endpoint.secret);
    expect(JSON.stringify((await call(adminA, 'GET', '/admin/endpoints')).json)).not.toContain(endpoint.secret);

    await connectStrava();
    await drain();
    expect(receiver.deliveries).toHaveLength(1);
    const [delivery] = receiver.deliveries;
    expect(delivery!.payload).toMatchObject({ type: 'connection.created', data: { user_id: 'user-1', provider: 'strava' } });
    const listed = await call(adminA, 'GET', '/events?type=connection.created');
    expect(listed.json.events.map((e: { id: string }) => e.id)).toContain(delivery!.id);
    const event = await call(adminA, 'GET', `/events/${delivery!.id}`);
    expect(event.json.attempts).toMatchObject([{ endpoint_id: endpoint.id, attempt: 1, status: 200, outcome: 'delivered', error: null }]);
  });

  it('retries a 500 with backoff until a 200 (4 deliveries, one webhook-id), and a 410 only once', async () => {
    await freshReceiver();
    const retried = await addEndpoint(adminA, { url: receiver.url });
    receiver.secrets.push(retried.secret);
    receiver.script(500, 500, 500, 200);
    const started = clock.ms;
    await connectStrava();
    await drain();
    expect(receiver.deliveries.map((d) => d.answered)).toEqual([500, 500, 500, 200]);
    expect(new Set(receiver.deliveries.map((d) => d.id)).size).toBe(1);
    // Exponential: each wait longer than the one before (30 s, 60 s, 120 s, with +-25 % jitter).
    const times = receiver.deliveries.map((d) => Number(d.timestamp) * 1000 - started);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(22_000);
    expect(gaps[2]).toBeGreaterThan(gaps[0]!);
    const attempts = (await call(adminA, 'GET', `/events/${receiver.deliveries[0]!.id}`)).json.attempts;
    expect(attempts.map((a: { outcome: string; status: number }) => [a.outcome, a.status])).toEqual([
      ['delivered', 200],
      ['retrying', 500],
      ['retrying', 500],
      ['retrying', 500],
    ]);
    await call(adminA, 'DELETE', `/admin/endpoints/${retried.id}`);

    const gone = await addEndpoint(adminA, { url: receiver.url });
    receiver.secrets.push(gone.secret);
    receiver.deliveries.length = 0;
    receiver.script(410);
    await connectStrava();
    await drain();
    expect(receiver.deliveries.map((d) => d.answered)).toEqual([410]);
    const attempt = (await call(adminA, 'GET', `/events/${receiver.deliveries[0]!.id}`)).json.attempts;
    expect(attempt).toMatchObject([{ outcome: 'failed', status: 410, error: 'answered HTTP 410' }]);
  });

  it('resends an event with the same webhook-id', async () => {
    await freshReceiver();
    const endpoint = await addEndpoint(adminA, { url: receiver.url });
    receiver.secrets.push(endpoint.secret);
    await connectStrava();
    await drain();
    const id = receiver.deliveries[0]!.id;
    const resent = await call(adminA, 'POST', `/events/${id}/resend`);
    expect(resent.status).toBe(202);
    expect(resent.json.endpoints).toEqual([endpoint.id]);
    clock.ms += 60_000;
    await drain();
    expect(receiver.deliveries.map((d) => d.id)).toEqual([id, id]);
    expect(receiver.deliveries[1]!.body).toBe(receiver.deliveries[0]!.body);
  });

  it('signs with both secrets during a rotation, then with the new one alone', async () => {
    await freshReceiver();
    const endpoint = await addEndpoint(adminA, { url: receiver.url });
    const rotated = await call(adminA, 'POST', `/admin/endpoints/${endpoint.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.json.secret).not.toBe(endpoint.secret);
    receiver.secrets.push(endpoint.secret, rotated.json.secret);
    await connectStrava();
    await drain();
    expect(receiver.deliveries[0]!.verifiedBy).toEqual([endpoint.secret, rotated.json.secret]);

    clock.ms = Date.parse(rotated.json.previous_valid_until) + 1;
    await connectStrava();
    await drain();
    expect(receiver.deliveries[1]!.verifiedBy).toEqual([rotated.json.secret]);
  });

  it('disables an endpoint that failed for 3 days, says so in GET /events, and a successful resend enables it', async () => {
    await freshReceiver();
    const endpoint = await addEndpoint(adminA, { url: receiver.url });
    receiver.secrets.push(endpoint.secret);
    receiver.script(...Array.from({ length: 100 }, () => 503));
    await connectStrava();
    await drain();
    const failed = receiver.deliveries.length;
    expect(failed).toBeGreaterThan(8);
    const listed = await call(adminA, 'GET', '/events');
    expect(listed.json.disabled_endpoints).toMatchObject([{ id: endpoint.id }]);
    expect(listed.json.disabled_endpoints[0].disabled_at).not.toBeNull();

    // Disabled: a new event is not sent to it.
    await connectStrava();
    await drain();
    expect(receiver.deliveries).toHaveLength(failed);

    receiver.script(); // the receiver is fixed: 200 from now on
    const id = listed.json.events.at(-1).id;
    await call(adminA, 'POST', `/events/${id}/resend`);
    await drain();
    expect(receiver.deliveries.at(-1)!.answered).toBe(200);
    expect((await call(adminA, 'GET', '/events')).json.disabled_endpoints).toEqual([]);
  });

  it("keeps each tenant's endpoints and events to its own admins", async () => {
    await freshReceiver();
    const endpoint = await addEndpoint(adminA, { url: receiver.url });
    receiver.secrets.push(endpoint.secret);
    await connectStrava();
    await drain();
    const id = receiver.deliveries[0]!.id;
    expect((await call(adminB, 'GET', '/admin/endpoints')).json.endpoints).toEqual([]);
    expect((await call(adminB, 'DELETE', `/admin/endpoints/${endpoint.id}`)).status).toBe(404);
    expect((await call(adminB, 'POST', `/admin/endpoints/${endpoint.id}/rotate-secret`)).status).toBe(404);
    expect((await call(adminB, 'GET', `/events/${id}`)).status).toBe(404);
    expect((await call(adminB, 'POST', `/events/${id}/resend`)).status).toBe(404);
    expect((await call(adminB, 'GET', '/events')).json.events).toEqual([]);
    expect((await call(adminA, 'GET', '/admin/endpoints')).json.endpoints).toHaveLength(1);
  });

  it('pages events by cursor and bounds the page; refuses bad input with 400', async () => {
    await freshReceiver();
    for (let i = 0; i < 3; i++) {
      clock.ms += 1000;
      await connectStrava();
    }
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 50; page++) {
      const res: { json: { events: { id: string }[]; next: string | null } } = await call(adminA, 'GET', `/events?limit=2${after ? `&after=${after}` : ''}`);
      expect(res.json.events.length).toBeLessThanOrEqual(2);
      seen.push(...res.json.events.map((e) => e.id));
      after = res.json.next;
      if (!after) break;
    }
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    for (const query of ['limit=1000', 'limit=0', 'type=nope', 'after=123']) {
      const res = await call(adminA, 'GET', `/events?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.json.error.code).toBe('invalid_request');
    }
    expect((await call(adminA, 'POST', '/admin/endpoints', { url: 'http://example.com/hooks' })).status).toBe(400);
    expect((await call(adminA, 'POST', '/admin/endpoints', { url: receiver.url, types: ['nope'] })).status).toBe(400);
    expect((await call(adminA, 'GET', '/events/evt_nope')).status).toBe(400);
  });

  it('bounds the endpoints of a tenant', async () => {
    await freshReceiver();
    for (let i = 0; i < 10; i++) await addEndpoint(adminA, { url: `${receiver.url}/${i}` });
    const refused = await call(adminA, 'POST', '/admin/endpoints', { url: receiver.url });
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('too_many_endpoints');
  });
});
