/**
 * The public keys Google Health signs webhook notifications with: a JWK set (EC P-256) at
 * `PIERRE_FITBIT_WEBHOOK_KEYSET_URL`, cached for an hour and fetched again early when a
 * signature names a key id the cache lacks or no cached key verifies it (keys rotate every 30
 * days), but never more than once a minute (per container), whatever the deliveries say:
 * between two fetches, an unknown key id is simply forged. Only deliveries that carried the
 * configured `Authorization` secret get this far.
 *
 * A signature is base64 (or base64url) of the ECDSA signature, raw `r||s` or DER. When it
 * starts with Tink's 5-byte prefix (0x01 and a 4-byte key id) that key id picks the key.
 */
import { KeyObject, verify } from 'node:crypto';
import { importJWK } from 'jose';
import * as z from '../../zod';
import type { ProviderHttp } from '../http';
import { SingleFlight } from '../../single-flight';

const KEYSET_TTL_MS = 3_600_000;
/** The shortest time between two fetches (a failed one counts), so no delivery can make us fetch at will. */
const KEYSET_MIN_REFETCH_MS = 60_000;

const JwkSchema = z.looseObject({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: z.string().check(z.minLength(1)),
  y: z.string().check(z.minLength(1)),
  kid: z.optional(z.string()),
});
const KeysetSchema = z.object({ keys: z.array(z.unknown()) });

export type Verdict = 'valid' | 'forged' | 'malformed' | 'unavailable';

interface Key {
  kid: string | undefined;
  key: KeyObject;
}

interface Signature {
  kid: string | undefined;
  bytes: Buffer;
}

/** Decodes a signature header; undefined when it is not base64 of an ECDSA signature. */
export function decodeSignature(header: string): Signature | undefined {
  const text = header.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return undefined;
  const raw = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  const tink = raw.length > 5 && raw[0] === 0x01 && (raw.length === 69 || raw[5] === 0x30);
  const bytes = tink ? raw.subarray(5) : raw;
  if (bytes.length !== 64 && !(bytes.length >= 8 && bytes.length <= 72 && bytes[0] === 0x30)) return undefined;
  return { kid: tink ? String(raw.readUInt32BE(1)) : undefined, bytes };
}

function checks(key: KeyObject, body: Buffer, signature: Buffer): boolean {
  try {
    return verify('sha256', body, { key, dsaEncoding: signature.length === 64 ? 'ieee-p1363' : 'der' }, signature);
  } catch {
    return false;
  }
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
    const signature = decodeSignature(header);
    if (!signature) return 'malformed';
    const cached = this.keys;
    const fresh = cached !== undefined && this.now() - this.fetchedAt < KEYSET_TTL_MS;
    const mayFetch = this.mayFetch();
    // Past the TTL the cached keys still serve while a fetch is not allowed yet.
    if (cached !== undefined && (fresh || !mayFetch)) {
      if (this.matches(cached, signature, body)) return 'valid';
      if (!mayFetch) return 'forged';
    }
    if (!mayFetch) return 'unavailable';
    try {
      return this.matches(await this.refetch(), signature, body) ? 'valid' : 'forged';
    } catch {
      return 'unavailable';
    }
  }

  /** Whether a fetch may start now: one is under way (shared), or the last began a minute ago or more. */
  private mayFetch(): boolean {
    return this.fetches.running('') || this.now() - this.attemptedAt >= KEYSET_MIN_REFETCH_MS;
  }

  private matches(keys: readonly Key[], signature: Signature, body: Buffer): boolean {
    const candidates = signature.kid === undefined ? keys : keys.filter((k) => k.kid === signature.kid);
    return candidates.some((k) => checks(k.key, body, signature.bytes));
  }

  /** One fetch at a time; concurrent deliveries share it. */
  private refetch(): Promise<Key[]> {
    return this.fetches.run('', () => {
      this.attemptedAt = this.now();
      return this.load();
    });
  }

  private async load(): Promise<Key[]> {
    const { data } = await this.http.request({ url: this.url, schema: KeysetSchema });
    const keys: Key[] = [];
    // Keys of other types or curves are skipped, not fatal.
    for (const entry of data.keys) {
      const jwk = JwkSchema.safeParse(entry);
      if (!jwk.success) continue;
      const imported = await importJWK({ kty: 'EC', crv: 'P-256', x: jwk.data.x, y: jwk.data.y }, 'ES256');
      if (imported instanceof Uint8Array) continue;
      keys.push({ kid: jwk.data.kid, key: KeyObject.from(imported) });
    }
    this.keys = keys;
    this.fetchedAt = this.now();
    return keys;
  }
}
