/**
 * The public keys Google Health signs webhook notifications with, at
 * `PIERRE_FITBIT_WEBHOOK_KEYSET_URL` (default: the Tink keyset Google is reported to publish,
 * see notes.md): cached for an hour and fetched again early when no cached key verifies a
 * signature (keys rotate every 30 days, and a new key id is unknown until then), but never more
 * than once a minute (per container), whatever the deliveries say: between two fetches, an
 * unknown key id is simply forged. Only deliveries that carried the configured `Authorization`
 * secret get this far.
 *
 * Two keyset formats are read: Tink's JSON keyset (`{"primaryKeyId","key":[...]}`, tink.ts),
 * where each key says its signature prefix and encoding, and a JWK set (`{"keys":[...]}`, EC
 * P-256), where a signature is raw `r||s` or DER, optionally behind Tink's 5-byte prefix (0x01
 * and a 4-byte key id) that then picks the key by `kid`.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import * as z from '../../zod';
import type { ProviderHttp } from '../http';
import { SingleFlight } from '../../single-flight';
import { TinkKeysetSchema, tinkVerifyingKeys, type SignatureEncoding, type VerifyingKey } from './tink';

/** Reported (not in Google's own pages as of December 2026): the keyset Google Health signs notifications with. */
export const GOOGLE_HEALTH_KEYSET_URL = 'https://www.gstatic.com/googlehealthapi/webhooks/webhooks_public_keyset.json';

const KEYSET_TTL_MS = 3_600_000;
/** The shortest time between two fetches (a failed one counts), so no delivery can make us fetch at will. */
const KEYSET_MIN_REFETCH_MS = 60_000;
/** A 5-byte prefix and a DER signature of P-256 (at most 72 bytes); longer headers are not signatures. */
const MAX_SIGNATURE_BYTES = 77;
const MAX_JWKS = 32;

const JwkSchema = z.looseObject({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: z.string().check(z.minLength(1), z.maxLength(64)),
  y: z.string().check(z.minLength(1), z.maxLength(64)),
  kid: z.optional(z.string()),
});
const KeysetSchema = z.union([TinkKeysetSchema, z.object({ keys: z.array(z.unknown()).check(z.maxLength(MAX_JWKS)) })]);

export type Verdict = 'valid' | 'forged' | 'malformed' | 'unavailable';

/** Whether a key verifies the signature header's bytes over the body. */
type Key = (body: Buffer, signature: Buffer) => boolean;

interface Signature {
  kid: string | undefined;
  bytes: Buffer;
}

/** The bytes of a base64 (or base64url) signature header; undefined when it cannot be one. */
function headerBytes(header: string): Buffer | undefined {
  const text = header.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text) || text.length > Math.ceil(MAX_SIGNATURE_BYTES / 3) * 4) return undefined;
  const raw = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return raw.length >= 8 ? raw : undefined;
}

/** A signature for a JWK key: its key id when it carries Tink's prefix, and the ECDSA bytes. */
export function decodeSignature(header: string): Signature | undefined {
  const raw = headerBytes(header);
  return raw && jwkSignature(raw);
}

function jwkSignature(raw: Buffer): Signature | undefined {
  const tink = raw.length > 5 && raw[0] === 0x01 && (raw.length === 69 || raw[5] === 0x30);
  const bytes = tink ? raw.subarray(5) : raw;
  if (bytes.length !== 64 && !(bytes.length >= 8 && bytes.length <= 72 && bytes[0] === 0x30)) return undefined;
  return { kid: tink ? String(raw.readUInt32BE(1)) : undefined, bytes };
}

function checks(key: KeyObject, message: Buffer, signature: Buffer, encoding: SignatureEncoding): boolean {
  try {
    return verify('sha256', message, { key, dsaEncoding: encoding }, signature);
  } catch {
    return false;
  }
}

function tinkKey(k: VerifyingKey): Key {
  return (body, raw) => {
    if (raw.length <= k.prefix.length || !raw.subarray(0, k.prefix.length).equals(k.prefix)) return false;
    const message = k.appendZero ? Buffer.concat([body, Buffer.from([0])]) : body;
    return checks(k.key, message, raw.subarray(k.prefix.length), k.encoding);
  };
}

function jwkKey(kid: string | undefined, key: KeyObject): Key {
  return (body, raw) => {
    const signature = jwkSignature(raw);
    if (!signature || (signature.kid !== undefined && kid !== undefined && signature.kid !== kid)) return false;
    return checks(key, body, signature.bytes, signature.bytes.length === 64 ? 'ieee-p1363' : 'der');
  };
}

/** The usable keys of a fetched keyset, Tink or JWK (keys of other types or curves are skipped, not fatal). */
function keysOf(keyset: z.output<typeof KeysetSchema>): Key[] {
  if ('key' in keyset) return tinkVerifyingKeys(keyset.key).map(tinkKey);
  const keys: Key[] = [];
  for (const entry of keyset.keys) {
    const jwk = JwkSchema.safeParse(entry);
    if (!jwk.success) continue;
    try {
      keys.push(jwkKey(jwk.data.kid, createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.data.x, y: jwk.data.y }, format: 'jwk' })));
    } catch {
      // not a point of the curve
    }
  }
  return keys;
}

export class WebhookKeyset {
  private keys: Key[] | undefined;
  private fetchedAt = -Infinity;
  private attemptedAt = -Infinity;
  private readonly fetches = new SingleFlight<Key[]>();

  constructor(
    private readonly url: string,
    private readonly http: ProviderHttp,
    private readonly now: () => number,
  ) {}

  async verify(body: Buffer, header: string): Promise<Verdict> {
    const signature = headerBytes(header);
    if (!signature) return 'malformed';
    const cached = this.keys;
    const fresh = cached !== undefined && this.now() - this.fetchedAt < KEYSET_TTL_MS;
    const mayFetch = this.mayFetch();
    // Past the TTL the cached keys still serve while a fetch is not allowed yet.
    if (cached !== undefined && (fresh || !mayFetch)) {
      if (cached.some((key) => key(body, signature))) return 'valid';
      if (!mayFetch) return 'forged';
    }
    if (!mayFetch) return 'unavailable';
    try {
      return (await this.refetch()).some((key) => key(body, signature)) ? 'valid' : 'forged';
    } catch {
      return 'unavailable';
    }
  }

  /** Whether a fetch may start now: one is under way (shared), or the last began a minute ago or more. */
  private mayFetch(): boolean {
    return this.fetches.running('') || this.now() - this.attemptedAt >= KEYSET_MIN_REFETCH_MS;
  }

  /** One fetch at a time; concurrent deliveries share it. */
  private refetch(): Promise<Key[]> {
    return this.fetches.run('', async () => {
      this.attemptedAt = this.now();
      const { data } = await this.http.request({ url: this.url, schema: KeysetSchema });
      this.keys = keysOf(data);
      this.fetchedAt = this.now();
      return this.keys;
    });
  }
}
