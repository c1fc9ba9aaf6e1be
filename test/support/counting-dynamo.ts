/**
 * A DynamoDB client that records every call its stores make (operation, partition key, start
 * and end), for the gate's call-count contract test and bench/ddb-calls.ts.
 *
 * Waves: calls that overlap in time form one wave; a call that starts after every earlier
 * call has ended starts the next. A request's waves are the round trips it waits for in turn.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Stores } from '../../shared/app/container';
import { createDocumentClient } from '../../shared/store/dynamodb/client';
import { DynamoCacheStore } from '../../shared/store/dynamodb/cache';
import { DynamoConnectionStore } from '../../shared/store/dynamodb/connections';
import { DynamoOAuthStateStore } from '../../shared/store/dynamodb/oauth-state';
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

export function kindOf(pk: string): string {
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

/** Stores over a client that records its calls; `take()` returns and clears what was recorded. */
export async function countingDynamo(tables: { connections: string; cache: string }, tokenKeysJson: string) {
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
  const doc = await createDocumentClient(client);
  const cipher = new TokenCipher(parseTokenKeys(tokenKeysJson));
  const stores: Stores = {
    connections: new DynamoConnectionStore(doc, tables.connections, cipher),
    states: new DynamoOAuthStateStore(doc, tables.connections),
    cache: new DynamoCacheStore(doc, tables.cache),
    coordination: new DynamoStateStore(doc, tables.cache),
    jobs: new DynamoStateStore(doc, tables.connections),
  };
  return {
    stores,
    take(): DynamoCall[] {
      const out = recorded;
      recorded = [];
      return out;
    },
    destroy: () => client.destroy(),
  };
}
