/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728): how an assistant that meets a 401 finds
 * where to sign the user in. The API and the MCP endpoint are one resource each: the API's
 * document at `/.well-known/oauth-protected-resource`, the MCP endpoint's at the path-suffixed
 * `/.well-known/oauth-protected-resource/mcp` (RFC 9728 section 3.1). Both name the JWT issuer
 * the API trusts (`PIERRE_JWT_ISSUER`) as the authorization server.
 */
import type { AppConfig } from '../config/app-config';

export const METADATA_PATH = '/.well-known/oauth-protected-resource';
const MCP_PATH = '/mcp';

/** The resource a request path belongs to: `/mcp` or the API as a whole (''). */
const resourcePathOf = (requestPath: string): string => (requestPath === MCP_PATH || requestPath.startsWith(`${MCP_PATH}/`) ? MCP_PATH : '');

/** The metadata document of the resource at `base` + `resourcePath`. */
export function protectedResourceMetadata(config: Pick<AppConfig, 'jwtIssuer' | 'oauthScopes'>, base: string, resourcePath: string) {
  return {
    resource: `${base}${resourcePath}`,
    ...(config.jwtIssuer && { authorization_servers: [config.jwtIssuer] }),
    scopes_supported: config.oauthScopes,
    bearer_methods_supported: ['header'],
    resource_name: resourcePath === MCP_PATH ? 'Pierre Providers MCP' : 'Pierre Providers API',
    resource_documentation: `${base}/openapi.json`,
  };
}

/** The `WWW-Authenticate` value of a 401 for a request to `requestPath`: where the metadata is. */
export function bearerChallenge(base: string, requestPath: string): string {
  return `Bearer resource_metadata="${base}${METADATA_PATH}${resourcePathOf(requestPath)}", error="invalid_token"`;
}
