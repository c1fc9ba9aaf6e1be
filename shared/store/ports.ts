/**
 * Storage ports. Use cases depend on these interfaces only; the composition root picks the
 * memory or DynamoDB adapters. Every adapter must pass the contract suites in test/contract.
 */
import * as z from '../zod';

/**
 * `revoked`: the provider or the user ended it. `reauthorization_required`: the stored item
 * cannot be opened (sealed with a retired key, corrupted, an old shape); it carries no tokens.
 */
const ConnectionStatusSchema = z.enum(['connected', 'revoked', 'reauthorization_required']);

/** A user's link to one provider, with its tokens in plain text (adapters seal them). */
export const ConnectionSchema = z.object({
  tenantId: z.string().check(z.minLength(1)),
  userId: z.string().check(z.minLength(1)),
  provider: z.string().check(z.minLength(1)),
  accessToken: z.string(),
  refreshToken: z.optional(z.string()),
  /** Epoch seconds. */
  expiresAt: z.optional(z.number().check(z.int())),
  scopes: z.array(z.string()),
  providerUserId: z.optional(z.string()),
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

/**
 * Erasure: every store that keeps something of a user deletes it on request (DELETE /users/me,
 * `npm run erase`). A store deletes until `budget` says stop, so one invocation does bounded
 * work; `done: false` tells the caller to come back for the rest. Deleting what is already gone
 * counts nothing, so a second erasure answers a receipt of nothing.
 */
export interface ErasureBudget {
  /** True once the invocation should start no more deletions. */
  exhausted(): boolean;
}

export interface ErasureStep {
  /** Items deleted by this call, by kind (`connections`, `oauth_states`, ...). */
  deleted: Record<string, number>;
  /** True when nothing of the user is left in the store. */
  done: boolean;
}

export interface UserErasable {
  eraseUser(tenantId: string, userId: string, budget: ErasureBudget): Promise<ErasureStep>;
}

/** Connections are erased after the coordinator revoked them at their providers (it reads them with listForUser first). */
export interface ConnectionStore extends UserErasable {
  get(key: ConnectionKey): Promise<Connection | undefined>;
  put(connection: Connection): Promise<void>;
  delete(key: ConnectionKey): Promise<void>;
  listForUser(tenantId: string, userId: string): Promise<Connection[]>;
  /** Finds the connections that belong to a provider-side user id (webhooks). */
  findByProviderUserId(provider: string, providerUserId: string): Promise<Connection[]>;
  /** Every stored connection of every user, for maintenance such as re-sealing (a full scan). */
  scanAll(): AsyncIterable<StoredConnectionEntry>;
  /** Writes `connection` only if the stored item's `updatedAt` is still `expectedUpdatedAt`; false when it changed meanwhile. */
  replaceIfUnchanged(connection: Connection, expectedUpdatedAt: string): Promise<boolean>;
}

export interface StoredConnectionEntry {
  /** Status `reauthorization_required` when the item cannot be opened. */
  connection: Connection;
  /** Whether its tokens are sealed with the key that seals today (the first of PIERRE_TOKEN_KEYS). */
  sealedWithCurrentKey: boolean;
}

export const OAuthStateSchema = z.object({
  /** The opaque value sent to the provider; adapters store only its hash as the key. */
  state: z.string().check(z.minLength(1)),
  tenantId: z.string().check(z.minLength(1)),
  userId: z.string().check(z.minLength(1)),
  provider: z.string().check(z.minLength(1)),
  redirectUri: z.url(),
  codeVerifier: z.optional(z.string()),
  returnTo: z.optional(z.url()),
  /** Epoch seconds. */
  expiresAt: z.number().check(z.int()),
});
export type OAuthState = z.infer<typeof OAuthStateSchema>;

/** Erasure finds a user's pending states by the tenant and user they carry. */
export interface OAuthStateStore extends UserErasable {
  create(state: OAuthState): Promise<void>;
  /**
   * Returns the state and deletes it in one atomic step, provided it was issued for `provider`;
   * a second call, an unknown state or an expired one (relative to `nowSecs`) returns undefined.
   * A state of another provider also returns undefined and stays, so a callback that names the
   * wrong provider cannot burn the user's attempt.
   */
  consume(state: string, provider: string, nowSecs: number): Promise<OAuthState | undefined>;
}

/** A stored value and when it was stored and expires (epoch ms). */
export interface CacheEntry {
  value: unknown;
  storedAtMs: number;
  expiresAtMs: number;
}

/** A fill lease: one container fetches a missing value while the others wait for it. */
export interface CacheLease {
  holder: string;
  untilMs: number;
}

/** What one read of a key finds. */
export interface CacheRead {
  /** Fresh (`expiresAtMs > now`) or stale (expired, within the grace period); absent after that. */
  entry?: CacheEntry | undefined;
  /** A lease that has not yet run out. */
  lease?: CacheLease | undefined;
}

export interface CacheWrite {
  ttlSecs: number;
  /** How long after expiry the entry stays readable as stale. */
  staleSecs: number;
  nowMs: number;
  /** Store only while this holder's lease stands (an invalidation meanwhile drops it). */
  leaseHolder?: string | undefined;
}

/** `too_large`: the value does not fit an item even compressed; `lease_lost`: the lease was taken or invalidated. */
export type CacheWriteOutcome = 'stored' | 'too_large' | 'lease_lost';

export interface CacheStore {
  /** One read; an unreadable item is reported as absent, never as an error. */
  get(partition: string, key: string, nowMs: number): Promise<CacheRead>;
  set(partition: string, key: string, value: unknown, write: CacheWrite): Promise<CacheWriteOutcome>;
  /**
   * Takes the key's fill lease until `untilMs` when nobody holds a live one and no fresh entry
   * exists (`force` takes it regardless); true when this holder now has it. The entry's value is kept.
   */
  acquireLease(partition: string, key: string, lease: CacheLease & { nowMs: number; force?: boolean }): Promise<boolean>;
  /** Gives a lease back (no-op when the holder no longer has it). */
  releaseLease(partition: string, key: string, holder: string): Promise<void>;
  /**
   * Deletes every entry (and lease) of the partition whose key starts with one of `keyPrefixes`
   * (all when omitted), or at most `limit` of them (erasure pages through a large partition).
   */
  invalidate(partition: string, keyPrefixes?: string | readonly string[], limit?: number): Promise<number>;
  /**
   * Makes every fresh entry of the partition whose key starts with one of `keyPrefixes` (all
   * when omitted) expire at `nowMs`, keeping its value and stale grace: the next read fetches
   * anew, yet the entry still answers as stale when the provider cannot. Returns how many.
   */
  markStale(partition: string, keyPrefixes: string | readonly string[] | undefined, nowMs: number): Promise<number>;
}

/**
 * Small coordination records (rate-limit gates, circuits, health, leases, jobs): items addressed
 * by partition and sort key, with atomic conditional writes so that several containers agree.
 * Conditions in `ifAny` are ORed; an empty or absent list always holds.
 */
export type StateValue = string | number | boolean | null;
export type StateItem = Record<string, StateValue>;

export type StateCondition = { field: string; op: 'missing' } | { field: string; op: 'eq'; value: StateValue } | { field: string; op: 'lt'; value: number };

export interface StateWrite {
  ifAny?: readonly StateCondition[];
  /** Epoch seconds after which the item reads as absent (and DynamoDB's TTL deletes it). */
  expiresAtSecs?: number;
}

/**
 * Adds to several numeric fields of one item in one conditional write. Each group of `ifAll`
 * holds when one of its conditions does (OR); the write happens only when every group holds (AND).
 */
export interface StateAddition {
  /** Field -> amount added (an absent field counts as 0). */
  add: Readonly<Record<string, number>>;
  ifAll?: readonly (readonly StateCondition[])[];
  /** Epoch seconds after which the item reads as absent. */
  expiresAtSecs?: number;
}

/** Written: the new values of the added fields. Refused: nothing was written; the item as it stood (absent: undefined). */
export type StateAddOutcome = { added: true; values: Record<string, number> } | { added: false; item: StateItem | undefined };

export interface StateStore {
  /** The item, or undefined when absent or expired at `nowMs`. */
  get(pk: string, sk: string, nowMs: number): Promise<StateItem | undefined>;
  /** Every live item of a partition, by sort key. */
  list(pk: string, nowMs: number): Promise<Map<string, StateItem>>;
  /** Sets the given fields (others kept; `null` removes one); the item after the write, or undefined when the condition failed. */
  update(pk: string, sk: string, fields: StateItem, write?: StateWrite): Promise<StateItem | undefined>;
  /** Adds `by` to a numeric field (absent counts as 0); the item after, or undefined when the condition failed. */
  add(pk: string, sk: string, field: string, by: number, write?: StateWrite): Promise<StateItem | undefined>;
  /** One conditional write adding to several fields; a refusal costs no write and tells what stood in the way. */
  addAll(pk: string, sk: string, addition: StateAddition): Promise<StateAddOutcome>;
  /** Deletes the item when the condition holds; false when it failed. */
  delete(pk: string, sk: string, write?: Pick<StateWrite, 'ifAny'>): Promise<boolean>;
}

/** The retry queue (SQS on AWS): at-least-once delivery of small JSON bodies after a delay. */
export interface JobQueue {
  /** `delaySecs` at most MAX_QUEUE_DELAY_SECS (SQS's limit). */
  send(body: string, delaySecs: number): Promise<void>;
}

/** The longest delay SQS accepts for a message: 15 minutes. */
export const MAX_QUEUE_DELAY_SECS = 900;

/**
 * A tenant's own OAuth app at one provider (plain here; adapters seal the secret and the
 * webhook settings). It wins over the global `PIERRE_<P>_*` credentials for that tenant.
 */
export const TenantAppSchema = z.object({
  tenantId: z.string().check(z.minLength(1)),
  provider: z.string().check(z.minLength(1)),
  clientId: z.string().check(z.minLength(1)),
  clientSecret: z.string().check(z.minLength(1)),
  /** Unset: the global scopes (or the descriptor's defaults). */
  scopes: z.optional(z.array(z.string())),
  /** Unset: the global redirect URI, else `<public base URL>/callback/<provider>`. */
  redirectUri: z.optional(z.url()),
  /** The descriptor's webhook settings the tenant set (`WEBHOOK_SECRET`, ...), by `<KEY>`. */
  webhookSettings: z.record(z.string(), z.string()),
  updatedAt: z.iso.datetime(),
});
export type TenantApp = z.infer<typeof TenantAppSchema>;

export interface TenantAppStore {
  get(tenantId: string, provider: string): Promise<TenantApp | undefined>;
  put(app: TenantApp): Promise<void>;
  /** False when there was nothing to delete. */
  delete(tenantId: string, provider: string): Promise<boolean>;
  /** Every app of one tenant (at most one per provider). */
  listForTenant(tenantId: string): Promise<TenantApp[]>;
  /**
   * Every tenant's apps in a stable order, at most `limit` after the cursor `after` (undefined:
   * from the start); `next` is the cursor of the following page, undefined after the last. An
   * app that cannot be opened (sealed with a retired key) is left out, so it never stalls the walk.
   */
  page(after: string | undefined, limit: number): Promise<{ apps: TenantApp[]; next: string | undefined }>;
}

/**
 * The records store: each connected user's normalized data (activities, sleep sessions, daily
 * recovery and health metrics) as the provider pushed it, a webhook named it or a backfill read
 * it. Kept per tenant, user, provider and resource, ordered by time, so a time range is one read.
 */
export const RECORD_RESOURCES = ['activities', 'sleep', 'recovery', 'health_metrics'] as const;
export type RecordResource = (typeof RECORD_RESOURCES)[number];

/** Whose records, at which provider, of which resource. */
export interface RecordScope {
  tenantId: string;
  userId: string;
  provider: string;
  resource: RecordResource;
}

export interface NormalizedRecord {
  /** The provider's id of the record (an activity's, a night's), or the calendar day (`YYYY-MM-DD`) of a daily record. */
  id: string;
  /** The instant the record sits at (ISO-8601): an activity's or a night's start, a day's UTC midnight. */
  at: string;
  /** A newer version replaces the stored one; an equal or older one is ignored (a late or repeated delivery). */
  version: number;
  /** The record in the unified model (JSON). */
  value: unknown;
}

/** `too_large`: the record does not fit an item even compressed, and was not stored. */
export type RecordPutOutcome = 'created' | 'updated' | 'unchanged' | 'too_large';

/** Instants (ISO-8601): `from` included, `to` excluded; an absent bound is open. */
export interface RecordRange {
  from?: string | undefined;
  to?: string | undefined;
}

export interface RecordQuery extends RecordRange {
  order: 'newest_first' | 'oldest_first';
  /** At most this many records (all in the range when absent). */
  limit?: number | undefined;
}

/** A range the store holds completely; `to` absent: up to now, kept current by the provider's pushes or webhooks. */
export interface CoveredRange {
  from: string;
  to?: string | undefined;
}

export interface RecordStore {
  /** Stores each record unless the stored one is as new; one outcome per record, in order. */
  put(scope: RecordScope, records: readonly NormalizedRecord[]): Promise<{ id: string; outcome: RecordPutOutcome }[]>;
  /** Deletes the records by id; the ids that were stored. */
  delete(scope: RecordScope, ids: readonly string[]): Promise<string[]>;
  get(scope: RecordScope, id: string): Promise<NormalizedRecord | undefined>;
  /** The records whose `at` lies in the range, in the order asked (one DynamoDB Query). */
  query(scope: RecordScope, query: RecordQuery): Promise<NormalizedRecord[]>;
  /** The ranges held completely, oldest first, merged. */
  coverage(scope: RecordScope): Promise<CoveredRange[]>;
  /** Adds a range to the coverage (merged with the others); the coverage after. */
  addCoverage(scope: RecordScope, range: CoveredRange): Promise<CoveredRange[]>;
  /** Forgets every record and the coverage of one user at one provider (every resource); how many records. */
  deleteAll(scope: Omit<RecordScope, 'resource'>): Promise<number>;
}
