/**
 * Property tests over every route and the local server's HTTP layer: random paths and
 * percent-encodings, query strings, headers, JWTs and bodies. Whatever arrives, the answer is
 * never a 5xx, every error is `{"error":{"code","message"}}` without a stack trace, and no
 * secret or token appears in any answer or log line.
 */
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ROUTES } from '../../functions/routes';
import { DEV_AUDIENCE, DEV_ISSUER } from '../../local/dev-auth';
import { rawRequest } from '../support/raw-http';
import { startClient, type Client } from '../support/provider-flow';

vi.hoisted(() => {
  process.env['POWERTOOLS_LOG_LEVEL'] = 'DEBUG';
});

const DEV_SECRET = 'fuzz-dev-jwt-secret-0123456789abcdef';
const TENANT = 'tenant-f';
const USER = 'fuzz-user';

const sign = (claims: Record<string, unknown>, options: { secret?: string; expSecs?: number; alg?: string } = {}) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'HS256' })
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (options.expSecs ?? 3600))
    .sign(new TextEncoder().encode(options.secret ?? DEV_SECRET));

const unsigned = (claims: Record<string, unknown>) =>
  `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;

describe('fuzzing the HTTP API', () => {
  let client: Client;
  const secrets: string[] = [DEV_SECRET];
  const lines: string[] = [];
  const writes: Array<[NodeJS.WriteStream, NodeJS.WriteStream['write']]> = [];
  let tokens: string[] = [];

  beforeAll(async () => {
    client = await startClient({ env: { PIERRE_DEV_JWT_SECRET: DEV_SECRET, PIERRE_ALLOWED_RETURN_ORIGINS: 'https://app.example.com' } }, USER, TENANT);
    expect((await client.connect('strava')).status).toBe(200);
    const stored = (await client.server.container.connections.get({ tenantId: TENANT, userId: USER, provider: 'strava' }))!;
    secrets.push(stored.accessToken, stored.refreshToken!);
    for (const name of client.server.container.registry.supportedProviders()) {
      const secret = client.server.container.providerConfig(name).clientSecret;
      if (secret) secrets.push(secret);
    }
    tokens = [
      client.token,
      await sign({ sub: USER, tenant_id: 'another-tenant' }),
      await sign({ tenant_id: TENANT }), // no sub
      await sign({ sub: USER }), // no tenant
      await sign({ sub: USER, tenant_id: TENANT }, { expSecs: -60 }), // expired
      await sign({ sub: USER, tenant_id: TENANT }, { secret: 'someone-elses-secret-0123456789abcdef' }),
      await sign({ sub: USER, tenant_id: TENANT }, { alg: 'HS512' }),
      unsigned({ sub: USER, tenant_id: TENANT, iss: DEV_ISSUER, aud: DEV_AUDIENCE }),
      'not.a.jwt',
      '',
      await sign({ sub: 'u'.repeat(2_100), tenant_id: TENANT }), // too long for a store key
      await sign({ sub: USER, tenant_id: '#'.repeat(90) }), // too long once percent-encoded
    ];
    for (const stream of [process.stdout, process.stderr]) {
      writes.push([stream, stream.write]);
      stream.write = ((chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      }) as NodeJS.WriteStream['write'];
    }
  });

  afterAll(async () => {
    for (const [stream, write] of writes) stream.write = write;
    await client.server.close();
  });

  const hex = fc.constantFrom(...'0123456789abcdefABCDEFgz%'.split(''));
  const percent = fc.tuple(hex, hex).map(([a, b]) => `%${a}${b}`);
  const segment = fc.oneof(
    fc.string({ maxLength: 12 }).map(encodeURIComponent),
    fc.array(fc.oneof(percent, fc.constantFrom('a', '.', '..', '~', '-', '_', '0')), { maxLength: 6 }).map((parts) => parts.join('')),
    fc.constantFrom('strava', 'synthetic', 'whoop', 'all', 'acme', '12345', 'a'.repeat(200)),
  );
  const path = fc.oneof(
    fc.tuple(fc.constantFrom(...ROUTES), fc.array(segment, { minLength: 2, maxLength: 2 })).map(([route, [a, b]]) => {
      let i = 0;
      return route.path.replace(/\{\w+\}/g, () => (i++ === 0 ? a! : b!));
    }),
    fc.array(segment, { maxLength: 4 }).map((parts) => `/${parts.join('/')}`),
  );
  const value = fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.string({ unit: 'grapheme', maxLength: 10 }),
    fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
    fc.constantFrom(
      '2026-02-30',
      '2026-11-25T06:00:00Z',
      '1764000000',
      'NaN',
      '-1',
      '0',
      '1e400',
      'all',
      'refresh',
      'javascript:alert(1)//',
      'https://app.example.com/x',
    ),
  );
  const key = fc.oneof(
    fc.constantFrom(
      'provider',
      'limit',
      'offset',
      'before',
      'after',
      'start',
      'end',
      'cache',
      'return_to',
      'code',
      'state',
      'error',
      'scope',
      'provider[]',
      'limit[0]',
      'hub.challenge',
    ),
    fc.string({ minLength: 1, maxLength: 8 }),
  );
  const query = fc
    .array(fc.tuple(key, value), { maxLength: 5 })
    .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}` : ''));
  const body = fc.oneof(
    fc.constant(undefined),
    fc.json({ maxDepth: 3 }).map((text) => Buffer.from(text)),
    fc.string({ maxLength: 200 }).map((text) => Buffer.from(text)),
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
    fc.constant(Buffer.alloc(70 * 1024, '{')), // over the functions' 64 KiB limit
  );
  const request = fc.record({
    method: fc.constantFrom('GET', 'GET', 'GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'HEAD', 'OPTIONS'),
    path,
    query,
    auth: fc.nat({ max: 12 }),
    scheme: fc.constantFrom('Bearer ', 'bearer ', 'Basic ', ''),
    contentType: fc.constantFrom('application/json', 'text/plain', 'application/octet-stream', 'application/x-www-form-urlencoded; charset=utf-8'),
    body,
    extraHeader: fc.option(
      fc.tuple(
        fc.constantFrom('x-forwarded-host', 'origin', 'cache-control', 'x-whoop-signature', 'terra-signature'),
        fc.string({ maxLength: 30 }).filter((v) => !/[\r\n\0]/.test(v) && /^[\x20-\x7e]*$/.test(v)),
      ),
    ),
  });

  it('never answers 5xx, always in the error shape, and leaks no secret', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = { 'content-type': r.contentType };
        const token = tokens[r.auth];
        if (token !== undefined && r.auth < tokens.length) headers['authorization'] = `${r.scheme}${token}`;
        if (r.extraHeader) headers[r.extraHeader[0]] = r.extraHeader[1];
        if (r.body) headers['content-length'] = String(r.body.length);
        const answer = await rawRequest(client.server.url, { method: r.method, path: `${r.path}${r.query}`, headers, body: r.body });
        const where = `${r.method} ${r.path}${r.query} -> ${answer.status} ${answer.body.slice(0, 300)}`;
        expect(answer.status, where).toBeLessThan(500);
        expect(answer.body, where).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
        for (const secret of secrets) expect(answer.body.includes(secret), `${where} leaks a secret`).toBe(false);
        if (answer.status >= 400 && answer.body !== '') {
          const parsed = JSON.parse(answer.body) as { jsonrpc?: string; error?: { code?: unknown; message?: unknown } };
          // The MCP endpoint speaks JSON-RPC: its protocol faults carry JSON-RPC's numeric codes.
          const rpc = r.path.startsWith('/mcp') && parsed.jsonrpc === '2.0';
          expect(typeof parsed.error?.code, where).toBe(rpc ? 'number' : 'string');
          expect(typeof parsed.error?.message, where).toBe('string');
        }
      }),
      { numRuns: 1000 },
    );
    const log = lines.join('');
    for (const secret of secrets) expect(log.includes(secret)).toBe(false);
  });
});
