/**
 * The stored form of a Connection: access and refresh tokens sealed together in one blob bound
 * (AAD) to tenant, user and provider; everything else in clear so it can be queried and read.
 * Every ConnectionStore adapter goes through this codec, so no store holds tokens in clear.
 */
import { z } from 'zod';
import { ConnectionSchema, type Connection, type ConnectionKey } from './ports';
import type { TokenCipher } from './token-cipher';

export const StoredConnectionSchema = ConnectionSchema.omit({ accessToken: true, refreshToken: true }).extend({
  sealedTokens: z.string().min(1),
});
export type StoredConnection = z.infer<typeof StoredConnectionSchema>;

const TokensSchema = z.object({ accessToken: z.string(), refreshToken: z.string().optional() });

/** JSON array: unambiguous whatever characters the ids contain. */
export function connectionAad(key: ConnectionKey): string {
  return JSON.stringify(['pierre.connection-tokens', key.tenantId, key.userId, key.provider]);
}

export class ConnectionCodec {
  constructor(private readonly cipher: TokenCipher) {}

  encode(connection: Connection): StoredConnection {
    const { accessToken, refreshToken, ...rest } = ConnectionSchema.parse(connection);
    const tokens: z.infer<typeof TokensSchema> = { accessToken };
    if (refreshToken !== undefined) tokens.refreshToken = refreshToken;
    return { ...rest, sealedTokens: this.cipher.seal(JSON.stringify(tokens), connectionAad(rest)) };
  }

  /** Accepts a raw record (extra attributes such as table keys are ignored). */
  decode(record: unknown): Connection {
    const { sealedTokens, ...rest } = StoredConnectionSchema.parse(record);
    const tokens = TokensSchema.parse(JSON.parse(this.cipher.open(sealedTokens, connectionAad(rest))));
    return ConnectionSchema.parse({ ...rest, ...tokens });
  }
}
