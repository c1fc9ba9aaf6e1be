/** API Gateway events to web-standard Request/Response and back, for libraries built on fetch's types. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { json, type HttpAnswer } from './handler';

export function toWebRequest(event: APIGatewayProxyEventV2): Request {
  const { method } = event.requestContext.http;
  const url = `https://${event.requestContext.domainName}${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
  const headers = new Headers();
  for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers.set(name, value);
  const body = event.body === undefined || method === 'GET' ? undefined : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  return new Request(url, { method, headers, body });
}

/** A JSON (or empty) web Response as the stack's answer. */
export async function fromWebResponse(response: Response): Promise<HttpAnswer> {
  const text = await response.text();
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return json(response.status, text ? (JSON.parse(text) as unknown) : undefined, headers);
}
