/**
 * The resource table: every data read the service offers, one row each. The REST routes and
 * their OpenAPI contracts, the job operations and their runners, the MCP data tools, the cache
 * keys and TTLs, the webhook invalidation and the provider decorators are all derived from it,
 * so adding a read is a row here, a model schema, and the provider method of each provider
 * that has it.
 */
import * as z from './zod';
import {
  ActivitySchema,
  AthleteSchema,
  HealthMetricsSchema,
  LapSchema,
  PersonalRecordSchema,
  RecoveryMetricsSchema,
  SleepSessionSchema,
  StatsSchema,
} from './models';
import { ActivitiesQuerySchema, ActivityPathSchema, DateRangeQuerySchema, ProviderQuerySchema } from './http/query';
import { activitiesText, activityLine, recordsText, recordText } from './mcp/text';
import { Capability, type CapabilityFlag } from './providers/capabilities';
import type { ActivityQuery, DateRange, FitnessProvider, ProviderSession, WebhookResource } from './providers/spi';

// ---- answer parts -------------------------------------------------------------------------------

export const ProviderNameSchema = z.string().check(z.describe('Provider the data came from'));

/** With fallback=true, when another provider answered in place of the requested one. */
const FallbackSchema = z
  .optional(z.object({ requested: z.string(), reason: z.string().check(z.describe("The requested provider's error code")) }))
  .check(z.describe('Present when the requested provider failed and `provider` answered instead (fallback=true)'));

const SourceStatusSchema = z.object({
  status: z.enum(['ok', 'error']),
  count: z.optional(z.number()),
  code: z.optional(z.string()),
  message: z.optional(z.string()),
});
const SourcesSchema = z.optional(z.record(z.string(), SourceStatusSchema)).check(z.describe("With provider=all: each provider's outcome"));

// ---- how a read's arguments travel -------------------------------------------------------------

/** A read's arguments in JSON, as a job stores them (every value a string or a number). */
export interface ReadArguments {
  provider?: string | undefined;
  id?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
  before?: string | undefined;
  after?: string | undefined;
  start?: string | undefined;
  end?: string | undefined;
}

export type KeyParts = readonly (string | number | undefined)[];

/**
 * One shape of arguments: the route's input schema (query string or path), its JSON form, the
 * provider method's arguments, and the cache key parts those arguments make.
 */
interface ArgumentKind<I extends z.ZodMiniType, A extends unknown[]> {
  input: I;
  in: 'query' | 'path';
  toArguments(parsed: z.output<I>): ReadArguments;
  methodArguments(args: ReadArguments): A;
  keyParts(...args: A): KeyParts;
}

const kind = <I extends z.ZodMiniType, A extends unknown[]>(spec: ArgumentKind<I, A>) => spec;
const iso = (date: Date | undefined) => date?.toISOString();
const date = (value: string | undefined) => (value === undefined ? undefined : new Date(value));

const ARGUMENT_KINDS = {
  /** The provider only: `?provider=`. */
  provider: kind({
    input: ProviderQuerySchema,
    in: 'query',
    toArguments: (q) => ({ provider: q.provider }),
    methodArguments: (): [] => [],
    keyParts: () => [],
  }),
  /** A date range: `?provider=&start=&end=`. */
  range: kind({
    input: DateRangeQuerySchema,
    in: 'query',
    toArguments: (q) => ({ provider: q.provider, start: iso(q.range.start), end: iso(q.range.end) }),
    methodArguments: (a): [DateRange] => [{ start: new Date(a.start!), end: new Date(a.end!) }],
    keyParts: (range: DateRange) => [range.start.toISOString(), range.end.toISOString()],
  }),
  /** A page of activities: `?provider=&limit=&offset=&before=&after=`. */
  page: kind({
    input: ActivitiesQuerySchema,
    in: 'query',
    toArguments: (q) => ({ provider: q.provider, limit: q.limit, offset: q.offset, before: iso(q.before), after: iso(q.after) }),
    methodArguments: (a): [ActivityQuery] => [{ limit: a.limit ?? 30, offset: a.offset ?? 0, before: date(a.before), after: date(a.after) }],
    keyParts: (query: ActivityQuery) => [query.limit, query.offset, iso(query.before), iso(query.after)],
  }),
  /** One item by its provider and id, in the path: `/{provider}/{id}`. */
  item: kind({
    input: ActivityPathSchema,
    in: 'path',
    toArguments: (p) => ({ provider: p.provider, id: p.id }),
    methodArguments: (a): [string] => [a.id!],
    keyParts: (id: string) => [id],
  }),
};
type ArgumentKindName = keyof typeof ARGUMENT_KINDS;
type MethodArgumentsOf<K extends ArgumentKindName> = ReturnType<(typeof ARGUMENT_KINDS)[K]['methodArguments']>;

