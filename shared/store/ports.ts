/**
 * Storage ports. Use cases depend on these interfaces only; the composition root picks the
 * memory or DynamoDB adapters. Every adapter must pass the contract suites in test/contract.
 */
import { z } from 'zod';

export const ConnectionStatusSchema = z.enum(['connected', 'revoked']);

/** A user's link to one provider, with its tokens in plain text (adapters seal them). */
export const ConnectionSchema = z.object({
  tenantId: z.string().min(1),
  userId: z.string().min(1),
  provider: z.string().min(1),
  accessToken: z.string(),
  refreshToken: z.string().optional(),
  /** Epoch seconds. */
  expiresAt: z.number().int().optional(),
  scopes: z.array(z.string()),
  providerUserId: z.string().optional(),
  status: ConnectionStatusSchema,
  connectedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Connection = z.infer<typeof ConnectionSchema>;

export interface ConnectionKey {
  tenantId: string;
  userId: string;
  provider: string;
}

export interface ConnectionStore {
  get(key: ConnectionKey): Promise<Connection | undefined>;
  put(connection: Connection): Promise<void>;
  delete(key: ConnectionKey): Promise<void>;
  listForUser(tenantId: string, userId: string): Promise<Connection[]>;
  /** Finds the connections that belong to a provider-side user id (webhooks). */
  findByProviderUserId(provider: string, providerUserId: string): Promise<Connection[]>;
}

export const OAuthStateSchema = z.object({
  /** The opaque value sent to the provider; adapters store only its hash as the key. */
  state: z.string().min(1),
  tenantId: z.string().min(1),
  userId: z.string().min(1),
  provider: z.string().min(1),
  redirectUri: z.url(),
  codeVerifier: z.string().optional(),
  returnTo: z.url().optional(),
  /** Epoch seconds. */
  expiresAt: z.number().int(),
});
export type OAuthState = z.infer<typeof OAuthStateSchema>;

export interface OAuthStateStore {
  create(state: OAuthState): Promise<void>;
  /**
   * Returns the state and deletes it in one atomic step; a second call, an unknown state or an
   * expired one (relative to `nowSecs`) returns undefined.
   */
  consume(state: string, nowSecs: number): Promise<OAuthState | undefined>;
}

export interface CacheStore {
  /** The stored value, or undefined when absent or expired at `nowMs`. */
  get(partition: string, key: string, nowMs: number): Promise<unknown>;
  set(partition: string, key: string, value: unknown, ttlSecs: number, nowMs: number): Promise<void>;
  /** Deletes every entry of the partition whose key starts with `keyPrefix` (all when omitted). */
  invalidate(partition: string, keyPrefix?: string): Promise<number>;
}
