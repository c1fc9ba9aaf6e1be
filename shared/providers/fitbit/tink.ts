/**
 * Tink's public keysets, as Google Health publishes its webhook keys (reported, see
 * shared/providers/fitbit/notes.md): JSON `{"primaryKeyId", "key": [{"keyData": {"typeUrl",
 * "value", "keyMaterialType"}, "status", "keyId", "outputPrefixType"}]}` where `value` is the
 * base64 of an `EcdsaPublicKey` protocol buffer. Only what a verifier needs is read: enabled
 * ECDSA P-256 / SHA-256 keys; anything else in the keyset is skipped, never fatal.
 *
 * Output prefixes (what precedes the signature bytes): TINK = 0x01 and the 4-byte big-endian key
 * id; LEGACY and CRUNCHY = 0x00 and the key id, LEGACY signing the message followed by one 0x00
 * byte; RAW = nothing.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import * as z from '../../zod';

const ECDSA_PUBLIC_KEY_TYPE_URL = 'type.googleapis.com/google.crypto.tink.EcdsaPublicKey';

/** A keyset larger than this is not Google's: refused whole (the fetch counts as failed). */
const MAX_KEYS = 32;
/** A P-256 `EcdsaPublicKey` takes about 80 bytes; its base64 stays far below this. */
const MAX_KEY_VALUE_CHARS = 1_024;

/** Tink's enum values (tink/proto/common.proto and ecdsa.proto). */
const SHA256 = 3;
const NIST_P256 = 2;
const IEEE_P1363 = 1;
const DER = 2;

export type SignatureEncoding = 'der' | 'ieee-p1363';

/** One key a signature can be checked with. */
export interface VerifyingKey {
  /** The bytes a signature by this key starts with (empty for RAW). */
  prefix: Buffer;
  encoding: SignatureEncoding;
  /** LEGACY keys sign the message followed by a zero byte. */
  appendZero: boolean;
  key: KeyObject;
}

const TinkKeySchema = z.looseObject({
  keyData: z.looseObject({
    typeUrl: z.string(),
    value: z.string().check(z.maxLength(MAX_KEY_VALUE_CHARS)),
    keyMaterialType: z.optional(z.string()),
  }),
  status: z.string(),
  keyId: z.number().check(z.int(), z.gte(0), z.lte(0xffff_ffff)),
  outputPrefixType: z.string(),
});

/** A Tink JSON keyset: its entries are checked one by one (an odd key is skipped). */
export const TinkKeysetSchema = z.looseObject({
  primaryKeyId: z.optional(z.number()),
  key: z.array(z.unknown()).check(z.maxLength(MAX_KEYS)),
});

// ---- a bounded protocol-buffer reader -------------------------------------------------------

type FieldValue = number | Uint8Array;

/** Reads a varint at `pos`; undefined past the end or longer than 7 bytes (49 bits: no field a key holds is larger, and it stays exact). */
function varint(bytes: Uint8Array, pos: number): { value: number; next: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let i = pos; i < bytes.length && i < pos + 7; i += 1) {
    const byte = bytes[i]!;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return { value, next: i + 1 };
    scale *= 128;
  }
  return undefined;
}

/**
 * The top-level fields of one message, by field number (the last occurrence wins, as protobuf
 * merges scalars); undefined when the bytes are not a well-formed message. Work is linear in
 * the input: each step consumes at least one byte.
 */
export function readMessage(bytes: Uint8Array): Map<number, FieldValue> | undefined {
  const fields = new Map<number, FieldValue>();
  let pos = 0;
  while (pos < bytes.length) {
    const tag = varint(bytes, pos);
    if (!tag) return undefined;
    const field = Math.floor(tag.value / 8);
    const wireType = tag.value % 8;
    if (field === 0) return undefined;
    pos = tag.next;
    if (wireType === 0) {
      const v = varint(bytes, pos);
      if (!v) return undefined;
      fields.set(field, v.value);
      pos = v.next;
    } else if (wireType === 2) {
      const length = varint(bytes, pos);
      if (!length || length.next + length.value > bytes.length) return undefined;
      fields.set(field, bytes.subarray(length.next, length.next + length.value));
      pos = length.next + length.value;
    } else if (wireType === 1 || wireType === 5) {
      pos += wireType === 1 ? 8 : 4;
      if (pos > bytes.length) return undefined;
    } else {
      return undefined; // groups (3, 4) are obsolete and no Tink key uses them
    }
  }
  return fields;
}