/** The FitnessProvider methods that take a session and exactly the arguments `A`. */
type MethodsTaking<A extends unknown[]> = {
  [M in keyof FitnessProvider]-?: NonNullable<FitnessProvider[M]> extends (session: ProviderSession, ...args: infer P) => Promise<unknown>
    ? [P] extends [A]
      ? [A] extends [P]
        ? M
        : never
      : never
    : never;
}[keyof FitnessProvider];

// ---- the rows -------------------------------------------------------------------------------

interface ResourceSpec<
  N extends string,
  P extends string,
  C extends string,
  K extends ArgumentKindName,
  M extends MethodsTaking<MethodArgumentsOf<K>>,
  S extends z.ZodMiniType,
> {
  /** The operation name: jobs store it, `GET /jobs/{id}` reports it. */
  name: N;
  /** The provider method (the SPI) that reads it. */
  method: M;
  arguments: K;
  /** Providers without it answer 400 unsupported_feature; absent: every provider has it. */
  capability?: { flag: CapabilityFlag; feature: string };
  /** `provider=all` merges every connected provider in the caller's source priority (a kind of shared/app/merge.ts). */
  all?: boolean;
  /** Whether `fallback=true` may ask another provider (not for one item named by its provider). */
  fallback?: boolean;
  route: { path: P; summary: string; extraErrors?: readonly 'not_found'[] };
  /** The answer: `{ provider, <field>: value, ... }`. */
  field: string;
  answer: S;
  cache: { resource: C; ttlSecs: number };
  /** The webhook change that makes it stale. */
  changedBy: WebhookResource;
  tool: { name: string; title: string; description: string; text(answer: z.output<S>): string };
}

interface Resource<N extends string = string, P extends string = string, C extends string = string, M extends string = string> {
  readonly name: N;
  readonly method: M;
  readonly arguments: ArgumentKindName;
  readonly capability: { flag: CapabilityFlag; feature: string } | undefined;
  readonly all: boolean;
  readonly fallback: boolean;
  readonly route: { path: P; summary: string; extraErrors: readonly 'not_found'[] };
  readonly field: string;
  readonly answer: z.ZodMiniType;
  readonly cache: { resource: C; ttlSecs: number };
  readonly changedBy: WebhookResource;
  readonly tool: { name: string; title: string; description: string; text(answer: unknown): string };
  /** The route's (and tool's) input schema, and where the route takes it from. */
  readonly input: { schema: z.ZodMiniType; in: 'query' | 'path' };
  /** The JSON arguments from the parsed input. */
  toArguments(parsed: unknown): ReadArguments;
  /** The cache key parts of a call's arguments (after the session). */
  keyParts(args: readonly unknown[]): KeyParts;
  /** The provider method's arguments from the stored JSON form. */
  methodArguments(args: ReadArguments): unknown[];
}

function resource<
  const N extends string,
  const P extends string,
  const C extends string,
  K extends ArgumentKindName,
  M extends MethodsTaking<MethodArgumentsOf<K>>,
  S extends z.ZodMiniType,
>(spec: ResourceSpec<N, P, C, K, M, S>): Resource<N, P, C, M> {
  const kindOf = ARGUMENT_KINDS[spec.arguments] as ArgumentKind<z.ZodMiniType, unknown[]>;
  return {
    ...spec,
    capability: spec.capability,
    all: spec.all ?? false,
    fallback: spec.fallback ?? true,
    route: { extraErrors: [], ...spec.route },
    tool: spec.tool as Resource['tool'],
    input: { schema: kindOf.input, in: kindOf.in },
    toArguments: (parsed) => kindOf.toArguments(parsed),
    keyParts: (args) => kindOf.keyParts(...args),
    methodArguments: (args) => kindOf.methodArguments(args),
  };
}

const HOUR = 3_600;
const UNITS =
  'Units are in the field names (*_meters, *_seconds, *_kg, *_celsius, *_ms, *_percentage); heart rates in bpm, speeds in m/s, power in watts, energy (*calories) in kcal; instants (*_date) in ISO-8601 UTC. Each field of the output schema describes its unit and meaning.';
const ACTIVITIES = { flag: Capability.ACTIVITIES, feature: 'activities' };

