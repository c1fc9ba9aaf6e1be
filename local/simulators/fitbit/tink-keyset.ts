/**
 * Writes Tink JSON public keysets of ECDSA P-256 keys, as Google Health publishes its webhook
 * keys: the simulator serves one, and tests build their own (wrong prefixes, disabled keys).
 */
import type { KeyObject } from 'node:crypto';

export interface TinkKeyInput {
  keyId: number;
  publicKey: KeyObject;
  status?: 'ENABLED' | 'DISABLED' | 'DESTROYED';
  outputPrefixType?: 'TINK' | 'LEGACY' | 'CRUNCHY' | 'RAW';
  encoding?: 'der' | 'ieee-p1363';
}

function varint(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return out;
}

const varintField = (field: number, value: number) => [...varint(field * 8), ...varint(value)];
const bytesField = (field: number, bytes: Uint8Array) => [...varint(field * 8 + 2), ...varint(bytes.length), ...bytes];

/** A coordinate as Tink's Java writes it: a two's-complement big integer, so a high first bit gets a 0x00 before it. */
function coordinate(base64url: string): Buffer {
  const bytes = Buffer.from(base64url, 'base64url');
  return bytes[0]! >= 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}

/** The `EcdsaPublicKey` protocol buffer of a P-256 key (hash SHA256 = 3, curve NIST_P256 = 2, encoding IEEE_P1363 = 1 or DER = 2). */
export function ecdsaPublicKeyProto(publicKey: KeyObject, encoding: 'der' | 'ieee-p1363'): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  const params = [...varintField(1, 3), ...varintField(2, 2), ...varintField(3, encoding === 'der' ? 2 : 1)];
  return Buffer.from([
    ...varintField(1, 0),
    ...bytesField(2, Uint8Array.from(params)),
    ...bytesField(3, coordinate(jwk.x!)),
    ...bytesField(4, coordinate(jwk.y!)),
  ]);
}

/** `{"primaryKeyId","key":[...]}` as Tink's JSON keyset writer lays it out. */
export function tinkPublicKeyset(keys: readonly TinkKeyInput[], primaryKeyId = keys[0]?.keyId ?? 0) {
  return {
    primaryKeyId,
    key: keys.map((k) => ({
      keyData: {
        typeUrl: 'type.googleapis.com/google.crypto.tink.EcdsaPublicKey',
        value: ecdsaPublicKeyProto(k.publicKey, k.encoding ?? 'der').toString('base64'),
        keyMaterialType: 'ASYMMETRIC_PUBLIC',
      },
      status: k.status ?? 'ENABLED',
      keyId: k.keyId,
      outputPrefixType: k.outputPrefixType ?? 'TINK',
    })),
  };
}
