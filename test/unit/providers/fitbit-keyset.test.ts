/**
 * Google Health's webhook keyset in Tink's JSON format: a keyset built here from a generated
 * P-256 key verifies a signed notification; a wrong key id, a wrong prefix, a disabled key, a
 * truncated key protobuf and an oversized keyset are refused without a crash, and arbitrary
 * bytes never make the reader or the verifier throw.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProviderHttp } from '../../../shared/providers/http';
import { GOOGLE_HEALTH_KEYSET_URL, WebhookKeyset } from '../../../shared/providers/fitbit/keyset';
import { readEcdsaPublicKey, readMessage, tinkVerifyingKeys } from '../../../shared/providers/fitbit/tink';
import { ecdsaPublicKeyProto, tinkPublicKeyset, type TinkKeyInput } from '../../../local/simulators/fitbit/tink-keyset';
import { FitbitWebhooks } from '../../../shared/providers/fitbit/webhook';

const BODY = Buffer.from(JSON.stringify([{ data: { version: '1', healthUserId: 'u1', operation: 'UPSERT', dataType: 'exercise' } }]));
const KEY_ID = 0x8badf00d;

function pair() {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

/** Tink's signature output for a key: prefix then the signature, base64. */
function tinkSignature(privateKey: KeyObject, opts: { first?: number; keyId?: number; encoding?: 'der' | 'ieee-p1363'; body?: Buffer } = {}): string {
  const prefix = Buffer.alloc(5);
  prefix[0] = opts.first ?? 0x01;
  prefix.writeUInt32BE(opts.keyId ?? KEY_ID, 1);
  const signature = sign('sha256', opts.body ?? BODY, { key: privateKey, dsaEncoding: opts.encoding ?? 'der' });
  return Buffer.concat([prefix, signature]).toString('base64');
}

/** A WebhookKeyset whose URL answers `keyset` (JSON), counting the fetches. */
function keysetServing(keyset: unknown) {
  let fetches = 0;
  let now = 1_000_000;
  const http = new ProviderHttp({
    provider: 'fitbit',
    deps: {
      now: () => now,
      fetch: async () => {
        fetches += 1;
        return new Response(JSON.stringify(keyset), { status: 200, headers: { 'content-type': 'application/json' } });
      },
    },
  });
  const verifier = new WebhookKeyset('https://keys.example/keyset.json', http, () => now);
  return { verifier, fetches: () => fetches, advance: (ms: number) => (now += ms) };
}

const keysetOf = (keys: TinkKeyInput[]) => tinkPublicKeyset(keys);

