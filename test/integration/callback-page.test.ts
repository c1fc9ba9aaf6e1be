/**
 * Where a connection ends for a person: a browser (Accept: text/html) gets a page that says in
 * words what happened and to go back to the assistant, under a CSP with no script; an API client
 * asking for JSON gets the JSON; `return_to` still sends the browser back to the app.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClient, type Client } from '../support/provider-flow';

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('the OAuth callback for browsers and for API clients', () => {
  let client: Client;

  beforeAll(async () => {
    client = await startClient({}, 'user-cb', 'tenant-cb');
  });
  afterAll(() => client.server.close());

  const open = (url: string, accept: string) => fetch(url, { redirect: 'manual', headers: { accept } });
  const wordsOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

  it('shows a browser that the provider is connected, and to go back to the assistant', async () => {
    const { callbackUrl } = await client.authorize('strava');
    const res = await open(callbackUrl, BROWSER);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await res.text();
    expect(html).not.toContain('<script');
    expect(wordsOf(html)).toContain('Connected to Strava');
    expect(wordsOf(html)).toContain('go back to your assistant');
    expect((await (await client.api('/connections')).json()).providers.strava.status).toBe('connected');
  });

  it('still answers JSON to a client that asks for JSON', async () => {
    const { callbackUrl } = await client.authorize('strava');
    const res = await open(callbackUrl, 'application/json');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ provider: 'strava', connected: true });
  });

  it('says a link is expired when it was already used, with the error status', async () => {
    const { callbackUrl } = await client.authorize('strava');
    expect((await open(callbackUrl, 'application/json')).status).toBe(200);
    const replay = await open(callbackUrl, BROWSER);
    expect(replay.status).toBe(400);
    expect(wordsOf(await replay.text())).toContain('This connection link has expired or was already used, so Strava was not connected.');
    const json = await open(callbackUrl, 'application/json');
    expect((await json.json()).error.code).toBe('invalid_state');
  });

  it('says a refusal at the provider was a refusal', async () => {
    const { callbackUrl } = await client.authorize('strava');
    const refused = new URL(callbackUrl);
    refused.searchParams.delete('code');
    refused.searchParams.set('error', 'access_denied');
    const res = await open(refused.toString(), BROWSER);
    expect(res.status).toBe(400);
    expect(wordsOf(await res.text())).toContain('The authorization at Strava was refused, so nothing was connected.');
  });

  it('sends the browser back to return_to when the connection was started with one', async () => {
    const { callbackUrl } = await client.authorize('strava', `?return_to=${encodeURIComponent(`${client.server.url}/`)}`);
    const res = await open(callbackUrl, BROWSER);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${client.server.url}/?provider=strava&status=connected`);
  });
});
