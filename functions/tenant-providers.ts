/** A tenant admin's own provider apps: `PUT|GET|DELETE /admin/providers/{provider}`, for the caller's tenant only. */
import { authenticated, json } from '../shared/http/handler';
import { parseInput, ProviderPathSchema } from '../shared/http/query';
import { coreContainer } from '../shared/app/container-core';
import { requireAdmin } from '../shared/app/identity';
import { deleteTenantApp, getTenantApp, setTenantApp } from '../shared/app/tenant-providers';

const bodyText = (body: string | undefined, base64: boolean) => (body === undefined ? undefined : base64 ? Buffer.from(body, 'base64').toString('utf8') : body);

export const handler = authenticated(
  async (event, { container, identity }) => {
    requireAdmin(identity);
    const { provider } = parseInput(ProviderPathSchema, event.pathParameters);
    switch (event.requestContext.http.method) {
      case 'PUT':
        return json(200, await setTenantApp(container, identity.tenantId, provider, bodyText(event.body, event.isBase64Encoded)));
      case 'DELETE':
        return json(200, await deleteTenantApp(container, identity.tenantId, provider));
      default:
        return json(200, await getTenantApp(container, identity.tenantId, provider));
    }
  },
  { container: coreContainer },
);
