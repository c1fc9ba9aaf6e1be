import { AppError } from '../shared/app/errors';
import { json, raw, unauthenticated } from '../shared/http/handler';
import { openApiDocument } from '../shared/http/openapi';
import { METADATA_PATH, protectedResourceMetadata } from '../shared/http/protected-resource';
import { clientScript } from '../shared/web/assets';
import { renderPage } from '../shared/web/page';
import { coreContainer } from '../shared/app/container-core';

// Public: the page gets its JWT from the embedding app (or, locally, from /dev/token) itself.
export const handler = unauthenticated(
  async (event, { container, origin }) => {
    const { config } = container;
    if (event.routeKey === 'GET /openapi.json') return json(200, openApiDocument(config.publicBaseUrl ?? origin));
    if (event.routeKey.startsWith(`GET ${METADATA_PATH}`)) {
      const resourcePath = event.routeKey.slice(`GET ${METADATA_PATH}`.length);
      return json(200, protectedResourceMetadata(config, config.publicBaseUrl ?? origin, resourcePath), { 'cache-control': 'public, max-age=3600' });
    }
    if (event.routeKey !== 'GET /') throw new AppError(404, 'not_found', `No route ${event.routeKey}`);
    const page = renderPage(await clientScript(), {
      devTokens: config.webDevTokens,
      tokenOrigins: [...config.returnTargets.origins],
      tenantClaim: config.tenantClaim,
    });
    return raw(200, page.html, page.headers);
  },
  { container: coreContainer },
);
