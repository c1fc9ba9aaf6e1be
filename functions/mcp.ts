import { authenticated, json } from '../shared/http/handler';
import { fromWebResponse, toWebRequest } from '../shared/http/web';
import { handleMcpRequest } from '../shared/mcp/server';
import { providerContainer } from '../shared/app/container';

// Stateless Streamable HTTP: no SSE stream to open (GET) and no session to end (DELETE).
export const handler = authenticated(
  async (event, ctx) => {
    if (event.requestContext.http.method !== 'POST') {
      const message = 'This MCP endpoint is stateless: send JSON-RPC messages with POST';
      return json(405, { error: { code: 'method_not_allowed', message } }, { allow: 'POST' });
    }
    return fromWebResponse(await handleMcpRequest(toWebRequest(event), ctx));
  },
  { container: providerContainer },
);
