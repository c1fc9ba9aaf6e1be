/**
 * The stored form of a TenantApp: the client secret and the webhook settings sealed together in
 * one blob bound (AAD) to tenant and provider, like a connection's tokens; the rest in clear.
 * Every TenantAppStore adapter goes through this codec, so no store holds a client secret in clear.
 */
import * as z from '../zod';
import { TenantAppSchema, type TenantApp } from './ports';
import type { TokenCipher } from './token-cipher';

const StoredTenantAppSchema = z.extend(z.omit(TenantAppSchema, { clientSecret: true, webhookSettings: true }), {
  sealedSecrets: z.string().check(z.minLength(1)),
});
export type StoredTenantApp = z.infer<typeof StoredTenantAppSchema>;

const SecretsSchema = z.object({ clientSecret: z.string(), webhookSettings: z.record(z.string(), z.string()) });

/** Where an app stands in the order of `TenantAppStore.page`: by provider, then tenant. */
export const tenantAppCursor = (provider: string, tenantId: string) => `${provider}#${encodeURIComponent(tenantId)}`;

const tenantAppAad = (tenantId: string, provider: string) => JSON.stringify(['pierre.tenant-app', tenantId, provider]);

export class TenantAppCodec {
  constructor(private readonly cipher: TokenCipher) {}

  encode(app: TenantApp): StoredTenantApp {
    const { clientSecret, webhookSettings, ...rest } = TenantAppSchema.parse(app);
    return { ...rest, sealedSecrets: this.cipher.seal(JSON.stringify({ clientSecret, webhookSettings }), tenantAppAad(rest.tenantId, rest.provider)) };
  }

  /** The app, or undefined when it cannot be opened. */
  tryDecode(record: unknown): TenantApp | undefined {
    try {
      return this.decode(record);
    } catch {
      return undefined;
    }
  }

  /** Throws (TokenCipherError, ZodError) when the item cannot be opened: a tenant's app must never silently become another one. */
  decode(record: unknown): TenantApp {
    const { sealedSecrets, ...rest } = StoredTenantAppSchema.parse(record);
    const secrets = SecretsSchema.parse(JSON.parse(this.cipher.open(sealedSecrets, tenantAppAad(rest.tenantId, rest.provider))));
    return { ...rest, ...secrets };
  }
}
