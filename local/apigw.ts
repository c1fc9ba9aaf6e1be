/** Turns a Node HTTP request into the API Gateway HTTP API (payload 2.0) event Lambda receives. */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ROUTES, type RouteSpec } from '../functions/routes';

interface MatchedRoute {
  route: RouteSpec;
  pathParameters: Record<string, string>;
}

const compiled = ROUTES.map((route) => {
  const names: string[] = [];
  const pattern = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, names, regex: new RegExp(`^${pattern}/?$`) };
});

function decodePathPart(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined; // malformed percent-encoding such as %ff
  }
}

/**
 * The route for a method and path, `'method'` when only the method is wrong, `'encoding'` when
 * a path parameter is not valid percent-encoded UTF-8, or undefined.
 */
export function matchRoute(method: string, path: string): MatchedRoute | 'method' | 'encoding' | undefined {
  let pathMatched = false;
  for (const { route, names, regex } of compiled) {
    const match = regex.exec(path);
    if (!match) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    const pathParameters: Record<string, string> = {};
    for (const [i, name] of names.entries()) {
      const value = decodePathPart(match[i + 1] ?? '');
      if (value === undefined) return 'encoding';
      pathParameters[name] = value;
    }
    return { route, pathParameters };
  }
  return pathMatched ? 'method' : undefined;
}

export function buildEvent(args: {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
  matched: MatchedRoute;
  claims: Record<string, unknown> | undefined;
  sourceIp: string;
  /** The host the API is served on (API Gateway's own domain), never the client's Host header. */
  domainName: string;
}): APIGatewayProxyEventV2 {
  const { method, url, matched } = args;
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(args.headers)) {
    if (value === undefined) continue;
    if (name === 'cookie') cookies.push(...String(value).split(/;\s*/));
    else headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // API Gateway adds these itself.
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-forwarded-for'] ??= args.sourceIp;
  // API Gateway joins repeated query parameters with commas.
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  const isText = /json|text|x-www-form-urlencoded|xml/.test(headers['content-type'] ?? '');
  const now = new Date();
  const routeKey = `${matched.route.method} ${matched.route.path}`;
  const event = {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    cookies: cookies.length ? cookies : undefined,
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: Object.keys(matched.pathParameters).length ? matched.pathParameters : undefined,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: args.domainName,
      domainPrefix: 'local',
      http: {
        method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: args.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      ...(args.claims && { authorizer: { jwt: { claims: args.claims, scopes: null } } }),
    },
    body: args.body.length ? (isText ? args.body.toString('utf8') : args.body.toString('base64')) : undefined,
    isBase64Encoded: args.body.length > 0 && !isText,
  };
  return event as APIGatewayProxyEventV2;
}
