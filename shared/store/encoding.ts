/** Small encodings shared by the memory and DynamoDB adapters, so both behave the same. */
import { createHash } from 'node:crypto';

/** Stores key OAuth states by this hash, never by the state value itself. */
export const hashState = (state: string): string => createHash('sha256').update(state, 'utf8').digest('hex');

/** Cache values must survive a JSON round trip; both adapters store the JSON text. */
export function toCacheJson(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) throw new TypeError('cache value must be JSON-serializable (got undefined or a function)');
  return json;
}
