/**
 * The JSON each use case answers with, as zod schemas: what REST clients receive and what the
 * MCP tools publish as their output schemas. Model parts come from shared/models, so a field
 * added to the model shows up here by itself.
 */
import * as z from '../zod';
import { CAPABILITY_NAMES } from '../providers/capabilities';
import { ConnectionSchema } from '../store/ports';
import { HISTORY_STATUSES } from './history';
import { OPERATION_NAMES, ProviderNameSchema, RESOURCES } from '../resources';

// The data reads' answers are rows of the resource table; published here with the others.
export {
  ActivitiesAnswerSchema,
  ActivityAnswerSchema,
  AthleteAnswerSchema,
  HealthMetricsAnswerSchema,
  LapsAnswerSchema,
  PersonalRecordsAnswerSchema,
  RecoveryAnswerSchema,
  SleepAnswerSchema,
  StatsAnswerSchema,
} from '../resources';

const providerName = ProviderNameSchema;

/** Every status a provider can have for a user: a stored one, or none stored yet. */
export const UserConnectionStatusSchema = z
  .enum([...ConnectionSchema.shape.status.options, 'disconnected'])
  .check(z.describe('connected; disconnected (nothing stored); revoked (at the provider); reauthorization_required (connect again)'));

export const ProviderHealthSchema = z
  .discriminatedUnion('status', [
    z.object({ status: z.literal('up') }),
    z.object({
      status: z.literal('down'),
      code: z.string().check(z.describe('The public error code of the failed probe (provider_unavailable, provider_timeout, ...)')),
      message: z.string(),
    }),
    z.object({ status: z.literal('not_configured') }),
  ])
  .check(z.describe("The provider's reachability probe (only with health=true)"));

export const ProvidersAnswerSchema = z.object({
  default_provider: z.string().check(z.describe('Provider used when a request names none')),
  providers: z.array(
    z.object({
      name: z.string(),
      display_name: z.string(),
      capabilities: z.array(z.enum(CAPABILITY_NAMES as [string, ...string[]])),
      requires_oauth: z.boolean(),
      connection_type: z.enum(['oauth2', 'redirect', 'none']).check(z.describe('oauth2: consent page; redirect: a widget (Terra); none: always connected')),
      configured: z.boolean().check(z.describe('The service has credentials for this provider')),
      credentials: z
        .enum(['tenant', 'global', 'none'])
        .check(
          z.describe(
            "Whose OAuth app your tenant's connections use: its own (`tenant`), the deployment's (`global`), or `none` (no credentials needed, or none lent to the tenant)",
          ),
        ),
      connected: z.boolean().check(z.describe('The caller can read data from it now')),
      status: UserConnectionStatusSchema,
      health: z.optional(ProviderHealthSchema),
    }),
  ),
});

export const HistorySchema = z
  .object({
    status: z.enum(HISTORY_STATUSES).check(z.describe('pending (queued), running, complete (stored), failed (see docs/history.md)')),
    from: z.nullable(z.string()).check(z.describe('Start of the history asked for, ISO-8601 UTC')),
    to: z.nullable(z.string()).check(z.describe('Its end: when the connection was made')),
    records: z.number().check(z.describe('Records stored by backfill so far (pushed history, as Garmin sends, is not counted)')),
    updated_at: z.nullable(z.string()),
  })
  .check(z.describe("The provider's past data read into the service's store when the connection was made (docs/history.md)"));

export const ConnectionsAnswerSchema = z.object({
  providers: z.record(
    z.string(),
    z.object({
      connected: z.boolean(),
      status: UserConnectionStatusSchema,
      requires_connection: z.optional(z.boolean()),
      scopes: z.optional(z.array(z.string())),
      connected_at: z.optional(z.string()),
      expires_at: z.optional(z.nullable(z.string())).check(z.describe('When the access token expires (it is refreshed automatically)')),
      history: z.optional(HistorySchema),
    }),
  ),
});

export const ConnectAnswerSchema = z.object({
  provider: providerName,
  connected: z.optional(z.boolean()).check(z.describe('True when the provider needs no authorization and is connected already')),
  authorization_url: z.optional(z.string()).check(z.describe("The provider's consent page for the user to open")),
  state: z.optional(z.string()),
  expires_in: z.optional(z.number()).check(z.describe('Seconds the authorization URL stays valid')),
});

