import { authenticated, json } from '../shared/http/handler';
import { listProviders } from '../shared/app/list-providers';

export const handler = authenticated(async (_event, { container, identity }) =>
  json(200, await listProviders(container, identity)),
);
