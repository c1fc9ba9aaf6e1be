/**
 * Fair share of an app-wide window between tenants (issue 20 §2), over HTTP against the WHOOP
 * simulator (100 reads a minute for the whole app) on one injected clock: one user reading
 * with cache=bypass gets the window above its reserve, never the reserve itself, and a user of
 * another tenant is still served from it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectScheduled, startClient, type Client } from '../support/provider-flow';

// Five seconds into a minute: the whole test runs inside one WHOOP minute window.
let clock = Date.UTC(2026, 11, 7, 10, 2, 5);

describe('fair share of an app-wide window', () => {
  let heavy: Client;
  let other: Client['api'];

  const whoopReads = async () =>
    ((await (await heavy.control('whoop', 'requests', undefined, 'GET')).json()) as { method: string; path: string }[]).filter(
      (r) => r.method === 'GET' && r.path.startsWith('/developer/'),
    ).length;
  let whoop429s = 0;
  const countingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (response.status === 429 && String(input instanceof Request ? input.url : input).includes('/sim/whoop/')) whoop429s++;
    return response;
  };

  beforeAll(async () => {
    // cache=bypass on every call of the heavy user (the client's default policy).
    heavy = await startClient(
      { container: { deps: { now: () => clock, fetch: countingFetch }, sleep: async (ms) => void (clock += ms) } },
      'heavy',
      'tenant-a',
    );
    expect((await heavy.connect('whoop')).status).toBe(200);
    const token = await heavy.server.issueToken('reader', 'tenant-b');
    other = (path, init = {}) =>
      fetch(`${heavy.server.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'cache-control': 'no-store', ...init.headers } });
    const connect = await (await other('/connect/whoop')).json();
    const consent = await fetch(connect.authorization_url, { redirect: 'manual' });
    expect((await fetch(consent.headers.get('location')!, { redirect: 'manual' })).status).toBe(200);
    await heavy.control('whoop', 'requests', undefined, 'DELETE');
    // Connecting read WHOOP profiles: start from a fresh minute.
    clock += 60_000;
  });
  afterAll(() => heavy?.server.close());

  it('keeps the last quarter of the window from a user reading with cache=bypass, and serves another tenant from it', async () => {
    let served = 0;
    let queued: { job_id: string; retry_after: number } | undefined;
    for (let i = 0; i < 100 && !queued; i++) {
      const res = await heavy.api('/activities?provider=whoop&limit=1');
      if (res.status === 200) served++;
      else queued = await expectScheduled(res);
    }
    // A lone user gets everything above the reserve (25 % of 100), not the reserve.
    expect(served).toBe(75);
    expect(queued!.retry_after).toBeLessThanOrEqual(55);
    // cache=refresh spends the caller's own share like any read.
    await expectScheduled(await heavy.api('/activities?provider=whoop&limit=1&cache=refresh'));

    // A user of another tenant is served from the reserve, up to its share (10 % of 100).
    const answers: number[] = [];
    for (let i = 0; i < 11; i++) answers.push((await other('/activities?provider=whoop&limit=1')).status);
    expect(answers).toEqual([...Array<number>(10).fill(200), 202]);

    // One WHOOP read per answer served, and WHOOP never had to refuse one.
    expect(await whoopReads()).toBe(85);
    expect(whoop429s).toBe(0);
  });
});
