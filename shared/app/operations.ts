/**
 * The data reads as named operations with JSON arguments, so that one read can be answered now
 * or, when the provider is limited, stored in a job and replayed by the retry worker exactly as
 * the route would have run it.
 */
import * as z from 'zod';
import type { Container } from './container';
import * as data from './data';
import type { Identity } from './identity';

export const OPERATION_NAMES = [
  'activities',
  'activity',
  'athlete',
  'stats',
  'personal_records',
  'sleep',
  'recovery',
  'health_metrics',
] as const;

const iso = z.iso.datetime().optional();

export const OperationSchema = z.object({
  name: z.enum(OPERATION_NAMES),
  provider: z.string().min(1).max(64).optional(),
  id: z.string().min(1).max(256).optional(),
  limit: z.number().int().optional(),
  offset: z.number().int().optional(),
  before: iso,
  after: iso,
  start: iso,
  end: iso,
});
export type Operation = z.infer<typeof OperationSchema>;

const date = (value: string | undefined) => (value === undefined ? undefined : new Date(value));
const range = (op: Operation) => ({ start: new Date(op.start!), end: new Date(op.end!) });

type Runner = (container: Container, identity: Identity, op: Operation) => Promise<unknown>;

const RUNNERS: Record<Operation['name'], Runner> = {
  activities: (c, id, op) => {
    const query = { limit: op.limit ?? 30, offset: op.offset ?? 0, before: date(op.before), after: date(op.after) };
    return op.provider === data.ALL_PROVIDERS ? data.fetchAllActivities(c, id, query) : data.fetchActivities(c, id, op.provider, query);
  },
  activity: (c, id, op) => data.fetchActivity(c, id, op.provider!, op.id!),
  athlete: (c, id, op) => data.fetchAthlete(c, id, op.provider),
  stats: (c, id, op) => data.fetchStats(c, id, op.provider),
  personal_records: (c, id, op) => data.fetchPersonalRecords(c, id, op.provider),
  sleep: (c, id, op) => data.fetchSleep(c, id, op.provider, range(op)),
  recovery: (c, id, op) => data.fetchRecovery(c, id, op.provider, range(op)),
  health_metrics: (c, id, op) => data.fetchHealthMetrics(c, id, op.provider, range(op)),
};

export function runOperation(container: Container, identity: Identity, op: Operation): Promise<unknown> {
  return RUNNERS[op.name](container, identity, op);
}
