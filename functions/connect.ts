import { authenticated, json } from '../shared/http/handler';
import { ConnectQuerySchema, parseInput, ProviderPathSchema } from '../shared/http/query';
import { startConnection } from '../shared/app/connect';
import { providerContainer } from '../shared/app/container';

export const handler = authenticated(
  async (event, { container, identity, origin }) => {
    const { provider } = parseInput(ProviderPathSchema, event.pathParameters);
    const query = parseInput(ConnectQuerySchema, event.queryStringParameters);
    return json(200, await startConnection(container, identity, { provider, returnTo: query.return_to, requestOrigin: origin }));
  },
  { container: providerContainer },
);
