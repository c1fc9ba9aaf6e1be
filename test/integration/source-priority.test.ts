/**
 * Source priority over the local server on DynamoDB (moto): WHOOP and Garmin (simulators) and
 * the synthetic provider record the same nights and days; `provider=all` keeps one copy of each,
 * the one of the provider the tenant's order (set by an admin) or the user's override prefers,
 * naming the others in `also_from`, over REST and MCP alike.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName, useMoto } from '../support/aws';
import { startClient, type Client } from '../support/provider-flow';

const TENANT = 'tenant-priority';
type Sleep = { id: string; provider: string; start_date: string; end_date: string; also_from?: string[] };
type Day = { provider: string; date: string; also_from?: string[] };

/** Overlap of at least half the shorter session (docs/merging.md), computed here on its own. */
function overlapping(a: Sleep, b: Sleep): boolean {
  const [as, ae, bs, be] = [a.start_date, a.end_date, b.start_date, b.end_date].map(Date.parse) as [number, number, number, number];
  return Math.min(ae, be) - Math.max(as, bs) >= 0.5 * Math.min(ae - as, be - bs);
}

describe('source priority of merged answers', () => {
  let client: Client;
  let admin: string;
  const json = (body: unknown, token?: string) => ({
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const get = async (path: string) => {
    const res = await client.api(path);
    expect(res.status, path).toBe(200);
    return res.json();
  };
  const single: Record<string, Sleep[]> = {};
  const days: Record<string, Day[]> = {};

  beforeAll(async () => {
    const endpoint = useMoto();
    const tokenKeys = JSON.stringify([{ id: 'k1', key: randomBytes(32).toString('base64') }]);
    client = await startClient(
      {
        env: {
          AWS_ENDPOINT_URL: endpoint,
          PIERRE_CONNECTIONS_TABLE: uniqueName('conn'),
          PIERRE_CACHE_TABLE: uniqueName('cache'),
          PIERRE_TOKEN_KEYS: tokenKeys,
        },
      },
      'priority-user',
      TENANT,
      { cache: 'use' },
    );
    admin = await client.server.issueToken('priority-admin', TENANT, undefined, 'admin');
    for (const provider of ['whoop', 'garmin']) expect((await client.connect(provider)).status).toBe(200);
    for (const provider of ['whoop', 'garmin', 'synthetic']) {
      single[provider] = (await get(`/sleep?provider=${provider}`)).sleep_sessions;
      days[provider] = (await get(`/recovery?provider=${provider}`)).recovery;
    }
  }, 60_000);
  afterAll(() => client?.server.close());

  /** Nights WHOOP and Garmin both recorded: [whoop copy, garmin copy]. */
  function sharedNights(): [Sleep, Sleep][] {
    return single['whoop']!.flatMap((w) => single['garmin']!.filter((g) => overlapping(w, g)).map((g) => [w, g] as [Sleep, Sleep]));
  }

  it('keeps the preferred copy of a night both providers recorded, in the tenant order, then in the user override', async () => {
    const shared = sharedNights();
    expect(shared.length, 'the simulators record some of the same nights').toBeGreaterThan(0);
    const total = Object.values(single).reduce((n, list) => n + list.length, 0);

    const set = await client.api('/admin/sources', json({ sleep: ['garmin', 'whoop', 'synthetic'] }, admin));
    expect(set.status).toBe(200);
    let merged: Sleep[] = (await get('/sleep?provider=all')).sleep_sessions;
    for (const [w, g] of shared) {
      expect(merged.some((s) => s.provider === 'whoop' && s.id === w.id)).toBe(false);
      const kept = merged.find((s) => s.provider === 'garmin' && s.id === g.id)!;
      expect(kept.also_from).toContain('whoop');
    }
    // Nothing is lost: every record is kept or named by the copy it was merged into.
    const named = merged.reduce((n, s) => n + 1 + s.also_from!.length, 0);
    expect(named).toBeLessThanOrEqual(total);
    expect(merged.length).toBeLessThan(total);

    // The user's override wins over the tenant's order, for this resource only.
    const own = await client.api('/settings/sources', json({ sleep: ['whoop'] }));
    expect(own.status).toBe(200);
    expect((await own.json()).effective).toMatchObject({
      sleep: { order: ['whoop'], from: 'user' },
      activities: { order: [], from: 'none' },
      recovery: { order: [], from: 'none' },
    });
    merged = (await get('/sleep?provider=all')).sleep_sessions;
    for (const [w, g] of shared) {
      expect(merged.some((s) => s.provider === 'garmin' && s.id === g.id)).toBe(false);
      expect(merged.find((s) => s.provider === 'whoop' && s.id === w.id)!.also_from).toContain('garmin');
    }

    // MCP's provider=all follows the same order.
    const mcp = await client.api('/mcp', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_sleep_sessions', arguments: { provider: 'all' } } }),
    });
    const viaMcp: Sleep[] = (await mcp.json()).result.structuredContent.sleep_sessions;
    expect(viaMcp).toEqual(merged);

    // Removing the override brings the tenant's order back.
    expect((await client.api('/settings/sources', json({}))).status).toBe(200);
    merged = (await get('/sleep?provider=all')).sleep_sessions;
    for (const [, g] of shared) expect(merged.some((s) => s.provider === 'garmin' && s.id === g.id)).toBe(true);
  });

  it('merges recovery by day: one day per date, from the preferred provider, naming the others', async () => {
    expect((await client.api('/settings/sources', json({ recovery: ['whoop', 'garmin'] }))).status).toBe(200);
    const merged: Day[] = (await get('/recovery?provider=all')).recovery;
    const dates = merged.map((d) => d.date);
    expect(new Set(dates).size).toBe(dates.length);
    for (const w of days['whoop']!) {
      const kept = merged.find((d) => d.date === w.date)!;
      expect(kept.provider).toBe('whoop');
      const others = ['garmin', 'synthetic'].filter((p) => days[p]!.some((d) => d.date === w.date));
      expect(kept.also_from).toEqual(others);
    }
  });

  it("stores the tenant's order per tenant: another tenant's user does not follow it", async () => {
    const stranger = await client.server.issueToken('priority-user', 'tenant-other');
    const res = await fetch(`${client.server.url}/settings/sources`, { headers: { authorization: `Bearer ${stranger}` } });
    expect(await res.json()).toEqual({
      tenant: {},
      user: {},
      effective: { activities: { order: [], from: 'none' }, sleep: { order: [], from: 'none' }, recovery: { order: [], from: 'none' } },
    });
    const tenant = await fetch(`${client.server.url}/admin/sources`, { headers: { authorization: `Bearer ${admin}` } });
    expect(await tenant.json()).toEqual({ tenant: { sleep: ['garmin', 'whoop', 'synthetic'] } });
  });

  it('refuses non-admins on the tenant route, and bad orders with a 400 naming the field', async () => {
    const forbidden = await client.api('/admin/sources', json({ sleep: ['whoop'] }));
    expect(forbidden.status).toBe(403);
    expect((await forbidden.json()).error.code).toBe('forbidden');
    const cases: [unknown, string][] = [
      [{ sleep: ['whoop', 'nosuch'] }, "'sleep.1'"],
      [{ sleep: ['whoop', 'whoop'] }, "'sleep'"],
      [{ steps: ['whoop'] }, "'"],
      [{ sleep: 'whoop' }, "'sleep'"],
      [{ activities: Array.from({ length: 33 }, (_, i) => `p${i}`) }, "'activities'"],
      ['{not json', "'body'"],
      [[], "'"],
    ];
    for (const [body, field] of cases) {
      const res = await client.api('/settings/sources', json(body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      const error = (await res.json()).error;
      expect(error.code).toBe('invalid_request');
      expect(error.message).toContain(field);
    }
    // A refused change leaves the stored order as it was.
    expect((await get('/settings/sources')).user).toEqual({ recovery: ['whoop', 'garmin'] });
  });
});