export const ActivitiesAnswerSchema = z.object({
  provider: ProviderNameSchema,
  activities: z.array(ActivitySchema),
  sources: SourcesSchema,
  fallback: FallbackSchema,
});
export const ActivityAnswerSchema = z.object({ provider: ProviderNameSchema, activity: ActivitySchema });
export const AthleteAnswerSchema = z.object({ provider: ProviderNameSchema, athlete: AthleteSchema, fallback: FallbackSchema });
export const StatsAnswerSchema = z.object({ provider: ProviderNameSchema, stats: StatsSchema, fallback: FallbackSchema });
export const PersonalRecordsAnswerSchema = z.object({
  provider: ProviderNameSchema,
  personal_records: z.array(PersonalRecordSchema),
  fallback: FallbackSchema,
});
export const SleepAnswerSchema = z.object({
  provider: ProviderNameSchema,
  sleep_sessions: z.array(SleepSessionSchema),
  sources: SourcesSchema,
  fallback: FallbackSchema,
});
export const RecoveryAnswerSchema = z.object({
  provider: ProviderNameSchema,
  recovery: z.array(RecoveryMetricsSchema),
  sources: SourcesSchema,
  fallback: FallbackSchema,
});
export const HealthMetricsAnswerSchema = z.object({ provider: ProviderNameSchema, health_metrics: z.array(HealthMetricsSchema), fallback: FallbackSchema });

export const LapsAnswerSchema = z.object({ provider: ProviderNameSchema, laps: z.array(LapSchema) });

