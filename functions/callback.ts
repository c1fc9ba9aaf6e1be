import * as z from '../shared/zod';
import { json, raw, unauthenticated } from '../shared/http/handler';
import { parseInput, ProviderPathSchema } from '../shared/http/query';
import { completeConnection } from '../shared/app/callback';
import { providerContainer } from '../shared/app/container';
import { toErrorAnswer } from '../shared/app/error-answer';
import { prefersHtml, renderCallbackPage } from '../shared/web/callback-page';

// Identity comes from the stored state, not from a JWT: the browser arrives from the provider.
const CallbackQuerySchema = z.record(z.string(), z.string().check(z.maxLength(4096)));

// `return_to` wins (the app shows the outcome); else a browser gets a page that says what
// happened, and an API client its JSON.
export const handler = unauthenticated(
  async (event, { container }) => {
    const { provider } = parseInput(ProviderPathSchema, event.pathParameters);
    const html = prefersHtml(event.headers['accept']);
    const displayName = container.registry.descriptor(provider)?.displayName ?? provider;
    try {
      const query = parseInput(CallbackQuerySchema, event.queryStringParameters);
      const result = await completeConnection(container, provider, query);
      if (result.redirectTo) return { status: 302, headers: { location: result.redirectTo } };
      if (!html) return json(200, result.body);
      const page = renderCallbackPage(displayName, { connected: true });
      return raw(200, page.html, page.headers);
    } catch (error) {
      if (!html) throw error;
      const answer = toErrorAnswer(error);
      const page = renderCallbackPage(displayName, { connected: false, code: answer.code, message: answer.message });
      return raw(answer.status, page.html, { ...answer.headers, ...page.headers });
    }
  },
  { container: providerContainer },
);