const numberField = (fields: Map<number, FieldValue>, n: number) => {
  const v = fields.get(n);
  return v === undefined ? 0 : typeof v === 'number' ? v : undefined;
};
const bytesField = (fields: Map<number, FieldValue>, n: number) => {
  const v = fields.get(n);
  return v instanceof Uint8Array ? v : undefined;
};

/** A big-endian coordinate as 32 bytes: Tink may add a leading zero byte (or several). */
function coordinate(bytes: Uint8Array | undefined): Buffer | undefined {
  if (!bytes) return undefined;
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start += 1;
  const significant = bytes.subarray(start);
  if (significant.length > 32) return undefined;
  const out = Buffer.alloc(32);
  out.set(significant, 32 - significant.length);
  return out;
}

/**
 * An `EcdsaPublicKey` (1 version, 2 params {1 hash_type, 2 curve, 3 encoding}, 3 x, 4 y) as a
 * P-256 public key and its signature encoding; undefined when it is malformed, of another curve
 * or hash, or not a point of the curve.
 */
export function readEcdsaPublicKey(bytes: Uint8Array): { key: KeyObject; encoding: SignatureEncoding } | undefined {
  const message = readMessage(bytes);
  if (!message || numberField(message, 1) !== 0) return undefined;
  const params = readMessage(bytesField(message, 2) ?? new Uint8Array());
  if (!params || numberField(params, 1) !== SHA256 || numberField(params, 2) !== NIST_P256) return undefined;
  const encodingValue = numberField(params, 3);
  const encoding = encodingValue === DER ? 'der' : encodingValue === IEEE_P1363 ? 'ieee-p1363' : undefined;
  const x = coordinate(bytesField(message, 3));
  const y = coordinate(bytesField(message, 4));
  if (!encoding || !x || !y) return undefined;
  try {
    // Node refuses a point that is not on the curve.
    const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: x.toString('base64url'), y: y.toString('base64url') }, format: 'jwk' });
    return { key, encoding };
  } catch {
    return undefined;
  }
}

function prefixOf(type: string, keyId: number): { prefix: Buffer; appendZero: boolean } | undefined {
  if (type === 'RAW') return { prefix: Buffer.alloc(0), appendZero: false };
  const first = type === 'TINK' ? 0x01 : type === 'LEGACY' || type === 'CRUNCHY' ? 0x00 : undefined;
  if (first === undefined) return undefined;
  const prefix = Buffer.alloc(5);
  prefix[0] = first;
  prefix.writeUInt32BE(keyId, 1);
  return { prefix, appendZero: type === 'LEGACY' };
}

/** The enabled ECDSA P-256 keys of a Tink keyset's entries (others are skipped). */
export function tinkVerifyingKeys(entries: readonly unknown[]): VerifyingKey[] {
  const keys: VerifyingKey[] = [];
  for (const entry of entries) {
    const parsed = TinkKeySchema.safeParse(entry);
    if (!parsed.success) continue;
    const { keyData, status, keyId, outputPrefixType } = parsed.data;
    if (status !== 'ENABLED' || keyData.typeUrl !== ECDSA_PUBLIC_KEY_TYPE_URL) continue;
    if (keyData.keyMaterialType !== undefined && keyData.keyMaterialType !== 'ASYMMETRIC_PUBLIC') continue;
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(keyData.value)) continue;
    const publicKey = readEcdsaPublicKey(Buffer.from(keyData.value, 'base64'));
    const output = prefixOf(outputPrefixType, keyId);
    if (publicKey && output) keys.push({ ...publicKey, ...output });
  }
  return keys;
}
