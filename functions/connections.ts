// This function calls providers: its container carries their implementations.
import '../shared/app/container';
import { authenticated, json } from '../shared/http/handler';
import { parseInput, ProviderPathSchema } from '../shared/http/query';
import { connectionStatus, disconnect } from '../shared/app/connections';

export const handler = authenticated(async (event, { container, identity }) => {
  if (event.requestContext.http.method === 'DELETE') {
    const { provider } = parseInput(ProviderPathSchema, event.pathParameters);
    return json(200, await disconnect(container, identity, provider));
  }
  return json(200, await connectionStatus(container, identity));
});
