import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { receiveWebhook } from '../shared/app/webhooks';
import { unauthenticated } from '../shared/http/handler';
import { parseInput, WebhookPathSchema } from '../shared/http/query';
import type { WebhookRequest } from '../shared/providers/spi';
import { providerContainer } from '../shared/app/container';

/** Provider pushes can be large (Garmin sends whole summaries); API Gateway caps them at 10 MB. */
const WEBHOOK_MAX_BODY_BYTES = 6 * 1024 * 1024;

function webhookRequest(event: APIGatewayProxyEventV2): WebhookRequest {
  return {
    method: event.requestContext.http.method === 'GET' ? 'GET' : 'POST',
    query: { ...event.queryStringParameters } as Record<string, string>,
    headers: { ...event.headers } as Record<string, string>,
    // Byte-exact: signatures cover the body as sent, and API Gateway may base64-encode it.
    rawBody: Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8'),
  };
}

export const handler = unauthenticated(
  async (event, { container }) => {
    const { provider, tenant } = parseInput(WebhookPathSchema, event.pathParameters);
    return receiveWebhook(container, provider, webhookRequest(event), tenant);
  },
  { container: providerContainer, maxBodyBytes: WEBHOOK_MAX_BODY_BYTES },
);
