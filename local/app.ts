/**
 * The local server: one Node process that serves the HTTP API by turning requests into API
 * Gateway events for the real handlers, on in-memory adapters (or DynamoDB when pointed at
 * an emulator). It also verifies development JWTs in place of the API Gateway authorizer.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { buildContainer, setContainer, type Container, type ContainerOptions } from '../shared/app/container';
import { ensureTables } from '../shared/store/dynamodb/schema';
import { CORS, GATEWAY_LIMITS } from '../functions/routes';
import { buildEvent, matchRoute } from './apigw';
import { DevAuth, devTokenProblem } from './dev-auth';
import { HANDLERS, lambdaContext } from './handlers';
import type { ProviderSimulator } from './simulators/kit';
import { createSimulators } from './simulators';
import { MemoryJobQueue } from '../shared/queue/memory';
import { drainMemoryQueue } from '../shared/app/retry-worker';
import { runHealthChecks } from '../shared/app/health-check';
import { drainSqsDeliveries, drainSqsQueue, localSqsClient } from './sqs-worker';
import { drainMemoryDeliveries } from '../shared/app/deliveries';
import { bearerChallenge } from '../shared/http/protected-resource';
import { StateDir } from './state-dir';

/** Whom `/dev/token` and the connections page act for unless told otherwise: the README walk's user. */
export const DEV_USER = { user: 'alice', tenant: 'acme' } as const;

/** What the stack runs on schedules and queues, run here on timers: the retry worker and the health check. */
const QUEUE_POLL_MS = 1_000;
const HEALTH_CHECK_MS = 5 * 60_000;

/** A queue the caller injected is drained by the caller (tests move their own clock); so is the delivery queue. */
function startBackgroundWork(container: Container, queueInjected: boolean, deliveriesInjected: boolean): () => void {
  const timers: NodeJS.Timeout[] = [];
  const quietly = (work: () => Promise<unknown>) => () => void work().catch(() => undefined);
  if (container.queue instanceof MemoryJobQueue && !queueInjected) {
    const queue = container.queue;
    timers.push(
      setInterval(
        quietly(() => drainMemoryQueue(container, queue)),
        QUEUE_POLL_MS,
      ),
    );
  }
  const queueUrl = container.config.retryQueueUrl;
  if (queueUrl && !queueInjected) {
    const client = localSqsClient();
    timers.push(
      setInterval(
        quietly(() => drainSqsQueue(container, client, queueUrl)),
        QUEUE_POLL_MS,
      ),
    );
  }
  if (container.deliveryQueue instanceof MemoryJobQueue && !deliveriesInjected) {
    const queue = container.deliveryQueue;
    timers.push(
      setInterval(
        quietly(() => drainMemoryDeliveries(container, queue)),
        QUEUE_POLL_MS,
      ),
    );
  }
  const deliveryQueueUrl = container.config.deliveryQueueUrl;
  if (deliveryQueueUrl && !deliveriesInjected) {
    const client = localSqsClient();
    timers.push(
      setInterval(
        quietly(() => drainSqsDeliveries(container, client, deliveryQueueUrl)),
        QUEUE_POLL_MS,
      ),
    );
  }
  timers.push(
    setInterval(
      quietly(() => runHealthChecks(container)),
      HEALTH_CHECK_MS,
    ),
  );
  for (const timer of timers) timer.unref();
  return () => timers.forEach(clearInterval);
}

/** API Gateway refuses payloads over 10 MB before any function runs. */
const GATEWAY_MAX_BODY = 10 * 1024 * 1024;

export interface LocalServerOptions {
  host?: string;
  port?: number;
  env?: Record<string, string | undefined>;
  container?: Omit<ContainerOptions, 'env'>;
  /** Mount the provider simulators and point unconfigured providers at them (default true). */
  simulators?: boolean;
  /**
   * A folder that keeps the signing secret, the token key, the stores and the simulators' grants
   * across restarts (`npm start` uses `.pierre/`); absent: everything lives and dies with the process.
   */
  stateDir?: string;
  /** Empty `stateDir` first. */
  fresh?: boolean;
}

export interface LocalServer {
  url: string;
  container: Container;
  /** Mounted simulators by provider name (empty when disabled). */
  simulators: ReadonlyMap<string, ProviderSimulator>;
  /** A development token; `ttlSecs` (default 12 h) also makes a second token of the same user differ. */
  /** A development token; `role: 'admin'` makes it a tenant admin's. */
  issueToken(userId: string, tenantId: string, ttlSecs?: number, role?: string): Promise<string>;
  close(): Promise<void>;
}

/** Past this much, an oversize upload is cut off instead of drained. */
const MAX_DRAIN = 64 * 1024 * 1024;

