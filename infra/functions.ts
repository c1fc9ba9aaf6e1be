/**
 * Every Lambda of the stack: its memory, timeout and the data it may touch. Memory buys CPU
 * too (Lambda scales both together), so the functions that verify JWTs, parse provider JSON
 * or merge several providers' answers get more than the ones that read a record or two.
 */
import { Duration } from 'aws-cdk-lib';
import { FUNCTION_NAMES, type FunctionName } from '../functions/routes';

/** `retry-worker` -> `RetryWorker`: how a function's name forms its construct ids (`RetryWorkerFunction`, `RetryWorkerErrors`). */
export const pascalCase = (name: string): string => name.replace(/(^|[-_])(\w)/g, (_m, _sep: string, c: string) => c.toUpperCase());

/** The functions no route reaches: the SQS consumers and the scheduled probe. */
type BackgroundFunctionName = 'retry-worker' | 'delivery-worker' | 'health-check';
export type LambdaName = FunctionName | BackgroundFunctionName;
export const LAMBDA_NAMES: readonly LambdaName[] = [...FUNCTION_NAMES, 'retry-worker', 'delivery-worker', 'health-check'];

/** `read`: GetItem and Query. `readWrite`: those and PutItem, UpdateItem, DeleteItem, BatchWriteItem. */
export type TableAccess = 'read' | 'readWrite';

export interface FunctionSpec {
  memoryMb: number;
  timeout: Duration;
  /** The durable table: connections, OAuth states, queued jobs. */
  connections?: TableAccess;
  /** Queries the durable table's provider-user index (finding a connection from a webhook's provider user id; the health check's page of tenants' apps). */
  providerUserIndex?: boolean;
  /** The cache table: cached answers and coordination (rate-limit gates, circuits, health records, leases). */
  cache?: TableAccess;
  /** Reads the configuration secret (provider client secrets, token keys); the others never hold them. */
  secrets?: true;
  /** `send` queues a job; `consume` is the event source's receive/delete (and send, to put a job back with a delay). */
  queue?: 'send' | 'consume';
  /** The event delivery queue: `send` publishes events (one message per endpoint); `consume` is the delivery worker. */
  deliveries?: 'send' | 'consume';
  /** The endpoint secrets table: `write` (put, rotate, delete; never read back) or `read` (the delivery worker alone). */
  endpointSecrets?: 'write' | 'read';
}

/** A provider answers within 10 s (shared/providers/http.ts) or the call fails. */
const HTTP = { memoryMb: 512, timeout: Duration.seconds(10) };

export const FUNCTION_SPECS: Record<LambdaName, FunctionSpec> = {
  // Two cache-table records per provider, no provider call: the smallest size answers in milliseconds.
  health: { memoryMb: 256, timeout: Duration.seconds(5), cache: 'read' },
  // Serves a prebuilt page or the OpenAPI document from memory; touches no table.
  web: { memoryMb: 256, timeout: Duration.seconds(5) },
  // Lists the user's connections; `?health=true` probes each provider (through the gates and circuits). It opens the
  // tenant's own app (sealed with the token keys) to say which credentials serve it, hence the secret.
  providers: { ...HTTP, connections: 'read', cache: 'readWrite', secrets: true },
  // Stores one OAuth state and answers a redirect; Terra's widget session is one provider call with its API key.
  connect: { ...HTTP, connections: 'readWrite', secrets: true },
  // Exchanges the code with the provider (one provider round trip plus the store writes) before it answers.
  // Publishes connection.created.
  callback: { memoryMb: 512, timeout: Duration.seconds(15), connections: 'readWrite', cache: 'readWrite', deliveries: 'send', secrets: true },
  // Publishes connection.revoked when the user disconnects.
  connections: { ...HTTP, connections: 'readWrite', cache: 'readWrite', deliveries: 'send', secrets: true },
  // Erasure: revokes at each provider in parallel, then deletes page by page until 2 s before its end, when a
  // queued continuation takes over; finds pending OAuth states through the durable table's index; publishes user.erased.
  users: {
    memoryMb: 512,
    timeout: Duration.seconds(20),
    connections: 'readWrite',
    providerUserIndex: true,
    cache: 'readWrite',
    queue: 'send',
    deliveries: 'send',
    secrets: true,
  },
  // Merges several providers' pages: more CPU for the JSON work; slow reads are handed to the queue as jobs.
  // A refused token refresh publishes connection.revoked.
  data: { memoryMb: 1024, timeout: Duration.seconds(10), connections: 'readWrite', cache: 'readWrite', queue: 'send', deliveries: 'send', secrets: true },
  // Reads and writes the small source-priority items of the tenant and the user.
  settings: { memoryMb: 256, timeout: Duration.seconds(5), connections: 'readWrite' },
  // A tenant admin's provider apps: one item of the durable table, sealed; calls no provider.
  'tenant-providers': { memoryMb: 256, timeout: Duration.seconds(5), connections: 'readWrite', secrets: true },
  // Reads one job record.
  jobs: { memoryMb: 256, timeout: Duration.seconds(5), connections: 'read' },
  mcp: { memoryMb: 1024, timeout: Duration.seconds(10), connections: 'readWrite', cache: 'readWrite', queue: 'send', deliveries: 'send', secrets: true },
  // Verifies a delivery, finds the connections by provider user (the index) and drops or marks stale their cached
  // answers; an unauthenticated deauthorization is first checked with one read at the provider.
  webhooks: { ...HTTP, connections: 'readWrite', providerUserIndex: true, cache: 'readWrite', deliveries: 'send', secrets: true },
  // Endpoints live in the durable table (with their count, in one transaction); their secrets are only written.
  endpoints: { memoryMb: 256, timeout: Duration.seconds(5), connections: 'readWrite', endpointSecrets: 'write' },
  // Reads events and attempts; a resend queues deliveries.
  events: { memoryMb: 256, timeout: Duration.seconds(5), connections: 'read', deliveries: 'send' },
  // A batch of up to 10 jobs runs in parallel, each a provider read with its retries: 30 s leaves room
  // for a slow provider's 10 s timeout and a retry. The queue's visibility timeout is 6x this.
  // Publishes job.succeeded / job.failed; also finishes erasures that ran out of time (users), hence the index.
  'retry-worker': {
    memoryMb: 1024,
    timeout: Duration.seconds(30),
    connections: 'readWrite',
    providerUserIndex: true,
    cache: 'readWrite',
    queue: 'consume',
    deliveries: 'send',
    secrets: true,
  },
  // Up to 10 deliveries in parallel, each one POST bounded by a 10 s timeout; the only function that reads endpoint secrets.
  'delivery-worker': { memoryMb: 256, timeout: Duration.seconds(30), connections: 'readWrite', deliveries: 'consume', endpointSecrets: 'read' },
  // Probes every provider in parallel (each bounded by the 10 s HTTP timeout) and writes its health
  // and circuit records to the cache table; reads no connection and no token, but a page of tenants'
  // own apps (the durable table's index, sealed with the token keys, hence the secret) to probe them too.
  'health-check': { memoryMb: 256, timeout: Duration.seconds(20), connections: 'read', providerUserIndex: true, cache: 'readWrite', secrets: true },
};

export const SECRETS_TABLE_ACTIONS: Record<NonNullable<FunctionSpec['endpointSecrets']>, readonly string[]> = {
  write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  read: ['dynamodb:GetItem'],
};

export const TABLE_ACTIONS: Record<TableAccess, readonly string[]> = {
  read: ['dynamodb:GetItem', 'dynamodb:Query'],
  readWrite: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
};
