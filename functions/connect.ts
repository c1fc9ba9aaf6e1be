// This function calls providers: its container carries their implementations.
import '../shared/app/container';
import { authenticated, json } from '../shared/http/handler';
import { ConnectQuerySchema, parseInput, ProviderPathSchema } from '../shared/http/query';
import { startConnection } from '../shared/app/connect';

export const handler = authenticated(async (event, { container, identity, origin }) => {
  const { provider } = parseInput(ProviderPathSchema, event.pathParameters);
  const query = parseInput(ConnectQuerySchema, event.queryStringParameters);
  return json(200, await startConnection(container, identity, { provider, returnTo: query.return_to, requestOrigin: origin }));
});