/**
 * Reads the body, or undefined when it exceeds the gateway's limit. An oversize body is
 * drained (up to MAX_DRAIN) rather than cut off, so the client reads our 413 instead of a reset.
 */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= GATEWAY_MAX_BODY) chunks.push(chunk);
      else if (size > MAX_DRAIN) req.destroy();
    });
    req.on('end', () => resolve(size > GATEWAY_MAX_BODY ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

/** API Gateway's own limits on the request line and headers, answered in our error shape. */
function gatewayLimit(req: IncomingMessage): { status: number; code: string; message: string } | undefined {
  if ((req.url ?? '').length > GATEWAY_LIMITS.maxUrlBytes) {
    return { status: 414, code: 'uri_too_long', message: `The URL exceeds ${GATEWAY_LIMITS.maxUrlBytes} bytes` };
  }
  const headerBytes = req.rawHeaders.reduce((sum, part) => sum + Buffer.byteLength(part), 0);
  if (headerBytes > GATEWAY_LIMITS.maxHeaderBytes) {
    return { status: 431, code: 'headers_too_large', message: `The request headers exceed ${GATEWAY_LIMITS.maxHeaderBytes} bytes` };
  }
  return undefined;
}

/** CORS preflight, answered by the gateway itself as the stack configures it (functions/routes.ts CORS). */
function preflight(req: IncomingMessage, res: ServerResponse): void {
  if (!req.headers.origin || !req.headers['access-control-request-method']) {
    sendError(res, 404, 'not_found', 'No route for OPTIONS');
    return;
  }
  res.writeHead(
    204,
    corsHeaders({
      'access-control-allow-methods': CORS.allowMethods.join(','),
      'access-control-allow-headers': CORS.allowHeaders.join(','),
      'access-control-max-age': String(CORS.maxAgeSecs),
    }),
  );
  res.end();
}

function corsHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { 'access-control-allow-origin': CORS.allowOrigins.join(','), ...extra };
}

function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: { code, message } }, headers);
}

async function prepareTables(env: Record<string, string | undefined>): Promise<void> {
  const connections = env['PIERRE_CONNECTIONS_TABLE'];
  const cache = env['PIERRE_CACHE_TABLE'];
  if (env['AWS_ENDPOINT_URL'] && connections && cache) {
    const client = new DynamoDBClient({});
    try {
      await ensureTables(client, { connections, cache, endpointSecrets: env['PIERRE_ENDPOINT_SECRETS_TABLE'] });
    } finally {
      client.destroy();
    }
  }
}

/**
 * Points each provider without real credentials at its simulator. A provider with its own
 * PIERRE_<P>_CLIENT_ID (or legacy <P>_CLIENT_ID) keeps talking to the real API.
 */
function simulatorEnv(env: Record<string, string | undefined>, simulators: ReadonlyMap<string, ProviderSimulator>, baseUrl: string): Record<string, string> {
  const overlay: Record<string, string> = {};
  for (const [name, simulator] of simulators) {
    const upper = name.toUpperCase();
    if (env[`PIERRE_${upper}_CLIENT_ID`] || env[`${upper}_CLIENT_ID`]) continue;
    Object.assign(overlay, simulator.env(`${baseUrl}/sim/${name}`));
  }
  return overlay;
}

async function serveSimulator(simulator: ProviderSimulator, req: IncomingMessage, res: ServerResponse, url: URL, mount: string) {
  const body = await readBody(req);
  if (!body) return sendError(res, 413, 'payload_too_large', 'The request body is too large');
  const relative = new URL(url.pathname.slice(mount.length) + url.search, 'http://simulator');
  const answer = await simulator.handle({ method: (req.method ?? 'GET').toUpperCase(), url: relative, headers: req.headers, body });
  const headers = { ...answer.headers };
  let payload = '';
  if (typeof answer.body === 'string') payload = answer.body;
  else if (answer.body !== undefined) {
    headers['content-type'] ??= 'application/json; charset=utf-8';
    payload = JSON.stringify(answer.body);
  }
  res.writeHead(answer.status, headers);
  res.end(payload);
}

