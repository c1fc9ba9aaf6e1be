/**
 * The JSON each use case answers with, as zod schemas: what REST clients receive and what the
 * MCP tools publish as their output schemas. Model parts come from shared/models, so a field
 * added to the model shows up here by itself.
 */
import { z } from 'zod';
import {
  ActivitySchema,
  AthleteSchema,
  HealthMetricsSchema,
  PersonalRecordSchema,
  RecoveryMetricsSchema,
  SleepSessionSchema,
  StatsSchema,
} from '../models';

const providerName = z.string().describe('Provider the data came from');

export const ProvidersAnswerSchema = z.object({
  default_provider: z.string().describe('Provider used when a request names none'),
  providers: z.array(
    z.object({
      name: z.string(),
      display_name: z.string(),
      capabilities: z.array(z.string()).describe('oauth, activities, sleep_tracking, recovery_metrics, health_metrics'),
      requires_oauth: z.boolean(),
      connection_type: z.string(),
      configured: z.boolean().describe('The service has credentials for this provider'),
      connected: z.boolean().describe('The caller can read data from it now'),
    }),
  ),
});

export const ConnectionsAnswerSchema = z.object({
  providers: z.record(
    z.string(),
    z.object({
      connected: z.boolean(),
      status: z.string(),
      requires_connection: z.boolean().optional(),
      scopes: z.array(z.string()).optional(),
      connected_at: z.string().optional(),
      expires_at: z.string().nullable().optional().describe('When the access token expires (it is refreshed automatically)'),
    }),
  ),
});

export const ConnectAnswerSchema = z.object({
  provider: providerName,
  connected: z.boolean().optional().describe('True when the provider needs no authorization and is connected already'),
  authorization_url: z.string().optional().describe("The provider's consent page for the user to open"),
  state: z.string().optional(),
  expires_in: z.number().optional().describe('Seconds the authorization URL stays valid'),
});

export const DisconnectAnswerSchema = z.object({ provider: providerName, connected: z.boolean(), status: z.string() });

const SourceStatusSchema = z.object({
  status: z.enum(['ok', 'error']),
  count: z.number().optional(),
  code: z.string().optional(),
  message: z.string().optional(),
});

export const ActivitiesAnswerSchema = z.object({
  provider: providerName,
  activities: z.array(ActivitySchema),
  sources: z.record(z.string(), SourceStatusSchema).optional().describe("With provider=all: each provider's outcome"),
});

export const ActivityAnswerSchema = z.object({ provider: providerName, activity: ActivitySchema });
export const AthleteAnswerSchema = z.object({ provider: providerName, athlete: AthleteSchema });
export const StatsAnswerSchema = z.object({ provider: providerName, stats: StatsSchema });
export const PersonalRecordsAnswerSchema = z.object({ provider: providerName, personal_records: z.array(PersonalRecordSchema) });
export const SleepAnswerSchema = z.object({ provider: providerName, sleep_sessions: z.array(SleepSessionSchema) });
export const RecoveryAnswerSchema = z.object({ provider: providerName, recovery: z.array(RecoveryMetricsSchema) });
export const HealthMetricsAnswerSchema = z.object({ provider: providerName, health_metrics: z.array(HealthMetricsSchema) });
