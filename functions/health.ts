import { json, unauthenticated } from '../shared/http/handler';
import { serviceHealth } from '../shared/app/health';

export const handler = unauthenticated(async (_event, { container }) => json(200, await serviceHealth(container)));
