/** GET /activities?provider=all over HTTP: every connected provider, merged, partial failures reported. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClient, type Client } from '../support/provider-flow';

describe('activities of all connected providers', () => {
  let client: Client;

  beforeAll(async () => {
    client = await startClient({}, 'merge-user', 'tenant-m');
    for (const provider of ['strava', 'whoop']) expect((await client.connect(provider)).status).toBe(200);
  });
  afterAll(() => client.server.close());

  it('merges the default provider and every connected one, newest first', async () => {
    const res = await client.api('/activities?provider=all&limit=40');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.provider).toBe('all');
    expect(Object.keys(body.sources).sort()).toEqual(['strava', 'synthetic', 'whoop']);
    for (const source of Object.values(body.sources)) expect(source).toMatchObject({ status: 'ok' });
    expect(body.activities).toHaveLength(40);
    const starts = body.activities.map((a: { start_date: string }) => Date.parse(a.start_date));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    expect(new Set(body.activities.map((a: { provider: string }) => a.provider)).size).toBeGreaterThan(1);
  });

  it('pages through the merged list with offset', async () => {
    const all = (await (await client.api('/activities?provider=all&limit=20')).json()).activities;
    const second = (await (await client.api('/activities?provider=all&limit=10&offset=10')).json()).activities;
    expect(second).toEqual(all.slice(10, 20));
  });

  it('answers with the others when one provider fails, and says which', async () => {
    // More faults than the 1 + 3 attempts a transient failure gets.
    await client.control('strava', 'faults', { kind: 'status', status: 503, count: 4 });
    const res = await client.api('/activities?provider=all&limit=5');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.sources.strava).toMatchObject({ status: 'error', code: 'provider_error' });
    expect(body.sources.whoop).toMatchObject({ status: 'ok' });
    expect(body.activities.every((a: { provider: string }) => a.provider !== 'strava')).toBe(true);
  });
});
