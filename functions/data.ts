import { authenticated, json } from '../shared/http/handler';
import { FallbackQuerySchema, parseInput } from '../shared/http/query';
import { AppError } from '../shared/app/errors';
import { runOrSchedule } from '../shared/app/jobs';
import { providerContainer } from '../shared/app/container';
import { RESOURCES } from '../shared/resources';

/** The data routes: one per row of the resource table. */
const ROUTES = new Map(RESOURCES.map((resource) => [`GET ${resource.route.path}`, resource]));

/** Answers 200 with the data, or 202 with a job when the provider is limited (Retry-After, Location). */
export const handler = authenticated(
  async (event, { container, identity }) => {
    const resource = ROUTES.get(event.routeKey);
    if (!resource) throw new AppError(404, 'not_found', `No route ${event.routeKey}`);
    const { fallback } = parseInput(FallbackQuerySchema, { fallback: event.queryStringParameters?.['fallback'] });
    const input = parseInput(resource.input.schema, resource.input.in === 'path' ? event.pathParameters : event.queryStringParameters);
    const op = { name: resource.name, ...resource.toArguments(input), ...(fallback === 'true' && { fallback: true }) };
    const answer = await runOrSchedule(container, identity, op);
    if (answer.status === 200) return json(200, answer.body);
    return json(202, answer.body, { 'retry-after': String(answer.body.retry_after), location: `/jobs/${answer.body.job_id}` });
  },
  { container: providerContainer },
);
