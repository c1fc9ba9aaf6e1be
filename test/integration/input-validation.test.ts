/**
 * Bad input gets a 400 naming the field (impossible dates, huge numbers, array parameters, a
 * callback without a code), and every callback failure goes back to return_to when one was given.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClient, type Client } from '../support/provider-flow';

async function errorOf(res: Response) {
  expect(res.status).toBe(400);
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

describe('input validation', () => {
  let client: Client;
  let brokenTokenEndpoint: Server;

  beforeAll(async () => {
    // A token endpoint that fails like a provider outage: 503 to every exchange.
    brokenTokenEndpoint = createServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{"message":"down"}');
    });
    await new Promise<void>((resolve) => brokenTokenEndpoint.listen(0, '127.0.0.1', resolve));
    const { port } = brokenTokenEndpoint.address() as AddressInfo;
    client = await startClient(
      { env: { PIERRE_ALLOWED_RETURN_ORIGINS: 'https://app.example.com', PIERRE_WHOOP_TOKEN_URL: `http://127.0.0.1:${port}/token` } },
      'input-user',
      'tenant-i',
    );
    expect((await client.connect('strava')).status).toBe(200);
  });
  afterAll(async () => {
    await client.server.close();
    brokenTokenEndpoint.close();
  });

  it.each([
    ['/activities?before=2026-02-30', 'before', 'real ISO-8601'],
    ['/activities?after=2026-13-01', 'after', 'real ISO-8601'],
    ['/activities?before=2026-11-25T24:00:00Z', 'before', 'real ISO-8601'],
    ['/sleep?start=2026-04-31', 'start', 'real ISO-8601'],
    [`/activities?limit=${'9'.repeat(25)}`, 'limit', 'whole number from 1 to 200'],
    [`/activities?offset=${'1'.repeat(25)}`, 'offset', 'whole number from 0 to 10000'],
    ['/activities?provider[]=strava', 'provider[]', 'array parameters are not supported'],
    ['/stats?provider[0]=strava', 'provider[0]', 'array parameters are not supported'],
  ])('%s answers 400 naming %s', async (path, field, problem) => {
    const error = await errorOf(await client.api(path));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain(`'${field}'`);
    expect(error.message).toContain(problem);
  });

  it('accepts real leap days and offsets', async () => {
    expect((await client.api('/activities?provider=strava&before=2028-02-29&after=2026-11-01T06:30:00%2B01:00')).status).toBe(200);
  });

  it('refuses a callback without code or error before consuming the state or calling the provider', async () => {
    const { callbackUrl } = await client.authorize('strava');
    const callback = new URL(callbackUrl);
    await client.control('strava', 'requests', undefined, 'DELETE');
    const stray = new URL(callback);
    stray.searchParams.delete('code');
    const error = await errorOf(await fetch(stray));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain("'code'");
    expect(await (await client.control('strava', 'requests', undefined, 'GET')).json()).toEqual([]);
    // The state survived: the real callback still completes.
    expect((await fetch(callback)).status).toBe(200);
  });

  it('sends the browser back to return_to when the code exchange fails at the provider', async () => {
    const { callbackUrl } = await client.authorize('whoop', `?return_to=${encodeURIComponent('https://app.example.com/done')}`);
    const answer = await fetch(callbackUrl, { redirect: 'manual' });
    expect(answer.status).toBe(302);
    const location = new URL(answer.headers.get('location')!);
    expect(location.origin).toBe('https://app.example.com');
    expect(location.searchParams.get('status')).toBe('error');
    expect(location.searchParams.get('error')).toBe('provider_error');
  });
});
