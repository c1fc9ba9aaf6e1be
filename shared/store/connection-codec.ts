/**
 * The stored form of a Connection: access and refresh tokens sealed together in one blob bound
 * (AAD) to tenant, user and provider; everything else in clear so it can be queried and read.
 * Every ConnectionStore adapter goes through this codec, so no store holds tokens in clear.
 */
import * as z from '../zod';
import { ConnectionSchema, type Connection, type ConnectionKey } from './ports';
import { TokenCipherError, type TokenCipher } from './token-cipher';

/** Told which connection could not be opened and why (a key id, a schema problem), never its contents. */
export type UnreadableObserver = (key: ConnectionKey, reason: string) => void;

function unreadableReason(error: unknown): string {
  if (error instanceof TokenCipherError) return error.message;
  if (error instanceof z.$ZodError) return `the stored item has an unexpected shape (${error.issues.map((i) => i.path.join('.')).join(', ')})`;
  if (error instanceof SyntaxError) return 'the sealed tokens are not JSON';
  return 'unknown';
}

const StoredConnectionSchema = z.extend(z.omit(ConnectionSchema, { accessToken: true, refreshToken: true }), {
  sealedTokens: z.string().check(z.minLength(1)),
});
export type StoredConnection = z.infer<typeof StoredConnectionSchema>;

const TokensSchema = z.object({ accessToken: z.string(), refreshToken: z.optional(z.string()) });

/** JSON array: unambiguous whatever characters the ids contain. */
export function connectionAad(key: ConnectionKey): string {
  return JSON.stringify(['pierre.connection-tokens', key.tenantId, key.userId, key.provider]);
}

export class ConnectionCodec {
  constructor(
    private readonly cipher: TokenCipher,
    private readonly onUnreadable: UnreadableObserver = () => {},
  ) {}

  encode(connection: Connection): StoredConnection {
    const { accessToken, refreshToken, ...rest } = ConnectionSchema.parse(connection);
    const tokens: z.infer<typeof TokensSchema> = { accessToken };
    if (refreshToken !== undefined) tokens.refreshToken = refreshToken;
    return { ...rest, sealedTokens: this.cipher.seal(JSON.stringify(tokens), connectionAad(rest)) };
  }

  /**
   * Decodes a stored record; one that cannot be opened becomes a token-less connection in
   * status `reauthorization_required`, so one bad item never breaks the user's other connections.
   */
  read(record: unknown, key: ConnectionKey): Connection {
    try {
      return this.decode(record);
    } catch (error) {
      this.onUnreadable(key, unreadableReason(error));
      const clear = z.partial(StoredConnectionSchema).safeParse(record);
      const at = (value: string | undefined) => value ?? new Date(0).toISOString();
      return {
        // Only the key's three fields: callers may pass a whole Connection as the key.
        tenantId: key.tenantId,
        userId: key.userId,
        provider: key.provider,
        accessToken: '',
        scopes: [],
        status: 'reauthorization_required',
        connectedAt: at(clear.success ? clear.data.connectedAt : undefined),
        updatedAt: at(clear.success ? clear.data.updatedAt : undefined),
      };
    }
  }

  /** Whether a record's tokens are sealed (`v1.<kid>.…`) with the current key, without opening them. */
  sealedWithCurrentKey(record: unknown): boolean {
    const sealed = (record as { sealedTokens?: unknown } | undefined)?.sealedTokens;
    return typeof sealed === 'string' && sealed.startsWith(`v1.${this.cipher.currentKeyId}.`);
  }

  /** Accepts a raw record (extra attributes such as table keys are ignored); throws when it cannot be opened. */
  decode(record: unknown): Connection {
    const { sealedTokens, ...rest } = StoredConnectionSchema.parse(record);
    const tokens = TokensSchema.parse(JSON.parse(this.cipher.open(sealedTokens, connectionAad(rest))));
    return ConnectionSchema.parse({ ...rest, ...tokens });
  }
}
