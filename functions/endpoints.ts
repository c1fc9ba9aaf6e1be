/**
 * The tenant's event endpoints, for its admins only (`requireAdmin`): they name where the
 * tenant's events go and hold the secret that signs them, which is the tenant's business.
 *   POST /admin/endpoints, GET /admin/endpoints, DELETE /admin/endpoints/{id}, POST /admin/endpoints/{id}/rotate-secret
 */
import { authenticated, json } from '../shared/http/handler';
import { jsonBody, parseInput } from '../shared/http/query';
import { coreContainer } from '../shared/app/container-core';
import { requireAdmin } from '../shared/app/identity';
import { createEndpoint, deleteEndpoint, listEndpoints, rotateSecret } from '../shared/app/endpoints';
import { EndpointBodySchema, EndpointPathSchema } from '../shared/events/answers';

export const handler = authenticated(
  async (event, { container, identity }) => {
    requireAdmin(identity);
    const route = event.routeKey;
    if (route === 'POST /admin/endpoints')
      return json(201, await createEndpoint(container, identity.tenantId, parseInput(EndpointBodySchema, jsonBody(event))));
    if (route === 'GET /admin/endpoints') return json(200, await listEndpoints(container, identity.tenantId));
    const { id } = parseInput(EndpointPathSchema, event.pathParameters);
    if (route === 'DELETE /admin/endpoints/{id}') return json(200, await deleteEndpoint(container, identity.tenantId, id));
    return json(200, await rotateSecret(container, identity.tenantId, id));
  },
  { container: coreContainer },
);
