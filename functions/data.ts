import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { authenticated, json } from '../shared/http/handler';
import {
  ActivitiesQuerySchema,
  ActivityPathSchema,
  DateRangeQuerySchema,
  FallbackQuerySchema,
  parseInput,
  ProviderQuerySchema,
} from '../shared/http/query';
import { AppError } from '../shared/app/errors';
import { runOrSchedule } from '../shared/app/jobs';
import type { Operation } from '../shared/app/operations';
import { providerContainer } from '../shared/app/container';

type ToOperation = (event: APIGatewayProxyEventV2) => Operation;

const iso = (date: Date | undefined) => date?.toISOString();
const provider = (event: APIGatewayProxyEventV2) => parseInput(ProviderQuerySchema, event.queryStringParameters).provider;
const ranged = (name: 'sleep' | 'recovery' | 'health_metrics'): ToOperation => (event) => {
  const q = parseInput(DateRangeQuerySchema, event.queryStringParameters);
  return { name, provider: q.provider, start: iso(q.range.start), end: iso(q.range.end) };
};

const ROUTES: Record<string, ToOperation> = {
  'GET /activities': (event) => {
    const q = parseInput(ActivitiesQuerySchema, event.queryStringParameters);
    return { name: 'activities', provider: q.provider, limit: q.limit, offset: q.offset, before: iso(q.before), after: iso(q.after) };
  },
  'GET /activities/{provider}/{id}': (event) => {
    const path = parseInput(ActivityPathSchema, event.pathParameters);
    return { name: 'activity', provider: path.provider, id: path.id };
  },
  'GET /athlete': (event) => ({ name: 'athlete', provider: provider(event) }),
  'GET /stats': (event) => ({ name: 'stats', provider: provider(event) }),
  'GET /personal-records': (event) => ({ name: 'personal_records', provider: provider(event) }),
  'GET /sleep': ranged('sleep'),
  'GET /recovery': ranged('recovery'),
  'GET /health-metrics': ranged('health_metrics'),
};

/** Answers 200 with the data, or 202 with a job when the provider is limited (Retry-After, Location). */
export const handler = authenticated(async (event, { container, identity }) => {
  const toOperation = ROUTES[event.routeKey];
  if (!toOperation) throw new AppError(404, 'not_found', `No route ${event.routeKey}`);
  const { fallback } = parseInput(FallbackQuerySchema, { fallback: event.queryStringParameters?.['fallback'] });
  const op = { ...toOperation(event), ...(fallback === 'true' && { fallback: true }) };
  const answer = await runOrSchedule(container, identity, op);
  if (answer.status === 200) return json(200, answer.body);
  return json(202, answer.body, { 'retry-after': String(answer.body.retry_after), location: `/jobs/${answer.body.job_id}` });
}, { container: providerContainer });
