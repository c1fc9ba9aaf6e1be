/**
 * GET /openapi.json: every route of the route table is in it with its parameters, and real
 * answers of the local server (simulators behind it) validate against it, for every route:
 * the status is documented, the content type is the documented one, the body matches.
 */
import { randomUUID } from 'node:crypto';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes';
import { ERROR_CODES } from '../../shared/http/contracts';
import { startClient, type Client } from '../support/provider-flow';

type Doc = { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, unknown> } };

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

describe('OpenAPI document', () => {
  let client: Client;
  let doc: Doc;
  let ajv: Ajv2020;
  /** `GET /activities` -> statuses whose real answers validated. */
  const validated = new Map<string, Set<number>>();

  beforeAll(async () => {
    client = await startClient({}, 'openapi-user', 'tenant-o', { cache: 'use' });
    const answer = await fetch(`${client.server.url}/openapi.json`);
    expect(answer.status).toBe(200);
    doc = (await answer.json()) as Doc;
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(doc, 'openapi.json');
  });
  afterAll(() => client?.server.close());

  /** Validates one real answer against the operation `method path`; returns the parsed body. */
  async function conforms(method: string, path: string, response: Response): Promise<any> {
    const operation = doc.paths[path]?.[method.toLowerCase()];
    expect(operation, `${method} ${path} is documented`).toBeDefined();
    const documented = operation.responses[String(response.status)];
    expect(documented, `${method} ${path} documents status ${response.status}`).toBeDefined();
    const text = await response.text();
    const types = Object.keys(documented.content ?? {});
    if (types.length === 0) {
      expect(text, `${method} ${path} ${response.status} has no body`).toBe('');
    } else {
      const type = types.find((t) => (response.headers.get('content-type') ?? '').startsWith(t));
      expect(type, `${method} ${path} ${response.status} content-type ${response.headers.get('content-type')} is one of ${types}`).toBeDefined();
      const ref = `openapi.json#/${pointer('paths', path, method.toLowerCase(), 'responses', String(response.status), 'content', type!, 'schema')}`;
      const validate = ajv.getSchema(ref)!;
      const body = type === 'application/json' ? JSON.parse(text) : text;
      const valid = validate(body);
      expect(valid ? [] : validate.errors, `${method} ${path} ${response.status}: ${text.slice(0, 300)}`).toEqual([]);
    }
    const key = `${method} ${path}`;
    validated.set(key, (validated.get(key) ?? new Set()).add(response.status));
    return types.includes('application/json') ? JSON.parse(text) : text;
  }

  const api = (path: string, init?: RequestInit) => client.api(path, init);
  const publicGet = (path: string, init?: RequestInit) => fetch(`${client.server.url}${path}`, { redirect: 'manual', ...init });
  const mcp = (body: unknown, method = 'POST') =>
    api('/mcp', {
      method,
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: method === 'POST' ? JSON.stringify(body) : undefined,
    });

  it('has every route of the route table, with its path parameters and security', () => {
    expect(doc).toMatchObject({ openapi: '3.1.0' });
    for (const route of ROUTES) {
      const operation = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const inPath = operation.parameters.filter((p: any) => p.in === 'path').map((p: any) => p.name);
      expect(inPath, `${route.method} ${route.path} path parameters`).toEqual(names);
      expect(operation.security, `${route.method} ${route.path} security`).toEqual(route.auth ? [{ bearerAuth: [] }] : []);
      if (route.auth) expect(operation.responses['401'], `${route.method} ${route.path} documents 401`).toBeDefined();
    }
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('names the query parameters the handlers read, with their constraints', () => {
    const params = (path: string) => Object.fromEntries(doc.paths[path]!['get'].parameters.map((p: any) => [p.name, p]));
    const activities = params('/activities');
    expect(Object.keys(activities)).toEqual(expect.arrayContaining(['provider', 'limit', 'offset', 'before', 'after', 'cache']));
    expect(activities['limit'].schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 200 });
    expect(Object.keys(params('/sleep'))).toEqual(expect.arrayContaining(['provider', 'start', 'end', 'cache']));
    expect(Object.keys(params('/connect/{provider}'))).toEqual(['provider', 'return_to']);
    expect(params('/providers')['health'].schema).toMatchObject({ enum: ['true', 'false'] });
  });

  it('documents every public error code under its statuses', () => {
    const listed = new Map<string, Set<string>>();
    for (const ops of Object.values(doc.paths)) {
      for (const op of Object.values(ops)) {
        for (const [status, response] of Object.entries<any>(op.responses)) {
          const codes: string[] = response.content?.['application/json']?.schema?.allOf?.[1]?.properties?.error?.properties?.code?.enum ?? [];
          for (const code of codes) listed.set(code, (listed.get(code) ?? new Set()).add(status));
        }
      }
    }
    for (const [code, { statuses }] of Object.entries(ERROR_CODES)) {
      expect([...(listed.get(code) ?? [])].sort(), code).toEqual(expect.arrayContaining(statuses.map(String)));
    }
  });

  it('describes the real answers of every route', async () => {
    await conforms('GET', '/health', await publicGet('/health'));
    await conforms('GET', '/', await publicGet('/'));
    await conforms('GET', '/openapi.json', await publicGet('/openapi.json'));
    await conforms('GET', '/.well-known/oauth-protected-resource', await publicGet('/.well-known/oauth-protected-resource'));
    await conforms('GET', '/.well-known/oauth-protected-resource/mcp', await publicGet('/.well-known/oauth-protected-resource/mcp'));
    await conforms('GET', '/providers', await api('/providers'));
    const providers = await conforms('GET', '/providers', await api('/providers?health=true'));
    expect(providers.providers.every((p: any) => p.health?.status === 'up')).toBe(true);
    await conforms('GET', '/providers', await publicGet('/providers'));

    // Connecting: a no-OAuth provider, an authorization URL, the callback (JSON and redirect).
    await conforms('GET', '/connect/{provider}', await api('/connect/synthetic'));
    await conforms('GET', '/connect/{provider}', await api('/connect/nope'));
    await conforms('GET', '/connect/{provider}', await api(`/connect/strava?return_to=${encodeURIComponent('https://evil.example.com/')}`));
    for (const provider of ['strava', 'whoop']) {
      const { connect, callbackUrl } = await client.authorize(provider);
      await conforms('GET', '/connect/{provider}', Response.json(connect));
      await conforms('GET', '/callback/{provider}', await fetch(callbackUrl, { redirect: 'manual' }));
      await conforms('GET', '/callback/{provider}', await fetch(callbackUrl, { redirect: 'manual' })); // replayed: invalid_state
    }
    const { callbackUrl: back } = await client.authorize('garmin', `?return_to=${encodeURIComponent(`${client.server.url}/`)}`);
    const redirect = await fetch(back, { redirect: 'manual' });
    expect(redirect.headers.get('location')).toContain('status=connected');
    await conforms('GET', '/callback/{provider}', redirect);
    await conforms('GET', '/connections', await api('/connections'));

    // Data from several providers, and the errors data routes answer.
    const all = await conforms('GET', '/activities', await api('/activities?provider=all&limit=50'));
    expect(new Set(all.activities.map((a: any) => a.provider))).toEqual(new Set(['synthetic', 'strava', 'whoop', 'garmin']));
    const strava = await conforms('GET', '/activities', await api('/activities?provider=strava&limit=5'));
    await conforms('GET', '/activities', await api('/activities?limit=abc'));
    await conforms('GET', '/activities', await api('/activities?provider=coros'));
    await conforms('GET', '/activities/{provider}/{id}', await api(`/activities/strava/${encodeURIComponent(strava.activities[0].id)}`));
    await conforms('GET', '/activities/{provider}/{id}', await api('/activities/strava/999999999999'));
    await conforms('GET', '/activities/{provider}/{id}/laps', await api(`/activities/strava/${encodeURIComponent(strava.activities[0].id)}/laps`));
    for (const provider of ['strava', 'whoop', 'synthetic']) {
      await conforms('GET', '/athlete', await api(`/athlete?provider=${provider}`));
      await conforms('GET', '/stats', await api(`/stats?provider=${provider}`));
      await conforms('GET', '/personal-records', await api(`/personal-records?provider=${provider}`));
    }
    for (const provider of ['whoop', 'garmin', 'synthetic', 'strava']) {
      await conforms('GET', '/sleep', await api(`/sleep?provider=${provider}`));
      await conforms('GET', '/recovery', await api(`/recovery?provider=${provider}`));
      await conforms('GET', '/health-metrics', await api(`/health-metrics?provider=${provider}`));
    }

    // A limited provider: the read is queued (202), and the job can be read back.
    await client.control('strava', 'rate-limits', { read_15min: 0 });
    try {
      const queued = await conforms('GET', '/stats', await api('/stats?provider=strava&cache=bypass'));
      await conforms('GET', '/jobs/{id}', await api(`/jobs/${queued.job_id}`));
    } finally {
      await client.control('strava', 'rate-limits', { read_15min: 100 });
      await client.resetResilience();
    }
    await conforms('GET', '/jobs/{id}', await api(`/jobs/${randomUUID()}`));
    await conforms('GET', '/jobs/{id}', await api('/jobs/not-a-job'));
    expect([...validated.get('GET /stats')!]).toContain(202);

    // MCP: real JSON-RPC calls, and the methods it does not serve.
    await conforms('POST', '/mcp', await mcp({ jsonrpc: '2.0', id: 1, method: 'tools/list' }));
    const called = await conforms(
      'POST',
      '/mcp',
      await mcp({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'list_providers', arguments: {} } }),
    );
    expect(called.result.structuredContent.providers.length).toBeGreaterThan(0);
    await conforms('POST', '/mcp', await mcp({ jsonrpc: '2.0', method: 'notifications/initialized' }));
    await conforms('GET', '/mcp', await mcp(undefined, 'GET'));
    await conforms('DELETE', '/mcp', await mcp(undefined, 'DELETE'));

    // Webhooks: Strava's subscription challenge, a refused one, a delivery.
    const token = client.server.container.providerConfig('strava').settings['WEBHOOK_VERIFY_TOKEN'];
    await conforms('GET', '/webhooks/{provider}', await publicGet(`/webhooks/strava?hub.mode=subscribe&hub.challenge=c1&hub.verify_token=${token}`));
    await conforms('GET', '/webhooks/{provider}', await publicGet('/webhooks/strava?hub.mode=subscribe&hub.challenge=c1&hub.verify_token=guess'));
    await conforms('POST', '/webhooks/{provider}', await publicGet('/webhooks/synthetic', { method: 'POST', body: '{}' }));
    await conforms(
      'POST',
      '/webhooks/{provider}',
      await publicGet('/webhooks/terra', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
    );

    // A tenant admin's own app, and webhooks for it.
    const admin = { authorization: `Bearer ${await client.server.issueToken('openapi-admin', 'tenant-o', undefined, 'admin')}` };
    const adminApi = (method: string, body?: unknown) =>
      fetch(`${client.server.url}/admin/providers/strava`, { method, headers: admin, body: body === undefined ? undefined : JSON.stringify(body) });
    await conforms('PUT', '/admin/providers/{provider}', await api('/admin/providers/strava', { method: 'PUT', body: '{}' }));
    await conforms('PUT', '/admin/providers/{provider}', await adminApi('PUT', { client_id: 'x' }));
    const app = { client_id: 'openapi-app', client_secret: 'openapi-secret', webhook_settings: { WEBHOOK_VERIFY_TOKEN: 'openapi-verify' } };
    await conforms('PUT', '/admin/providers/{provider}', await adminApi('PUT', app));
    await conforms('GET', '/admin/providers/{provider}', await adminApi('GET'));
    const challenge = '?hub.mode=subscribe&hub.challenge=c2&hub.verify_token=openapi-verify';
    await conforms('GET', '/webhooks/{provider}/{tenant}', await publicGet(`/webhooks/strava/tenant-o${challenge}`));
    await conforms('GET', '/webhooks/{provider}/{tenant}', await publicGet(`/webhooks/strava/tenant-x${challenge}`));
    await conforms('POST', '/webhooks/{provider}/{tenant}', await publicGet('/webhooks/strava/tenant-x', { method: 'POST', body: '{}' }));
    await conforms('DELETE', '/admin/providers/{provider}', await adminApi('DELETE'));
    await conforms('GET', '/admin/providers/{provider}', await adminApi('GET'));
    // Events: an admin's endpoints and the tenant's events (the callbacks above published connection.created).
    const adminToken = await client.server.issueToken('openapi-admin', 'tenant-o', undefined, 'admin');
    const asAdmin = (path: string, init: RequestInit = {}) =>
      fetch(`${client.server.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json', ...init.headers },
      });
    await conforms('GET', '/admin/endpoints', await api('/admin/endpoints'));
    const added = await conforms(
      'POST',
      '/admin/endpoints',
      await asAdmin('/admin/endpoints', { method: 'POST', body: JSON.stringify({ url: 'http://127.0.0.1:9/hooks', types: ['job.failed'] }) }),
    );
    await conforms('POST', '/admin/endpoints', await asAdmin('/admin/endpoints', { method: 'POST', body: JSON.stringify({ url: 'ftp://x' }) }));
    await conforms('GET', '/admin/endpoints', await asAdmin('/admin/endpoints'));
    await conforms('POST', '/admin/endpoints/{id}/rotate-secret', await asAdmin(`/admin/endpoints/${added.id}/rotate-secret`, { method: 'POST' }));
    const events = await conforms('GET', '/events', await asAdmin('/events?limit=5&type=connection.created'));
    await conforms('GET', '/events', await asAdmin('/events?limit=500'));
    const eventId = events.events[0].id;
    await conforms('GET', '/events/{id}', await asAdmin(`/events/${eventId}`));
    await conforms('GET', '/events/{id}', await asAdmin('/events/evt_00000000000000000000000000'));
    await conforms('POST', '/events/{id}/resend', await asAdmin(`/events/${eventId}/resend`, { method: 'POST' }));
    await conforms('DELETE', '/admin/endpoints/{id}', await asAdmin(`/admin/endpoints/${added.id}`, { method: 'DELETE' }));
    await conforms('DELETE', '/admin/endpoints/{id}', await asAdmin(`/admin/endpoints/${added.id}`, { method: 'DELETE' }));

    await conforms('DELETE', '/connections/{provider}', await api('/connections/strava', { method: 'DELETE' }));
    await conforms('DELETE', '/connections/{provider}', await api('/connections/synthetic', { method: 'DELETE' }));
    const erased = await conforms('DELETE', '/users/me', await api('/users/me', { method: 'DELETE' }));
    expect(erased.revoked).toMatchObject({ whoop: { outcome: 'revoked' }, garmin: { outcome: 'revoked' } });

    // Merged answers carry also_from; source priority, the user's and (with an admin token) the tenant's.
    await conforms('GET', '/sleep', await api('/sleep?provider=all'));
    await conforms('GET', '/recovery', await api('/recovery?provider=all'));
    const put = (body: unknown, headers: Record<string, string> = {}) => ({
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    await conforms('PUT', '/settings/sources', await api('/settings/sources', put({ sleep: ['whoop', 'garmin'] })));
    await conforms('PUT', '/settings/sources', await api('/settings/sources', put({ sleep: ['no-such-provider'] })));
    await conforms('GET', '/settings/sources', await api('/settings/sources'));
    await conforms('GET', '/admin/sources', await api('/admin/sources'));
    await conforms('PUT', '/admin/sources', await publicGet('/admin/sources', put({ activities: ['garmin', 'strava'] }, admin)));
    await conforms('GET', '/admin/sources', await publicGet('/admin/sources', { headers: admin }));
    expect([...validated.get('GET /admin/sources')!].sort()).toEqual([200, 403]);

    const missing = ROUTES.map((r) => `${r.method} ${r.path}`).filter((key) => !validated.has(key));
    expect(missing, 'routes without a validated real answer').toEqual([]);
    expect([...validated.get('GET /callback/{provider}')!].sort()).toEqual([200, 302, 400]);
  });

  it('rejects an answer that carries a field the document does not describe', () => {
    const validate = ajv.getSchema('openapi.json#/components/schemas/ProvidersAnswer')!;
    const entry = {
      name: 'x',
      display_name: 'X',
      capabilities: ['activities'],
      requires_oauth: false,
      connection_type: 'none',
      configured: true,
      credentials: 'none',
      connected: true,
      status: 'connected',
    };
    expect(validate({ default_provider: 'x', providers: [entry] })).toBe(true);
    expect(validate({ default_provider: 'x', providers: [{ ...entry, surprise: 1 }] })).toBe(false);
    expect(validate({ default_provider: 'x', providers: [{ ...entry, status: 'sort of' }] })).toBe(false);
  });
});
