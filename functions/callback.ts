import * as z from '../shared/zod';
import { json, unauthenticated } from '../shared/http/handler';
import { parseInput, ProviderPathSchema } from '../shared/http/query';
import { completeConnection } from '../shared/app/callback';
import { providerContainer } from '../shared/app/container';

// Identity comes from the stored state, not from a JWT: the browser arrives from the provider.
const CallbackQuerySchema = z.record(z.string(), z.string().check(z.maxLength(4096)));

export const handler = unauthenticated(
  async (event, { container }) => {
    const { provider } = parseInput(ProviderPathSchema, event.pathParameters);
    const query = parseInput(CallbackQuerySchema, event.queryStringParameters);
    const result = await completeConnection(container, provider, query);
    if (result.redirectTo) return { status: 302, headers: { location: result.redirectTo } };
    return json(200, result.body);
  },
  { container: providerContainer },
);
