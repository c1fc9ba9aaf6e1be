/**
 * Loads a Lambda bundle in a fresh Node process, as Lambda does (ESM), and
 * answers one API Gateway request.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const PROBE = `
  const [file, raw, requestJson] = process.argv.slice(1);
  const request = JSON.parse(requestJson);
  const [path, rawQueryString = ''] = request.path.split('?');
  const { handler } = await import(file);
  if (typeof handler !== 'function') throw new Error('no handler export');
  const routeKey = request.method + ' ' + path;
  const queryStringParameters = rawQueryString ? Object.fromEntries(new URLSearchParams(rawQueryString)) : undefined;
  const authorizer = request.claims ? { jwt: { claims: request.claims, scopes: null } } : undefined;
  const event = { version: '2.0', routeKey, rawPath: path, rawQueryString, queryStringParameters, headers: request.headers ?? {},
    body: request.body, isBase64Encoded: false,
    requestContext: { http: { method: request.method, path, sourceIp: '127.0.0.1' }, domainName: 'api.example.com', requestId: 'r1', routeKey, stage: '$default', authorizer } };
  const context = { functionName: 'probe', awsRequestId: 'r1', invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:probe', memoryLimitInMB: '512', getRemainingTimeInMillis: () => 1000 };
  const result = await handler(event, context);
  const body = raw === 'raw' ? String(result.body) : JSON.parse(result.body || 'null');
  console.log(JSON.stringify({ statusCode: result.statusCode, body }));`;

/** One API Gateway request; `claims` as from a caller the JWT authorizer let through. */
export interface ProbeRequest {
  method?: 'GET' | 'POST';
  /** The path and query; the route key is the path, so give paths without parameters. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  claims?: Record<string, string>;
}

export interface ProbeAnswer<Body = Record<string, unknown> | null> {
  statusCode: number;
  body: Body;
}

/**
 * The bundle's answer to `GET <path>` (default /health: health answers 200, the other JSON
 * functions a 4xx). The route key is the path, so give paths without parameters.
 */
export async function probeBundle(file: string, path = '/health', claims?: Record<string, string>): Promise<ProbeAnswer> {
  return requestBundle(file, { path, claims });
}

/** The bundle's JSON answer to any one request, in a process given `env` beside PATH. */
export async function requestBundle(file: string, request: ProbeRequest, env: Record<string, string> = {}): Promise<ProbeAnswer> {
  return JSON.parse(await run(file, 'json', request, env)) as ProbeAnswer;
}

/** The same, with the body as text (HTML pages). */
export async function probeBundleText(file: string, path: string): Promise<ProbeAnswer<string>> {
  return JSON.parse(await run(file, 'raw', { path })) as ProbeAnswer<string>;
}

/** Whether the bundle imports in a fresh process and exports a `handler` function (nothing is invoked). */
export async function loadsHandler(file: string): Promise<boolean> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', 'const m = await import(process.argv[1]); console.log(typeof m.handler)', file],
    { env: { PATH: process.env['PATH'], POWERTOOLS_LOG_LEVEL: 'SILENT' } },
  );
  return stdout.trim() === 'function';
}

async function run(file: string, mode: 'json' | 'raw', request: ProbeRequest, env: Record<string, string> = {}): Promise<string> {
  const argv = ['--input-type=module', '-e', PROBE, file, mode, JSON.stringify({ method: 'GET', ...request })];
  const { stdout } = await promisify(execFile)(process.execPath, argv, {
    env: { PATH: process.env['PATH'], POWERTOOLS_LOG_LEVEL: 'SILENT', ...env },
  });
  return stdout.trim().split('\n').pop()!;
}
