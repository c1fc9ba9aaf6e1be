/**
 * X-Ray subsegments for the calls an invocation makes (DynamoDB, SQS, Secrets Manager, each
 * provider request), sent to the Lambda X-Ray daemon over UDP the way the X-Ray SDKs do, so a
 * trace shows where the time went. Written here rather than taken from the X-Ray SDK (which
 * Powertools Tracer wraps): that adds ~127 kB to every bundle and async hooks to every await,
 * against a 250 kB and 60 ms cold-start budget. Nothing is sent unless Lambda sampled the request.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';

/** The trace context Lambda sets per invocation: `Root=1-…;Parent=…;Sampled=1`. */
interface TraceContext {
  traceId: string;
  parentId: string;
}

function traceContext(): TraceContext | undefined {
  const header = process.env['_X_AMZN_TRACE_ID'];
  if (!header) return undefined;
  const fields = new Map(header.split(';').map((part) => part.split('=', 2) as [string, string]));
  const traceId = fields.get('Root');
  const parentId = fields.get('Parent');
  if (!traceId || !parentId || fields.get('Sampled') !== '1') return undefined;
  return { traceId, parentId };
}

let socket: Socket | undefined;

function daemon(): { host: string; port: number } | undefined {
  const address = process.env['AWS_XRAY_DAEMON_ADDRESS'];
  const match = address ? /^([^:\s]+):(\d+)$/.exec(address.split(' ')[0]!) : null;
  return match ? { host: match[1]!, port: Number(match[2]) } : undefined;
}

/** What a subsegment says about the call, beyond its name and times. */
interface CallFacts {
  namespace: 'aws' | 'remote';
  aws?: Record<string, string | undefined>;
  http?: { request: { method: string; url: string }; response?: { status?: number } };
  /** 5xx or a transport failure. */
  fault?: boolean;
  /** 4xx. */
  error?: boolean;
  /** 429 or a throttling error. */
  throttle?: boolean;
}

function send(name: string, startMs: number, endMs: number, facts: CallFacts, trace: TraceContext): void {
  const target = daemon();
  if (!target) return;
  const document = {
    id: randomBytes(8).toString('hex'),
    name: name.slice(0, 200),
    trace_id: trace.traceId,
    parent_id: trace.parentId,
    type: 'subsegment',
    start_time: startMs / 1000,
    end_time: endMs / 1000,
    ...facts,
  };
  socket ??= createSocket('udp4').unref();
  // Best effort, like the X-Ray SDKs: a lost datagram loses a subsegment, never a request.
  socket.send(`{"format":"json","version":1}\n${JSON.stringify(document)}`, target.port, target.host, () => undefined);
}

/** Runs `call` and, when the invocation is sampled, records it as a subsegment described by `describe`. */
async function traced<T>(name: string, call: () => Promise<T>, describe: (result: T | undefined, error: unknown) => CallFacts): Promise<T> {
  const trace = traceContext();
  if (!trace) return call();
  const start = Date.now();
  try {
    const result = await call();
    send(name, start, Date.now(), describe(result, undefined), trace);
    return result;
  } catch (error) {
    send(name, start, Date.now(), describe(undefined, error), trace);
    throw error;
  }
}

const statusFacts = (status: number | undefined) => ({
  fault: status === undefined || status >= 500,
  error: status !== undefined && status >= 400 && status < 500,
  throttle: status === 429,
});

/** A fetch that records each request (origin and path only: query strings can hold codes or tokens). */
export function tracedFetch(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    return traced(
      url.host,
      () => fetch(input, init),
      (response) => ({
        namespace: 'remote',
        http: { request: { method, url: `${url.origin}${url.pathname}` }, response: { status: response?.status } },
        ...statusFacts(response?.status),
      }),
    );
  };
}

/** The part of an SDK v3 client's middleware stack used here (its own types vary per client). */
type AddInitializeMiddleware = (
  middleware: (next: (args: unknown) => Promise<unknown>, context: Record<string, unknown>) => (args: unknown) => Promise<unknown>,
  options: { step: 'initialize'; name: string },
) => void;

/** Records each AWS SDK call of this client (operation, table or queue, request id, status). */
export function traceAwsClient<C extends { middlewareStack: object }>(client: C): C {
  const stack = client.middlewareStack as { add: AddInitializeMiddleware };
  stack.add(
    (next, context) => async (args) => {
      const input = ((args as { input?: Record<string, unknown> }).input ?? {}) as Record<string, unknown>;
      const service = String(context['clientName'] ?? 'AWS').replace(/Client$/, '');
      const operation = String(context['commandName'] ?? '').replace(/Command$/, '');
      return traced(
        service,
        () => next(args),
        (result, error) => {
          const metadata =
            (result as { output?: { $metadata?: Meta } } | undefined)?.output?.$metadata ?? (error as { $metadata?: Meta } | undefined)?.$metadata ?? {};
          const status = metadata.httpStatusCode ?? (error ? undefined : 200);
          return {
            namespace: 'aws',
            aws: {
              operation,
              table_name: typeof input['TableName'] === 'string' ? input['TableName'] : undefined,
              queue_url: typeof input['QueueUrl'] === 'string' ? input['QueueUrl'] : undefined,
              request_id: metadata.requestId,
            },
            ...statusFacts(status),
            throttle: status === 429 || /Throttl|ProvisionedThroughputExceeded/.test((error as Error | undefined)?.name ?? ''),
          };
        },
      );
    },
    { step: 'initialize', name: 'pierreXRay' },
  );
  return client;
}

interface Meta {
  httpStatusCode?: number;
  requestId?: string;
}
