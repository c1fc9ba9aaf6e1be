import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { authenticated, json, type HttpContext } from '../shared/http/handler';
import {
  ActivitiesQuerySchema,
  ActivityPathSchema,
  DateRangeQuerySchema,
  parseInput,
  ProviderQuerySchema,
} from '../shared/http/query';
import * as data from '../shared/app/data';
import { AppError } from '../shared/app/errors';

type Route = (event: APIGatewayProxyEventV2, ctx: HttpContext) => Promise<unknown>;

const provider = (event: APIGatewayProxyEventV2) => parseInput(ProviderQuerySchema, event.queryStringParameters).provider;
const range = (event: APIGatewayProxyEventV2) => parseInput(DateRangeQuerySchema, event.queryStringParameters);

const ROUTES: Record<string, Route> = {
  'GET /activities': (event, { container, identity }) => {
    const { provider: name, ...query } = parseInput(ActivitiesQuerySchema, event.queryStringParameters);
    if (name === data.ALL_PROVIDERS) return data.fetchAllActivities(container, identity, query);
    return data.fetchActivities(container, identity, name, query);
  },
  'GET /activities/{provider}/{id}': (event, { container, identity }) => {
    const path = parseInput(ActivityPathSchema, event.pathParameters);
    return data.fetchActivity(container, identity, path.provider, path.id);
  },
  'GET /athlete': (event, { container, identity }) => data.fetchAthlete(container, identity, provider(event)),
  'GET /stats': (event, { container, identity }) => data.fetchStats(container, identity, provider(event)),
  'GET /personal-records': (event, { container, identity }) =>
    data.fetchPersonalRecords(container, identity, provider(event)),
  'GET /sleep': (event, { container, identity }) => {
    const q = range(event);
    return data.fetchSleep(container, identity, q.provider, q.range);
  },
  'GET /recovery': (event, { container, identity }) => {
    const q = range(event);
    return data.fetchRecovery(container, identity, q.provider, q.range);
  },
  'GET /health-metrics': (event, { container, identity }) => {
    const q = range(event);
    return data.fetchHealthMetrics(container, identity, q.provider, q.range);
  },
};

export const handler = authenticated(async (event, ctx) => {
  const route = ROUTES[event.routeKey];
  if (!route) throw new AppError(404, 'not_found', `No route ${event.routeKey}`);
  return json(200, await route(event, ctx));
});
