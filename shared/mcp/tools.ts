/**
 * The MCP tools. Each one is a REST route seen from an assistant: the route's zod input schema,
 * the route's use case, the answer's schema. Provider choices come from the registry when a
 * client lists the tools, so a newly registered provider needs no change here.
 */
import * as z from '../zod';
import * as answers from '../app/answers';
import { startConnection } from '../app/connect';
import { connectionStatus, disconnect } from '../app/connections';
import type { Container } from '../app/container';
import * as data from '../app/data';
import type { Identity } from '../app/identity';
import { listProviders } from '../app/list-providers';
import type { Operation } from '../app/operations';
import { ActivitiesQuerySchema, ActivityPathSchema, ConnectQuerySchema, DateRangeQuerySchema, ProviderPathSchema, ProviderQuerySchema } from '../http/query';
import { Capability, hasCapability, type CapabilityFlag } from '../providers/capabilities';
import type { ProviderDescriptor } from '../providers/spi';
import { activitiesText, activityLine, recordsText, recordText } from './text';

export interface ToolContext {
  container: Container;
  identity: Identity;
  /** Origin the request reached us on (for OAuth callback URLs when none is configured). */
  origin: string;
}

/** Which providers a tool's `provider` argument offers. */
export interface ProviderChoice {
  /** Only providers with this capability. */
  capability?: CapabilityFlag;
  /** Only providers the user connects to (OAuth), not the ones that need no connection. */
  connectable?: boolean;
  /** Also offer `all` (every connected provider merged). */
  all?: boolean;
}

export interface ToolSpec {
  name: string;
  title: string;
  description: string;
  /** The REST route's zod schema; MCP arguments are checked by it exactly as query strings are. */
  input: z.ZodMiniType;
  output: z.ZodMiniType;
  providers?: ProviderChoice;
  readOnly: boolean;
  /** Reads provider data through the cache, so it takes the `cache` policy argument. */
  cached: boolean;
  /** Data tools: the read as a job operation, queued (job_id in the error) when the provider is limited. */
  operation?(args: any): Operation;
  // The typed `tool()` helper below ties each run to its text; the list holds them erased.
  run(args: any, ctx: ToolContext): Promise<object>;
  text(answer: any): string;
}

const tool = <S extends z.ZodMiniType, A extends object>(spec: {
  name: string;
  title: string;
  description: string;
  input: S;
  output: z.ZodMiniType;
  providers?: ProviderChoice;
  readOnly?: boolean;
  cached?: boolean;
  operation?(args: z.output<S>): Operation;
  run(args: z.output<S>, ctx: ToolContext): Promise<A>;
  text(answer: A): string;
}): ToolSpec => ({ readOnly: true, cached: false, ...spec });

const NO_ARGUMENTS = z.object({});
const UNITS =
  'Units are in the field names (*_meters, *_seconds, *_kg, *_celsius, *_ms, *_percentage); heart rates in bpm, speeds in m/s, power in watts, energy (*calories) in kcal; instants (*_date) in ISO-8601 UTC. Each field of the output schema describes its unit and meaning.';
const ACTIVITY_DATA = { capability: Capability.ACTIVITIES };
const iso = (date: Date | undefined) => date?.toISOString();
const ranged = (name: 'sleep' | 'recovery' | 'health_metrics', args: { provider?: string | undefined; range: { start: Date; end: Date } }): Operation => ({
  name,
  provider: args.provider,
  start: iso(args.range.start),
  end: iso(args.range.end),
});