export async function startLocalServer(options: LocalServerOptions = {}): Promise<LocalServer> {
  const baseEnv = { ...process.env, ...options.env };
  await prepareTables(baseEnv);
  const simulators = new Map<string, ProviderSimulator>(
    options.simulators === false ? [] : createSimulators({ now: options.container?.deps?.now ?? (() => Date.now()) }).map((s) => [s.name, s]),
  );
  let ready: { container: Container; auth: DevAuth } | undefined;
  let ownHost = '127.0.0.1';

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!ready) return sendError(res, 503, 'starting', 'The server is starting');
    const { auth } = ready;
    const method = (req.method ?? 'GET').toUpperCase();
    const limit = gatewayLimit(req);
    if (limit) return sendError(res, limit.status, limit.code, limit.message);
    if (method === 'OPTIONS') return preflight(req, res);
    // The stack routes no HEAD: API Gateway answers it 404 (Node sends the headers only).
    if (method === 'HEAD') return sendError(res, 404, 'not_found', 'HEAD is not routed');
    // Joined as text: `new URL('//x', base)` would read a path starting with // as a host.
    const url = URL.parse(`http://${ownHost}${req.url ?? '/'}`);
    if (!url) return sendError(res, 400, 'invalid_request', 'The request target is not a valid path');
    const sim = /^\/sim\/([a-z0-9_]+)(?=\/)/.exec(url.pathname);
    const simulator = sim && simulators.get(sim[1]!);
    if (sim && simulator) return serveSimulator(simulator, req, res, url, sim[0]);
    if (method === 'GET' && url.pathname === '/dev/token') {
      const user = url.searchParams.get('user') ?? DEV_USER.user;
      const tenant = url.searchParams.get('tenant') ?? DEV_USER.tenant;
      const role = url.searchParams.get('role') ?? undefined;
      const refused = devTokenProblem(user, tenant, role);
      if (refused) return sendError(res, 400, 'invalid_request', refused);
      sendJson(res, 200, { token: await auth.issue(user, tenant, undefined, role) });
      return;
    }
    const matched = matchRoute(method, url.pathname);
    if (matched === undefined) return sendError(res, 404, 'not_found', `No route for ${method} ${url.pathname}`);
    if (matched === 'method') return sendError(res, 405, 'method_not_allowed', `${method} is not allowed on ${url.pathname}`);
    if (matched === 'encoding') return sendError(res, 400, 'invalid_request', 'The path is not valid percent-encoded UTF-8');

    const body = await readBody(req);
    if (!body) return sendError(res, 413, 'payload_too_large', 'The request body is too large');
    let claims: Record<string, unknown> | undefined;
    if (matched.route.auth) {
      claims = await auth.verify(req.headers.authorization);
      if (!claims) {
        // API Gateway's authorizer names no metadata; the local one does, as the function's own 401s do.
        const challenge = bearerChallenge(ready.container.config.publicBaseUrl ?? `http://${ownHost}`, url.pathname);
        return sendError(res, 401, 'unauthorized', 'A valid bearer token is required', { 'www-authenticate': challenge });
      }
    }
    const sourceIp = req.socket.remoteAddress ?? '127.0.0.1';
    const event = buildEvent({ method, url, headers: req.headers, body, matched, claims, sourceIp, domainName: ownHost });
    const { handler } = await HANDLERS[matched.route.fn]();
    const result = await handler(event, lambdaContext(`pierre-${matched.route.fn}`, event.requestContext.requestId));
    const payload = result.body ?? '';
    const cors = req.headers.origin ? corsHeaders() : {};
    res.writeHead(result.statusCode ?? 200, { ...(result.headers as Record<string, string>), ...cors });
    res.end(result.isBase64Encoded ? Buffer.from(payload, 'base64') : payload);
  };

  // Requests Node cannot even parse (a header block over its limit, a broken request line).
  const refuseUnparsable = (error: NodeJS.ErrnoException, socket: import('node:stream').Duplex) => {
    if (!socket.writable) return socket.destroy();
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const [status, code, reason] = tooLarge ? [431, 'headers_too_large', 'Request Header Fields Too Large'] : [400, 'invalid_request', 'Bad Request'];
    const body = JSON.stringify({ error: { code, message: tooLarge ? 'The request headers are too large' : 'The request could not be parsed' } });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendError(res, 500, 'internal_error', 'Internal error');
      else res.end();
    });
  });
  server.on('clientError', refuseUnparsable);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;
  ownHost = `${host}:${port}`;
  let stopBackground = () => {};
  const state = options.stateDir ? new StateDir(options.stateDir, { fresh: options.fresh }) : undefined;
  for (const [name, simulator] of simulators) if (state) simulators.set(name, state.keep(`sim-${name}`, simulator));
  const close = () =>
    new Promise<void>((resolve) => {
      stopBackground();
      server.closeAllConnections();
      server.close(() => {
        state?.flush();
        resolve();
      });
      setContainer(undefined);
    });

  try {
    // Callback URLs must name the port we actually got, hence building the container after listen.
    const env = {
      ...simulatorEnv(baseEnv, simulators, url),
      PIERRE_WEB_DEV_TOKENS: 'true',
      ...baseEnv,
      PIERRE_PUBLIC_BASE_URL: baseEnv['PIERRE_PUBLIC_BASE_URL'] || url,
    };
    const container = await buildContainer({ ...options.container, env, ...(state && { persistence: state }) });
    setContainer(container);
    stopBackground = startBackgroundWork(container, options.container?.queue !== undefined, options.container?.deliveryQueue !== undefined);
    const secret = container.config.devJwtSecret ?? state?.secret('dev-jwt-secret', () => randomBytes(32).toString('base64url'));
    const auth = new DevAuth(secret, container.config);
    ready = { container, auth };
    return { url, container, simulators, issueToken: (userId, tenantId, ttlSecs, role) => auth.issue(userId, tenantId, ttlSecs, role), close };
  } catch (error) {
    await close();
    throw error;
  }
}
