import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateDevKey, parseTokenKeys, TokenCipher, TokenCipherError } from '../../shared/store/token-cipher';

const key = (id: string) => ({ id, key: randomBytes(32) });
const b64 = (bytes: number) => randomBytes(bytes).toString('base64');

describe('TokenCipher', () => {
  it('round-trips text and produces the compact v1 format', () => {
    const cipher = new TokenCipher([key('k1')]);
    const sealed = cipher.seal('access-token-123', 'aad');
    expect(sealed).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{22}$/);
    expect(sealed).not.toContain('access-token-123');
    expect(cipher.open(sealed, 'aad')).toBe('access-token-123');
  });

  it('uses a fresh IV each time', () => {
    const cipher = new TokenCipher([key('k1')]);
    expect(cipher.seal('same', 'aad')).not.toBe(cipher.seal('same', 'aad'));
  });

  it('round-trips any text with any AAD (property)', () => {
    const cipher = new TokenCipher([generateDevKey()]);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ maxLength: 50 }), (text, aad) => {
        expect(cipher.open(cipher.seal(text, aad), aad)).toBe(text);
      }),
    );
  });

  it('rejects a different AAD (property)', () => {
    const cipher = new TokenCipher([generateDevKey()]);
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (text, aad, other) => {
        fc.pre(aad !== other);
        expect(() => cipher.open(cipher.seal(text, aad), other)).toThrow(TokenCipherError);
      }),
      { numRuns: 50 },
    );
  });

  it('seals with the first key and still opens with older ones after rotation', () => {
    const old = key('old');
    const before = new TokenCipher([old]);
    const sealedOld = before.seal('secret', 'aad');

    const rotated = new TokenCipher([key('new'), old]);
    expect(rotated.currentKeyId).toBe('new');
    expect(rotated.open(sealedOld, 'aad')).toBe('secret');
    const sealedNew = rotated.seal('secret', 'aad');
    expect(sealedNew.startsWith('v1.new.')).toBe(true);
    expect(() => before.open(sealedNew, 'aad')).toThrow(/unknown key id 'new'/);
  });

  it('rejects a different key with the same id', () => {
    const sealed = new TokenCipher([key('k1')]).seal('secret', 'aad');
    expect(() => new TokenCipher([key('k1')]).open(sealed, 'aad')).toThrow(/could not decrypt/);
  });

  it('rejects tampering with any part', () => {
    const cipher = new TokenCipher([key('k1'), key('k2')]);
    const sealed = cipher.seal('a fairly long secret value', 'aad');
    const parts = sealed.split('.');
    const flip = (s: string) => {
      const bytes = Buffer.from(s, 'base64url');
      bytes[0]! ^= 0x01;
      return bytes.toString('base64url');
    };
    for (const index of [2, 3, 4]) {
      const tampered = parts.map((p, i) => (i === index ? flip(p) : p)).join('.');
      expect(() => cipher.open(tampered, 'aad')).toThrow(TokenCipherError);
    }
    // Relabelling with another known key id fails too.
    const relabelled = ['v1', 'k2', ...parts.slice(2)].join('.');
    expect(() => cipher.open(relabelled, 'aad')).toThrow(/could not decrypt/);
  });

  it('rejects malformed input with a clear error', () => {
    const cipher = new TokenCipher([key('k1')]);
    expect(() => cipher.open('plain text', 'aad')).toThrow(/not a v1 sealed value/);
    expect(() => cipher.open('v2.k1.a.b.c', 'aad')).toThrow(/not a v1 sealed value/);
    expect(() => cipher.open('v1.k1.AAAA.AAAA.AAAA', 'aad')).toThrow(/malformed/);
    expect(() => cipher.open('v1.nope.AAAA.AAAA.AAAA', 'aad')).toThrow(/unknown key id 'nope'/);
  });

  it('errors never carry key material', () => {
    const k = key('k1');
    const cipher = new TokenCipher([k]);
    const sealed = cipher.seal('secret', 'aad');
    try {
      cipher.open(sealed, 'other');
      expect.unreachable();
    } catch (err) {
      const text = String(err) + JSON.stringify(err);
      expect(text).not.toContain(k.key.toString('base64'));
      expect(text).not.toContain(k.key.toString('hex'));
      expect(text).not.toContain('secret');
    }
  });

  it('validates its keys', () => {
    expect(() => new TokenCipher([])).toThrow(/at least one key/);
    expect(() => new TokenCipher([{ id: 'k', key: randomBytes(16) }])).toThrow(/32 bytes/);
    expect(() => new TokenCipher([{ id: 'a.b', key: randomBytes(32) }])).toThrow(/invalid key id/);
    expect(() => new TokenCipher([key('k'), key('k')])).toThrow(/duplicate key id/);
  });
});

describe('parseTokenKeys', () => {
  it('parses a JSON list of base64 keys, first one first', () => {
    const json = JSON.stringify([
      { id: '2025-06', key: b64(32) },
      { id: '2025-01', key: b64(32) },
    ]);
    const keys = parseTokenKeys(json);
    expect(keys.map((k) => k.id)).toEqual(['2025-06', '2025-01']);
    expect(keys.every((k) => Buffer.isBuffer(k.key) && k.key.length === 32)).toBe(true);
    const cipher = new TokenCipher(keys);
    expect(cipher.open(cipher.seal('x', 'y'), 'y')).toBe('x');
  });

  it.each([
    ['not json', /not valid JSON/],
    ['{}', /expected array/],
    ['[]', /at least one key/],
    [JSON.stringify([{ id: 'k' }]), /key/],
    [JSON.stringify([{ id: 'k', key: 'not base64!' }]), /key must be base64/],
    [JSON.stringify([{ id: 'k', key: b64(16) }]), /32 bytes/],
    [JSON.stringify([{ id: '', key: b64(32) }]), /key id must be/],
    [JSON.stringify([{ id: 'has.dot', key: b64(32) }]), /key id must be/],
    [
      JSON.stringify([
        { id: 'k', key: b64(32) },
        { id: 'k', key: b64(32) },
      ]),
      /duplicate key id 'k'/,
    ],
  ])('rejects %s', (json, message) => {
    expect(() => parseTokenKeys(json)).toThrow(message);
  });

  it('does not echo key material in errors', () => {
    const short = b64(31);
    try {
      parseTokenKeys(JSON.stringify([{ id: 'k', key: short }]));
      expect.unreachable();
    } catch (err) {
      expect(String(err)).not.toContain(short);
    }
  });
});

describe('generateDevKey', () => {
  it('returns a random 32-byte key with a dev- id', () => {
    const a = generateDevKey();
    const b = generateDevKey();
    expect(a.id).toMatch(/^dev-[0-9a-f]{12}$/);
    expect(a.key).toHaveLength(32);
    expect(a.id).not.toBe(b.id);
    expect(a.key.equals(b.key)).toBe(false);
  });
});