export const TOOLS: readonly ToolSpec[] = [
  tool({
    name: 'list_providers',
    title: 'List fitness providers',
    description:
      'Lists every fitness data provider this service supports, with its capabilities, whether it needs OAuth, whether it is configured, and whether you are connected to it. Also names the default provider used when a tool gets no provider.',
    input: NO_ARGUMENTS,
    output: answers.ProvidersAnswerSchema,
    run: (_args, { container, identity }) => listProviders(container, identity),
    text: (a) =>
      [
        `Default provider: ${a.default_provider}`,
        ...a.providers.map(
          (p) => `${p.name} (${p.display_name}): ${p.capabilities.join(', ') || 'no data'}; ${p.connected ? 'connected' : p.configured ? 'not connected' : 'not configured'}`,
        ),
      ].join('\n'),
  }),
  tool({
    name: 'get_connection_status',
    title: 'Connection status',
    description:
      'Tells for every provider whether you are connected, with the granted scopes, when the connection was made and when its access token expires (tokens are refreshed automatically).',
    input: NO_ARGUMENTS,
    output: answers.ConnectionsAnswerSchema,
    run: (_args, { container, identity }) => connectionStatus(container, identity),
    text: (a) =>
      Object.entries((a as z.output<typeof answers.ConnectionsAnswerSchema>).providers)
        .map(([name, c]) => `${name}: ${c.status}${c.scopes?.length ? ` (scopes ${c.scopes.join(', ')})` : ''}`)
        .join('\n'),
  }),
  tool({
    name: 'connect_provider',
    title: 'Connect a provider',
    description:
      "Starts connecting a provider: returns the provider's authorization URL for the user to open in a browser and approve (valid for expires_in seconds). Providers that need no authorization are connected at once.",
    input: z.extend(ProviderPathSchema, ConnectQuerySchema.shape),
    output: answers.ConnectAnswerSchema,
    providers: {},
    readOnly: false,
    run: (args, { container, identity, origin }) =>
      startConnection(container, identity, { provider: args.provider, returnTo: args.return_to, requestOrigin: origin }),
    text: (a) =>
      a.authorization_url
        ? `Open this URL to connect ${a.provider} (valid for ${a.expires_in} seconds): ${a.authorization_url}`
        : `${a.provider} is connected; it needs no authorization.`,
  }),
  tool({
    name: 'disconnect_provider',
    title: 'Disconnect a provider',
    description: "Disconnects a provider: revokes the access at the provider where it can and deletes the stored tokens and cached data.",
    input: ProviderPathSchema,
    output: answers.DisconnectAnswerSchema,
    providers: { connectable: true },
    readOnly: false,
    run: (args, { container, identity }) => disconnect(container, identity, args.provider),
    text: (a) => `${a.provider} is disconnected.`,
  }),
  tool({
    name: 'get_activities',
    cached: true,
    title: 'List activities',
    description: `Lists workouts newest first (paged by limit and offset, filtered by before/after), each with sport (and the provider's own label), start and end (UTC and local), elapsed and moving time, distance, elevation gain, heart rate and zones, speed, power, cadence, total and active calories, steps, training load (Strava suffer score, WHOOP strain 0-21, TSS), route polyline, place and device where the provider records them. provider=all merges every connected provider and collapses duplicates. ${UNITS}`,
    input: ActivitiesQuerySchema,
    output: answers.ActivitiesAnswerSchema,
    providers: { ...ACTIVITY_DATA, all: true },
    operation: ({ provider, limit, offset, before, after }) => ({ name: 'activities', provider, limit, offset, before: iso(before), after: iso(after) }),
    run: ({ provider, ...query }, { container, identity }) =>
      provider === data.ALL_PROVIDERS
        ? data.fetchAllActivities(container, identity, query)
        : data.fetchActivities(container, identity, provider, query),
    text: (a) => activitiesText(a.provider, a.activities),
  }),
  tool({
    name: 'get_activity',
    cached: true,
    title: 'One activity',
    description: `Returns one workout by its provider and id (as get_activities lists them). ${UNITS}`,
    input: ActivityPathSchema,
    output: answers.ActivityAnswerSchema,
    providers: ACTIVITY_DATA,
    operation: (args) => ({ name: 'activity', provider: args.provider, id: args.id }),
    run: (args, { container, identity }) => data.fetchActivity(container, identity, args.provider, args.id),
    text: (a) => activityLine(a.activity),
  }),
  tool({
    name: 'get_athlete',
    cached: true,
    title: 'Athlete profile',
    description: 'Returns the athlete profile the provider keeps: name, username, sex, weight in kg, city and country (null when unknown).',
    input: ProviderQuerySchema,
    output: answers.AthleteAnswerSchema,
    providers: {},
    operation: (args) => ({ name: 'athlete', provider: args.provider }),
    run: (args, { container, identity }) => data.fetchAthlete(container, identity, args.provider),
    text: (a) => recordText(`Athlete on ${a.provider}`, a.athlete),
  }),
  tool({
    name: 'get_stats',
    cached: true,
    title: 'Training totals',
    description: `Returns activity totals (count, distance_meters, duration_seconds as elapsed time, moving_time_seconds, elevation_gain_meters) for the last 4 weeks, the year to date, all time and per sport. ${UNITS}`,
    input: ProviderQuerySchema,
    output: answers.StatsAnswerSchema,
    providers: ACTIVITY_DATA,
    operation: (args) => ({ name: 'stats', provider: args.provider }),
    run: (args, { container, identity }) => data.fetchStats(container, identity, args.provider),
    text: (a) => recordText(`Totals on ${a.provider}`, a.stats),
  }),
  tool({
    name: 'get_personal_records',
    cached: true,
    title: 'Personal records',
    description:
      'Returns personal bests (fastest 1k/5k/10k/half/marathon in seconds, longest distance in meters, longest duration in seconds, most elevation gain in meters, highest average power in watts), each with the activity and date it was set.',
    input: ProviderQuerySchema,
    output: answers.PersonalRecordsAnswerSchema,
    providers: ACTIVITY_DATA,
    operation: (args) => ({ name: 'personal_records', provider: args.provider }),
    run: (args, { container, identity }) => data.fetchPersonalRecords(container, identity, args.provider),
    text: (a) => recordsText(`personal records on ${a.provider}`, a.personal_records),
  }),
  tool({
    name: 'get_sleep_sessions',
    cached: true,
    title: 'Sleep sessions',
    description: `Returns sleep sessions between start and end (default: the last 7 days): start and end, time in bed and time asleep, efficiency and sleep score (0-100), nap flag, wake count, time to fall asleep, time per stage (awake, light, deep, REM), heart rate, HRV (RMSSD, ms), respiratory rate, SpO2 and skin temperature deviation. ${UNITS}`,
    input: DateRangeQuerySchema,
    output: answers.SleepAnswerSchema,
    providers: { capability: Capability.SLEEP_TRACKING },
    operation: (args) => ranged('sleep', args),
    run: (args, { container, identity }) => data.fetchSleep(container, identity, args.provider, args.range),
    text: (a) => recordsText(`sleep sessions from ${a.provider}`, a.sleep_sessions),
  }),
  tool({
    name: 'get_recovery_metrics',
    cached: true,
    title: 'Recovery metrics',
    description: `Returns daily recovery between start and end (default: the last 7 days): recovery score (0-100), resting heart rate, HRV (RMSSD, ms), respiratory rate, SpO2 percentage, skin temperature and its deviation (Celsius), stress (0-100) and WHOOP day strain (0-21) where the provider reports them. ${UNITS}`,
    input: DateRangeQuerySchema,
    output: answers.RecoveryAnswerSchema,
    providers: { capability: Capability.RECOVERY_METRICS },
    operation: (args) => ranged('recovery', args),
    run: (args, { container, identity }) => data.fetchRecovery(container, identity, args.provider, args.range),
    text: (a) => recordsText(`days of recovery metrics from ${a.provider}`, a.recovery),
  }),
  tool({
    name: 'get_health_metrics',
    cached: true,
    title: 'Health metrics',
    description: `Returns daily health metrics between start and end (default: the last 7 days): weight (kg), height, body fat, muscle and bone mass, body water, BMI, resting heart rate, steps, total, active and basal calories, VO2max, blood pressure (mmHg) and blood glucose (mg/dL). ${UNITS}`,
    input: DateRangeQuerySchema,
    output: answers.HealthMetricsAnswerSchema,
    providers: { capability: Capability.HEALTH_METRICS },
    operation: (args) => ranged('health_metrics', args),
    run: (args, { container, identity }) => data.fetchHealthMetrics(container, identity, args.provider, args.range),
    text: (a) => recordsText(`days of health metrics from ${a.provider}`, a.health_metrics),
  }),
];

/** The names a tool's `provider` argument offers right now. */
export function providerChoices(descriptors: readonly ProviderDescriptor[], choice: ProviderChoice): string[] {
  const names = descriptors
    .filter((d) => choice.capability === undefined || hasCapability(d.capabilities, choice.capability))
    .filter((d) => !choice.connectable || d.connection !== 'none')
    .map((d) => d.name);
  return choice.all && names.length > 0 ? [...names, data.ALL_PROVIDERS] : names;
}
