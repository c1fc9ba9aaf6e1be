/**
 * The tenant's published events: GET /events, GET /events/{id} (with its delivery attempts) and
 * POST /events/{id}/resend. Admins only: events name every user of the tenant (who connected,
 * who was revoked), which one user's token must not reveal about the others.
 */
import { authenticated, json } from '../shared/http/handler';
import { parseInput } from '../shared/http/query';
import { coreContainer } from '../shared/app/container-core';
import { requireAdmin } from '../shared/app/identity';
import { getEvent, listEvents, resendEvent } from '../shared/app/events';
import { EventPathSchema, EventsQuerySchema } from '../shared/events/answers';

export const handler = authenticated(
  async (event, { container, identity }) => {
    requireAdmin(identity);
    if (event.routeKey === 'GET /events')
      return json(200, await listEvents(container, identity.tenantId, parseInput(EventsQuerySchema, event.queryStringParameters)));
    const { id } = parseInput(EventPathSchema, event.pathParameters);
    if (event.routeKey === 'GET /events/{id}') return json(200, await getEvent(container, identity.tenantId, id));
    return json(202, await resendEvent(container, identity.tenantId, id));
  },
  { container: coreContainer },
);