describe('Google Health webhook keyset (Tink)', () => {
  it('verifies a notification signed by a key of a Tink keyset built from a generated P-256 key (DER and IEEE P1363)', async () => {
    for (const encoding of ['der', 'ieee-p1363'] as const) {
      const { privateKey, publicKey } = pair();
      const { verifier } = keysetServing(keysetOf([{ keyId: KEY_ID, publicKey, encoding }]));
      expect(await verifier.verify(BODY, tinkSignature(privateKey, { encoding })), encoding).toBe('valid');
      expect(await verifier.verify(Buffer.from(`${BODY.toString()} `), tinkSignature(privateKey, { encoding })), encoding).toBe('forged');
    }
  });

  it('reads RAW (no prefix) and LEGACY (0x00 prefix, message followed by a zero byte) keys', async () => {
    const raw = pair();
    const legacy = pair();
    const { verifier } = keysetServing(
      keysetOf([
        { keyId: 1, publicKey: raw.publicKey, outputPrefixType: 'RAW' },
        { keyId: 2, publicKey: legacy.publicKey, outputPrefixType: 'LEGACY' },
      ]),
    );
    expect(await verifier.verify(BODY, sign('sha256', BODY, raw.privateKey).toString('base64'))).toBe('valid');
    const legacySignature = tinkSignature(legacy.privateKey, { first: 0x00, keyId: 2, body: Buffer.concat([BODY, Buffer.from([0])]) });
    expect(await verifier.verify(BODY, legacySignature)).toBe('valid');
    // LEGACY without the appended byte is not what Tink signs.
    expect(await verifier.verify(BODY, tinkSignature(legacy.privateKey, { first: 0x00, keyId: 2 }))).toBe('forged');
  });

  it('refuses a wrong key id, a wrong prefix byte and a disabled key', async () => {
    const { privateKey, publicKey } = pair();
    const { verifier } = keysetServing(keysetOf([{ keyId: KEY_ID, publicKey }]));
    expect(await verifier.verify(BODY, tinkSignature(privateKey, { keyId: KEY_ID + 1 }))).toBe('forged');
    expect(await verifier.verify(BODY, tinkSignature(privateKey, { first: 0x00 }))).toBe('forged');
    const disabled = pair();
    const { verifier: disabledVerifier } = keysetServing(keysetOf([{ keyId: KEY_ID, publicKey: disabled.publicKey, status: 'DISABLED' }]));
    expect(await disabledVerifier.verify(BODY, tinkSignature(disabled.privateKey))).toBe('forged');
  });

  it('skips a key whose protobuf is truncated, of another curve or not a curve point, and keeps the good ones', async () => {
    const good = pair();
    const proto = ecdsaPublicKeyProto(good.publicKey, 'der');
    const entry = (keyId: number, value: Buffer) => ({
      ...keysetOf([{ keyId, publicKey: good.publicKey }]).key[0]!,
      keyData: { ...keysetOf([{ keyId, publicKey: good.publicKey }]).key[0]!.keyData, value: value.toString('base64') },
    });
    for (const cut of [1, 10, proto.length - 1]) expect(readEcdsaPublicKey(proto.subarray(0, cut)), `cut at ${cut}`).toBeUndefined();
    const p384Params = Buffer.from(proto);
    p384Params[p384Params.indexOf(0x10, 2) + 1] = 3; // curve NIST_P384
    const offCurve = Buffer.from(proto);
    offCurve[offCurve.length - 1] = offCurve[offCurve.length - 1]! ^ 1;
    expect(readEcdsaPublicKey(p384Params)).toBeUndefined();
    expect(readEcdsaPublicKey(offCurve)).toBeUndefined();
    expect(readEcdsaPublicKey(proto)).toBeDefined();
    const keys = tinkVerifyingKeys([entry(1, proto.subarray(0, 20)), entry(2, offCurve), entry(KEY_ID, proto)]);
    expect(keys.map((k) => k.prefix.readUInt32BE(1))).toEqual([KEY_ID]);
    const { verifier } = keysetServing({ primaryKeyId: KEY_ID, key: [entry(1, proto.subarray(0, 20)), entry(KEY_ID, proto)] });
    expect(await verifier.verify(BODY, tinkSignature(good.privateKey))).toBe('valid');
  });

  it('refuses an oversized keyset whole (the notification waits: 503, Google retries) and skips an oversized key', async () => {
    const { privateKey, publicKey } = pair();
    const many = keysetOf(Array.from({ length: 33 }, (_, i) => ({ keyId: i === 0 ? KEY_ID : i, publicKey })));
    const { verifier } = keysetServing(many);
    expect(await verifier.verify(BODY, tinkSignature(privateKey))).toBe('unavailable');
    const huge = keysetOf([{ keyId: KEY_ID, publicKey }]);
    huge.key[0]!.keyData.value = 'A'.repeat(5_000);
    expect(await keysetServing(huge).verifier.verify(BODY, tinkSignature(privateKey))).toBe('forged');
  });

  it('still reads a JWK set', async () => {
    const { privateKey, publicKey } = pair();
    const { verifier } = keysetServing({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: String(KEY_ID) }] });
    expect(await verifier.verify(BODY, tinkSignature(privateKey))).toBe('valid');
    expect(await verifier.verify(BODY, tinkSignature(privateKey, { keyId: 7 }))).toBe('forged');
    expect(await verifier.verify(BODY, sign('sha256', BODY, { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64'))).toBe('valid');
  });

  it('fetches again for an unknown key id, at most once a minute', async () => {
    const { privateKey, publicKey } = pair();
    const served = keysetServing(keysetOf([{ keyId: KEY_ID, publicKey }]));
    expect(await served.verifier.verify(BODY, tinkSignature(privateKey))).toBe('valid');
    expect(await served.verifier.verify(BODY, tinkSignature(privateKey, { keyId: 5 }))).toBe('forged');
    expect(served.fetches()).toBe(1);
    served.advance(60_000);
    expect(await served.verifier.verify(BODY, tinkSignature(privateKey, { keyId: 5 }))).toBe('forged');
    expect(served.fetches()).toBe(2);
  });

  it("defaults to Google's reported keyset URL", async () => {
    const asked: string[] = [];
    const http = new ProviderHttp({
      provider: 'fitbit',
      deps: {
        now: () => 0,
        fetch: async (url) => {
          asked.push(String(url));
          return new Response('{"key":[]}', { status: 200 });
        },
      },
    });
    const webhooks = new FitbitWebhooks({ WEBHOOK_AUTHORIZATION: 'Bearer s' }, http, () => 0);
    const headers = { authorization: 'Bearer s', 'x-healthapi-signature': Buffer.alloc(70, 1).toString('base64') };
    const result = await webhooks.handle({ method: 'POST', headers, rawBody: BODY, query: {} } as never);
    expect(result.kind).toBe('rejected');
    expect(asked).toEqual([GOOGLE_HEALTH_KEYSET_URL]);
  });

  describe('arbitrary input never throws', () => {
    it('the protobuf reader and the key reader, on any bytes', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
          readMessage(bytes);
          readEcdsaPublicKey(bytes);
        }),
        { numRuns: 2_000 },
      );
    });

    it('the keyset reader, on any JSON entries, and the verifier, on any header', async () => {
      const { publicKey } = pair();
      const good = keysetOf([{ keyId: KEY_ID, publicKey }]).key[0]!;
      const entry = fc.oneof(
        fc.anything(),
        fc.uint8Array({ maxLength: 200 }).map((b) => ({ ...good, keyData: { ...good.keyData, value: Buffer.from(b).toString('base64') } })),
        fc
          .record({ keyId: fc.integer(), status: fc.string(), outputPrefixType: fc.constantFrom('TINK', 'RAW', 'LEGACY', 'CRUNCHY', 'x') })
          .map((r) => ({ ...good, ...r })),
      );
      fc.assert(fc.property(fc.array(entry, { maxLength: 8 }), (entries) => void tinkVerifyingKeys(entries)));
      const { verifier } = keysetServing(keysetOf([{ keyId: KEY_ID, publicKey }]));
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.string({ maxLength: 200 }),
            fc.uint8Array({ maxLength: 90 }).map((b) => Buffer.from(b).toString('base64')),
          ),
          async (header) => {
            expect(['forged', 'malformed']).toContain(await verifier.verify(BODY, header));
          },
        ),
        { numRuns: 500 },
      );
    });
  });
});
