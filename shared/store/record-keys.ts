/** How records are keyed, shared by the adapters so both order and bound them alike. */
import { gunzipSync, gzipSync } from 'node:zlib';
import { toCacheJson } from './encoding';

/** The instant in one fixed form (`toISOString`), so that text order is time order. */
export function recordInstant(at: string): string {
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) throw new TypeError(`record instant is not a date: ${at.slice(0, 40)}`);
  return new Date(ms).toISOString();
}

/** The id as it goes into a key (escaped, so no id can forge another's key); ties of one instant sort by it. */
export const recordIdKey = (id: string): string => encodeURIComponent(id);

/** Values above this are stored gzip-compressed (as the cache does). */
const COMPRESS_ABOVE_BYTES = 64 * 1024;
/** DynamoDB's item limit is 400 KB with names and the other attributes: keep a margin. */
const MAX_VALUE_BYTES = 390 * 1024;

/** A record's value as stored: JSON text, gzip of it when large, or undefined when it cannot fit an item. */
export function packRecordValue(value: unknown): { json: string } | { gz: Uint8Array } | undefined {
  const json = toCacheJson(value);
  if (Buffer.byteLength(json, 'utf8') <= COMPRESS_ABOVE_BYTES) return { json };
  const gz = gzipSync(json);
  return gz.length <= MAX_VALUE_BYTES ? { gz } : undefined;
}

/** The value back from a stored item's `json` or `gz`. */
export function unpackRecordValue(packed: { json?: unknown; gz?: unknown }): unknown {
  if (typeof packed.json === 'string') return JSON.parse(packed.json);
  if (packed.gz instanceof Uint8Array) return JSON.parse(gunzipSync(packed.gz).toString('utf8'));
  throw new TypeError('stored record holds no value');
}