export const DisconnectAnswerSchema = z.object({ provider: providerName, connected: z.literal(false), status: z.literal('disconnected') });

export const CallbackAnswerSchema = z.object({
  provider: providerName,
  connected: z.literal(true),
  scopes: z.array(z.string()).check(z.describe('Scopes the user granted')),
  expires_at: z.nullable(z.iso.datetime()).check(z.describe('When the access token expires (it is refreshed automatically)')),
});

const ProviderCheckSchema = z.object({
  healthy: z.nullable(z.boolean()).check(z.describe('What the last scheduled health check found (null: not checked yet)')),
  last_check: z.nullable(z.iso.datetime()),
  consecutive_failures: z.number().check(z.int(), z.nonnegative()),
  average_latency_ms: z.nullable(z.number().check(z.int(), z.nonnegative())).check(z.describe('Running average of the health probes, in milliseconds')),
  circuit: z.enum(['closed', 'open', 'half_open', 'unknown']).check(z.describe('open: calls are refused for a while after repeated failures')),
});

export const HealthAnswerSchema = z.object({
  status: z.enum(['ok', 'degraded']).check(z.describe('degraded: the store does not answer, or a provider is unhealthy or its circuit open')),
  default_provider: z.string(),
  providers: z.number().check(z.int(), z.nonnegative(), z.describe('How many providers are registered')),
  store: z.enum(['ok', 'unavailable']).check(z.describe('Whether DynamoDB (or the local store) answered')),
  provider_health: z.record(z.string(), ProviderCheckSchema).check(z.describe('Per provider: the last scheduled health check and its circuit')),
  time: z.iso.datetime().check(z.describe("The service's clock")),
});

export const ErrorAnswerSchema = z.object({
  error: z.object({
    code: z.string().check(z.describe('Stable, machine-readable')),
    message: z.string().check(z.describe('For people; never carries tokens, codes or secrets')),
  }),
});

/** 202 from a data route: the provider is limited, the read is queued as a job (GET /jobs/{id}). */
export const ScheduledAnswerSchema = z.object({
  job_id: z.uuid(),
  status: z.enum(['scheduled', 'running']),
  retry_after: z.number().check(z.int(), z.positive(), z.describe('Seconds until the job is due (also the Retry-After header)')),
});

export const JobAnswerSchema = z.object({
  job_id: z.uuid(),
  status: z.enum(['scheduled', 'running', 'succeeded', 'failed']),
  operation: z.enum(OPERATION_NAMES).check(z.describe('The data route it stands for')),
  provider: z.nullable(z.string()),
  attempts: z.number().check(z.int(), z.nonnegative()),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
  retry_after: z.optional(z.number().check(z.int(), z.positive())).check(z.describe('While scheduled or running: seconds until it is due')),
  data: z
    .optional(z.nullable(z.union(RESOURCES.map((r) => r.answer) as [z.ZodMiniType, ...z.ZodMiniType[]])))
    .check(z.describe("When succeeded: the data route's answer (null when too large to keep; see data_note)")),
  data_note: z.optional(z.string()),
  error: z.optional(z.object({ code: z.string(), message: z.string() })).check(z.describe('When failed')),
});

/** DELETE /users/me (shared/app/erasure.ts). */
export const RevokeOutcomeSchema = z.object({
  outcome: z.enum(['revoked', 'failed', 'nothing_to_revoke']),
  /** Why revoking failed (an error code: rate_limited, provider_unavailable, ...). */
  error: z.optional(z.string()),
});

export const ErasureReceiptSchema = z.object({
  status: z.enum(['erased', 'in_progress']),
  /** Items deleted, by kind (connections, oauth_states, jobs, job_claims, coordination_records, cache_entries). */
  deleted: z.record(z.string(), z.number()),
  /** Per provider the user was connected to: whether our access was revoked there. */
  revoked: z.record(z.string(), RevokeOutcomeSchema),
  /** With `in_progress`: seconds after which DELETE /users/me again tells whether anything is left. */
  retry_after: z.optional(z.number()),
});
export type ErasureReceipt = z.infer<typeof ErasureReceiptSchema>;
// The event endpoints' and events' answers, named in the OpenAPI document like the rest.
export * from '../events/answers';
