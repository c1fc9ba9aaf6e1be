/**
 * AES-256-GCM sealing of secrets at rest, with key ids for rotation: the first key seals, any
 * listed key opens. Sealed format: `v1.<kid>.<iv>.<ciphertext>.<tag>` (base64url parts).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import * as z from '../zod';

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Key ids travel inside the sealed string, so they must not contain its `.` separator. */
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface TokenKey {
  id: string;
  key: Buffer;
}

export class TokenCipherError extends Error {
  override readonly name = 'TokenCipherError';
}

function toBuffer(aad: string | Uint8Array): Buffer {
  return typeof aad === 'string' ? Buffer.from(aad, 'utf8') : Buffer.from(aad);
}

export class TokenCipher {
  /** The cipher of a function deployed without token keys: sealing or opening is refused, never done with a stand-in key. */
  static withheld(): TokenCipher {
    return new WithheldTokenCipher([generateDevKey()]);
  }

  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly #current: TokenKey;

  constructor(keys: readonly TokenKey[]) {
    const [first] = keys;
    if (!first) throw new TokenCipherError('TokenCipher needs at least one key');
    const map = new Map<string, Buffer>();
    for (const { id, key } of keys) {
      if (!KEY_ID_PATTERN.test(id)) {
        throw new TokenCipherError(`invalid key id '${id}': use 1-64 characters of A-Z a-z 0-9 _ -`);
      }
      if (key.length !== KEY_BYTES) {
        throw new TokenCipherError(`key '${id}' must be ${KEY_BYTES} bytes, got ${key.length}`);
      }
      if (map.has(id)) throw new TokenCipherError(`duplicate key id '${id}'`);
      map.set(id, Buffer.from(key));
    }
    this.#keys = map;
    this.#current = { id: first.id, key: map.get(first.id)! };
  }

  /** The id of the key that seals. */
  get currentKeyId(): string {
    return this.#current.id;
  }

  seal(plaintext: string, aad: string | Uint8Array): string {
    const { id, key } = this.#current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(this.#fullAad(id, aad));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, id, iv.toString('base64url'), ciphertext.toString('base64url'), tag.toString('base64url')].join('.');
  }

  open(sealed: string, aad: string | Uint8Array): string {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION) {
      throw new TokenCipherError(`not a ${VERSION} sealed value`);
    }
    const [, id, ivPart, ctPart, tagPart] = parts as [string, string, string, string, string];
    const key = this.#keys.get(id);
    if (!key) throw new TokenCipherError(`unknown key id '${id}'`);
    const iv = Buffer.from(ivPart, 'base64url');
    const tag = Buffer.from(tagPart, 'base64url');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
      throw new TokenCipherError('malformed sealed value');
    }
    try {
      const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(this.#fullAad(id, aad));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(ctPart, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new TokenCipherError('could not decrypt: the data was tampered with or the associated data (AAD) does not match');
    }
  }

  /** The version and key id are authenticated too, so a sealed value cannot be relabelled. */
  #fullAad(keyId: string, aad: string | Uint8Array): Buffer {
    return Buffer.concat([Buffer.from(`${VERSION}.${keyId}.`, 'utf8'), toBuffer(aad)]);
  }
}

const TokenKeysSchema = z
  .array(
    z.object({
      id: z.string().check(z.regex(KEY_ID_PATTERN, 'key id must be 1-64 characters of A-Z a-z 0-9 _ -')),
      key: z.base64('key must be base64').check(z.refine((b64) => Buffer.from(b64, 'base64').length === KEY_BYTES, `key must decode to ${KEY_BYTES} bytes`)),
    }),
  )
  .check(
    z.minLength(1, 'at least one key is required'),
    z.superRefine((keys, ctx) => {
      const seen = new Set<string>();
      keys.forEach(({ id }, index) => {
        if (seen.has(id)) ctx.addIssue({ code: 'custom', message: `duplicate key id '${id}'`, path: [index, 'id'] });
        seen.add(id);
      });
    }),
  );

/**
 * Parses `[{"id": "...", "key": "<base64 of 32 bytes>"}, ...]`, first key = sealing key.
 * Error messages never include key material.
 */
export function parseTokenKeys(json: string): TokenKey[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new TokenCipherError('token keys: not valid JSON (expected [{"id": "...", "key": "<base64>"}])');
  }
  const parsed = TokenKeysSchema.safeParse(raw);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`).join('; ');
    throw new TokenCipherError(`token keys: ${details}`);
  }
  return parsed.data.map(({ id, key }) => ({ id, key: Buffer.from(key, 'base64') }));
}

/** A random key for local runs and tests; never for deployed stages. */
export function generateDevKey(): TokenKey {
  return { id: `dev-${randomBytes(6).toString('hex')}`, key: randomBytes(KEY_BYTES) };
}

class WithheldTokenCipher extends TokenCipher {
  override seal(): string {
    throw new Error('This function holds no token keys (PIERRE_SECRETS_WITHHELD): it may not seal tokens');
  }

  override open(): string {
    throw new Error('This function holds no token keys (PIERRE_SECRETS_WITHHELD): it may not open tokens');
  }
}
