import { authenticated, json } from '../shared/http/handler';
import { parseJsonBody } from '../shared/http/query';
import { AppError } from '../shared/app/errors';
import { coreContainer } from '../shared/app/container-core';
import { setTenantPriority, setUserPriority, SourcePrioritySchema, tenantPriority, userPriority } from '../shared/app/source-priority';

/**
 * The source priority of merged answers (docs/merging.md): `GET`/`PUT /settings/sources` for the
 * caller's own order, `GET`/`PUT /admin/sources` for the tenant's (admins only).
 */
export const handler = authenticated(
  async (event, { container, identity }) => {
    switch (event.routeKey) {
      case 'GET /settings/sources':
        return json(200, await userPriority(container, identity));
      case 'PUT /settings/sources':
        return json(200, await setUserPriority(container, identity, parseJsonBody(SourcePrioritySchema, event)));
      case 'GET /admin/sources':
        return json(200, await tenantPriority(container, identity));
      case 'PUT /admin/sources':
        return json(200, await setTenantPriority(container, identity, parseJsonBody(SourcePrioritySchema, event)));
      default:
        throw new AppError(404, 'not_found', `No route ${event.routeKey}`);
    }
  },
  { container: coreContainer },
);