export const RESOURCES = [
  resource({
    name: 'activities',
    method: 'getActivities',
    arguments: 'page',
    capability: ACTIVITIES,
    all: true,
    route: { path: '/activities', summary: 'Activities, newest first (provider=all merges every connected provider in your source priority)' },
    field: 'activities',
    answer: ActivitiesAnswerSchema,
    cache: { resource: 'activity_list', ttlSecs: 15 * 60 },
    changedBy: 'activities',
    tool: {
      name: 'get_activities',
      title: 'List activities',
      description: `Lists workouts newest first (paged by limit and offset, filtered by before/after), each with sport (and the provider's own label), start and end (UTC and local), elapsed and moving time, distance, elevation gain, heart rate and zones, speed, power, cadence, total and active calories, steps, training load (Strava suffer score, WHOOP strain 0-21, TSS), route polyline, place and device where the provider records them. provider=all merges every connected provider and collapses duplicates, the copy of the preferred provider (the source priority) naming the others in also_from. ${UNITS}`,
      text: (a) => activitiesText(a.provider, a.activities),
    },
  }),
  resource({
    name: 'activity',
    method: 'getActivity',
    arguments: 'item',
    capability: ACTIVITIES,
    fallback: false,
    route: { path: '/activities/{provider}/{id}', summary: 'One activity', extraErrors: ['not_found'] },
    field: 'activity',
    answer: ActivityAnswerSchema,
    cache: { resource: 'activity', ttlSecs: HOUR },
    changedBy: 'activities',
    tool: {
      name: 'get_activity',
      title: 'One activity',
      description: `Returns one workout by its provider and id (as get_activities lists them). ${UNITS}`,
      text: (a) => activityLine(a.activity),
    },
  }),
  resource({
    name: 'athlete',
    method: 'getAthlete',
    arguments: 'provider',
    route: { path: '/athlete', summary: "The athlete's profile" },
    field: 'athlete',
    answer: AthleteAnswerSchema,
    cache: { resource: 'athlete_profile', ttlSecs: 24 * HOUR },
    changedBy: 'athlete',
    tool: {
      name: 'get_athlete',
      title: 'Athlete profile',
      description: 'Returns the athlete profile the provider keeps: name, username, sex, weight in kg, city and country (null when unknown).',
      text: (a) => recordText(`Athlete on ${a.provider}`, a.athlete),
    },
  }),
  resource({
    name: 'stats',
    method: 'getStats',
    arguments: 'provider',
    capability: ACTIVITIES,
    route: { path: '/stats', summary: 'Totals: last 4 weeks, year to date, all time, by sport' },
    field: 'stats',
    answer: StatsAnswerSchema,
    cache: { resource: 'stats', ttlSecs: 6 * HOUR },
    changedBy: 'activities',
    tool: {
      name: 'get_stats',
      title: 'Training totals',
      description: `Returns activity totals (count, distance_meters, duration_seconds as elapsed time, moving_time_seconds, elevation_gain_meters) for the last 4 weeks, the year to date, all time and per sport. ${UNITS}`,
      text: (a) => recordText(`Totals on ${a.provider}`, a.stats),
    },
  }),
  resource({
    name: 'personal_records',
    method: 'getPersonalRecords',
    arguments: 'provider',
    capability: ACTIVITIES,
    route: { path: '/personal-records', summary: 'Personal records' },
    field: 'personal_records',
    answer: PersonalRecordsAnswerSchema,
    cache: { resource: 'personal_records', ttlSecs: 6 * HOUR },
    changedBy: 'activities',
    tool: {
      name: 'get_personal_records',
      title: 'Personal records',
      description:
        'Returns personal bests (fastest 1k/5k/10k/half/marathon in seconds, longest distance in meters, longest duration in seconds, most elevation gain in meters, highest average power in watts), each with the activity and date it was set.',
      text: (a) => recordsText(`personal records on ${a.provider}`, a.personal_records),
    },
  }),
  resource({
    name: 'sleep',
    method: 'getSleepSessions',
    arguments: 'range',
    capability: { flag: Capability.SLEEP_TRACKING, feature: 'sleep tracking' },
    all: true,
    route: { path: '/sleep', summary: 'Sleep sessions in a date range (provider=all merges every connected provider in your source priority)' },
    field: 'sleep_sessions',
    answer: SleepAnswerSchema,
    cache: { resource: 'sleep', ttlSecs: HOUR },
    changedBy: 'sleep',
    tool: {
      name: 'get_sleep_sessions',
      title: 'Sleep sessions',
      description: `Returns sleep sessions between start and end (default: the last 7 days): start and end, time in bed and time asleep, efficiency and sleep score (0-100), nap flag, wake count, time to fall asleep, time per stage (awake, light, deep, REM), heart rate, HRV (RMSSD, ms), respiratory rate, SpO2 and skin temperature deviation. provider=all merges every connected provider: overlapping sessions are one night, the preferred provider's copy naming the others in also_from. ${UNITS}`,
      text: (a) => recordsText(`sleep sessions from ${a.provider}`, a.sleep_sessions),
    },
  }),
  resource({
    name: 'recovery',
    method: 'getRecoveryMetrics',
    arguments: 'range',
    capability: { flag: Capability.RECOVERY_METRICS, feature: 'recovery metrics' },
    all: true,
    route: { path: '/recovery', summary: 'Recovery metrics in a date range (provider=all merges every connected provider in your source priority)' },
    field: 'recovery',
    answer: RecoveryAnswerSchema,
    cache: { resource: 'recovery', ttlSecs: HOUR },
    changedBy: 'recovery',
    tool: {
      name: 'get_recovery_metrics',
      title: 'Recovery metrics',
      description: `Returns daily recovery between start and end (default: the last 7 days): recovery score (0-100), resting heart rate, HRV (RMSSD, ms), respiratory rate, SpO2 percentage, skin temperature and its deviation (Celsius), stress (0-100) and WHOOP day strain (0-21) where the provider reports them. provider=all merges every connected provider: one day per date, the preferred provider's values naming the others in also_from. ${UNITS}`,
      text: (a) => recordsText(`days of recovery metrics from ${a.provider}`, a.recovery),
    },
  }),
  resource({
    name: 'health_metrics',
    method: 'getHealthMetrics',
    arguments: 'range',
    capability: { flag: Capability.HEALTH_METRICS, feature: 'health metrics' },
    route: { path: '/health-metrics', summary: 'Health metrics in a date range' },
    field: 'health_metrics',
    answer: HealthMetricsAnswerSchema,
    cache: { resource: 'health_metrics', ttlSecs: HOUR },
    changedBy: 'health_metrics',
    tool: {
      name: 'get_health_metrics',
      title: 'Health metrics',
      description: `Returns daily health metrics between start and end (default: the last 7 days): weight (kg), height, body fat, muscle and bone mass, body water, BMI, resting heart rate, steps, total, active and basal calories, VO2max, blood pressure (mmHg) and blood glucose (mg/dL). ${UNITS}`,
      text: (a) => recordsText(`days of health metrics from ${a.provider}`, a.health_metrics),
    },
  }),
  resource({
    name: 'laps',
    method: 'getActivityLaps',
    arguments: 'item',
    capability: ACTIVITIES,
    fallback: false,
    route: { path: '/activities/{provider}/{id}/laps', summary: "One activity's laps", extraErrors: ['not_found'] },
    field: 'laps',
    answer: LapsAnswerSchema,
    cache: { resource: 'activity_laps', ttlSecs: HOUR },
    changedBy: 'activities',
    tool: {
      name: 'get_activity_laps',
      title: 'Laps of an activity',
      description: `Returns the laps of one workout by its provider and id (as get_activities lists them), in order: start and end, elapsed and moving time, distance, ascent, average heart rate and active calories of each lap, and how the lap was made (manual, by distance, by time). Providers that do not record laps answer unsupported_feature. ${UNITS}`,
      text: (a) => recordsText(`laps from ${a.provider}`, a.laps),
    },
  }),
] as const;

export type ResourceRow = (typeof RESOURCES)[number];
type OperationName = ResourceRow['name'];
export type ReadMethod = ResourceRow['method'];

export const OPERATION_NAMES = RESOURCES.map((r) => r.name) as [OperationName, ...OperationName[]];

/** The row of an operation. */
export function resourceNamed(name: OperationName): ResourceRow {
  return RESOURCES.find((r) => r.name === name)!;
}
