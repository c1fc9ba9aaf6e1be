/**
 * Stores over DynamoDB whose client records every call (operation, partition key, start, end,
 * whether its condition failed): what a request costs DynamoDB, measured at the SDK. Used by the
 * gate's and the webhooks' call-count tests and by bench/ddb-calls.ts and bench/webhooks.ts.
 *
 * Waves: calls that overlap in time form one wave; a call that starts after every earlier
 * call has ended starts the next. A request's waves are the round trips it waits for in turn.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Stores } from '../../shared/app/container';
import { createDocumentClient } from '../../shared/store/dynamodb/client';
import { DynamoCacheStore } from '../../shared/store/dynamodb/cache';
import { DynamoConnectionStore } from '../../shared/store/dynamodb/connections';
import { DynamoOAuthStateStore } from '../../shared/store/dynamodb/oauth-state';
import { DynamoRecordStore } from '../../shared/store/dynamodb/records';
import { ensureTables } from '../../shared/store/dynamodb/schema';
import { DynamoStateStore } from '../../shared/store/dynamodb/state';
import { parseTokenKeys, TokenCipher } from '../../shared/store/token-cipher';

export interface DynamoCall {
  operation: string;
  /** The partition key the call names (first key of a batch), '' for scans. */
  pk: string;
  startMs: number;
  endMs: number;
  failed: boolean;
}

export interface CallSummary {
  calls: number;
  waves: number;
  /** Calls by kind: gate, circuit, lease, cache, connection, other. */
  byKind: Record<string, number>;
  /** Writes (PutItem, UpdateItem, DeleteItem) that succeeded and that failed their condition. */
  writes: number;
  failedWrites: number;
  reads: number;
  operations: string[];
}

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);

const keyOf = (input: Record<string, unknown>): string => {
  const key = (input['Key'] ?? input['Item']) as Record<string, unknown> | undefined;
  const pk = key?.['pk'] as { S?: string } | string | undefined;
  if (typeof pk === 'string') return pk;
  if (pk?.S) return pk.S;
  const values = input['ExpressionAttributeValues'] as Record<string, { S?: string } | string> | undefined;
  const first = values?.[':pk'];
  return typeof first === 'string' ? first : (first?.S ?? '');
};

function kindOf(pk: string): string {
  if (pk.startsWith('gate#')) return 'gate';
  if (pk === 'circuit') return 'circuit';
  if (pk.startsWith('lease#')) return 'lease';
  if (pk.startsWith('tenant:')) return 'cache';
  if (pk.startsWith('USER#')) return 'connection';
  return 'other';
}

export function summarize(calls: readonly DynamoCall[], kind: (pk: string) => string = kindOf): CallSummary {
  const sorted = [...calls].sort((a, b) => a.startMs - b.startMs);
  let waves = 0;
  let waveEnd = Number.NEGATIVE_INFINITY;
  for (const call of sorted) {
    if (call.startMs >= waveEnd) waves += 1;
    waveEnd = Math.max(waveEnd, call.endMs);
  }
  const byKind: Record<string, number> = {};
  for (const call of calls) byKind[kind(call.pk)] = (byKind[kind(call.pk)] ?? 0) + 1;
  const writes = calls.filter((c) => WRITES.has(c.operation));
  return {
    calls: calls.length,
    waves,
    byKind,
    writes: writes.filter((c) => !c.failed).length,
    failedWrites: writes.filter((c) => c.failed).length,
    reads: calls.length - writes.length,
    operations: sorted.map((c) => `${c.operation.replace(/Command$/, '')} ${kind(c.pk)}${c.failed ? ' (condition failed)' : ''}`),
  };
}

/** The most calls in flight at once among `calls` (one still running counts until now). */
function peakInFlight(calls: readonly DynamoCall[]): number {
  const edges = calls.flatMap((c) => [
    [c.startMs, 1],
    [c.endMs || Number.POSITIVE_INFINITY, -1],
  ]);
  edges.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let now = 0;
  let peak = 0;
  for (const [, step] of edges) peak = Math.max(peak, (now += step!));
  return peak;
}

/**
 * Creates the tables when missing (AWS_ENDPOINT_URL must name moto) and stores over a client
 * that records its calls. `take()` returns and clears what was recorded; `reset()` clears it.
 */
export async function countingDynamo(
  tables: { connections: string; cache: string },
  tokenKeys = JSON.stringify([{ id: 'k1', key: randomBytes(32).toString('base64') }]),
) {
  const client = new DynamoDBClient({});
  let recorded: DynamoCall[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const call: DynamoCall = {
        operation: String(context.commandName ?? 'unknown'),
        pk: keyOf((args.input ?? {}) as Record<string, unknown>),
        startMs: performance.now(),
        endMs: 0,
        failed: false,
      };
      recorded.push(call);
      try {
        return await next(args);
      } catch (error) {
        call.failed = true;
        throw error;
      } finally {
        call.endMs = performance.now();
      }
    },
    { step: 'initialize', name: 'countCalls' },
  );
  await ensureTables(client, tables);
  recorded = [];
  const doc = await createDocumentClient(client);
  const cipher = new TokenCipher(parseTokenKeys(tokenKeys));
  const stores: Stores = {
    connections: new DynamoConnectionStore(doc, tables.connections, cipher),
    states: new DynamoOAuthStateStore(doc, tables.connections),
    cache: new DynamoCacheStore(doc, tables.cache),
    coordination: new DynamoStateStore(doc, tables.cache),
    jobs: new DynamoStateStore(doc, tables.connections),
    records: new DynamoRecordStore(doc, tables.connections),
  };
  return {
    stores,
    tables,
    tokenKeys,
    take(): DynamoCall[] {
      const out = recorded;
      recorded = [];
      return out;
    },
    reset: () => void (recorded = []),
    /** Calls since the last take/reset, all or of one command (`QueryCommand`, ...). */
    count: (operation?: string) => recorded.filter((c) => operation === undefined || c.operation === operation).length,
    peakInFlight: () => peakInFlight(recorded),
    destroy: () => client.destroy(),
  };
}

export type CountingDynamo = Awaited<ReturnType<typeof countingDynamo>>;
