/**
 * The local server's HTTP layer behaves like API Gateway in front of the stack: malformed
 * paths, oversize bodies, URLs and headers get JSON errors (never a 500 or a reset), HEAD
 * is not routed, and CORS preflights are answered as the stack configures them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORS } from '../../functions/routes';
import { startLocalServer, type LocalServer } from '../../local/app';
import { rawRequest, type RawAnswer, type RawRequest } from '../support/raw-http';

const raw = (server: LocalServer, options: RawRequest) => rawRequest(server.url, options);

function errorCode(answer: RawAnswer): string {
  expect(answer.headers['content-type']).toMatch(/application\/json/);
  const parsed = JSON.parse(answer.body) as { error: { code: string; message: string } };
  expect(typeof parsed.error.message).toBe('string');
  return parsed.error.code;
}

describe('local server HTTP layer', () => {
  let server: LocalServer;
  let auth: Record<string, string>;

  beforeAll(async () => {
    server = await startLocalServer({ simulators: false });
    auth = { authorization: `Bearer ${await server.issueToken('http-user', 'tenant-h')}` };
  });
  afterAll(() => server.close());

  it.each([
    ['GET', '/activities/%00/%ff'],
    ['GET', '/connect/%ff'],
    ['GET', '/callback/%ff'],
    ['DELETE', '/connections/%ff'],
  ])('answers %s %s (malformed percent-encoding) with 400 JSON', async (method, path) => {
    const answer = await raw(server, { method, path, headers: auth });
    expect(answer.status).toBe(400);
    expect(errorCode(answer)).toBe('invalid_request');
  });

  it('answers a well-encoded but unknown provider with the registry 404', async () => {
    const answer = await raw(server, { path: '/connect/%00', headers: auth });
    expect(answer.status).toBe(404);
    expect(errorCode(answer)).toBe('unsupported_provider');
  });

  it('answers a body over the gateway limit with 413 JSON instead of a reset', async () => {
    const body = Buffer.alloc(11 * 1024 * 1024, 'a');
    const answer = await raw(server, { path: '/health', body, headers: { 'content-type': 'text/plain', 'content-length': String(body.length) } });
    expect(answer.status).toBe(413);
    expect(errorCode(answer)).toBe('payload_too_large');
  });

  it('answers an oversize URL with 414 JSON', async () => {
    const answer = await raw(server, { path: `/activities?x=${'a'.repeat(9000)}`, headers: auth });
    expect(answer.status).toBe(414);
    expect(errorCode(answer)).toBe('uri_too_long');
  });

  it.each([11_000, 40_000])('answers %i bytes of headers with 431 JSON', async (size) => {
    const answer = await raw(server, { path: '/health', headers: { 'x-padding': 'p'.repeat(size) } });
    expect(answer.status).toBe(431);
    expect(errorCode(answer)).toBe('headers_too_large');
  });

  it('does not route HEAD, like the stack', async () => {
    const answer = await raw(server, { method: 'HEAD', path: '/health' });
    expect(answer.status).toBe(404);
    expect(answer.body).toBe('');
  });

  it('answers CORS preflights as the stack configures them, and tags answers to cross-origin requests', async () => {
    const preflight = await raw(server, {
      method: 'OPTIONS',
      path: '/activities',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(String(preflight.headers['access-control-allow-methods']).split(',')).toEqual([...CORS.allowMethods]);
    expect(String(preflight.headers['access-control-allow-headers'])).toContain('authorization');
    expect(preflight.headers['access-control-max-age']).toBe(String(CORS.maxAgeSecs));

    const answer = await raw(server, { path: '/health', headers: { origin: 'https://app.example.com' } });
    expect(answer.status).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBe('*');
  });
});
