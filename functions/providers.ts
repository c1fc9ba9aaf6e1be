import { authenticated, json } from '../shared/http/handler';
import { parseInput, ProvidersQuerySchema } from '../shared/http/query';
import { listProviders } from '../shared/app/list-providers';
import { providerContainer } from '../shared/app/container';

export const handler = authenticated(
  async (event, { container, identity }) => {
    const { health } = parseInput(ProvidersQuerySchema, event.queryStringParameters);
    return json(200, await listProviders(container, identity, { health }));
  },
  { container: providerContainer },
);
