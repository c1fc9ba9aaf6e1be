import { authenticated, json } from '../shared/http/handler';
import { parseInput, ProviderPathSchema } from '../shared/http/query';
import { connectionStatus, disconnect } from '../shared/app/connections';
import { providerContainer } from '../shared/app/container';

export const handler = authenticated(
  async (event, { container, identity }) => {
    if (event.requestContext.http.method === 'DELETE') {
      const { provider } = parseInput(ProviderPathSchema, event.pathParameters);
      return json(200, await disconnect(container, identity, provider));
    }
    return json(200, await connectionStatus(container, identity));
  },
  { container: providerContainer },
);
