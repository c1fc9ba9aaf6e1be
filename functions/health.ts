import { json, unauthenticated } from '../shared/http/handler';
import { serviceHealth } from '../shared/app/health';
import { coreContainer } from '../shared/app/container-core';

export const handler = unauthenticated(async (_event, { container }) => json(200, await serviceHealth(container)), { container: coreContainer });
