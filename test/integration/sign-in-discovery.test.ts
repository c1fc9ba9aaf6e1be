/**
 * How an assistant without a token finds where to sign the user in: a 401 names the protected
 * resource metadata (RFC 9728) in `WWW-Authenticate`, and the document names the configured
 * JWT issuer, the resource and the scopes; the official MCP client's discovery reads it.
 */
import { discoverOAuthProtectedResourceMetadata } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimsFor, invoke } from '../support/events';
import { startClient, type Client } from '../support/provider-flow';

const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example';

describe('sign-in discovery (RFC 9728)', () => {
  let client: Client;

  beforeAll(async () => {
    client = await startClient({ env: { PIERRE_JWT_ISSUER: ISSUER, PIERRE_OAUTH_SCOPES: 'openid pierre/read' } }, 'user-si', 'tenant-si');
  });
  afterAll(() => client.server.close());

  const challengeOf = (res: Response) => res.headers.get('www-authenticate') ?? '';
  const metadataUrlOf = (challenge: string) => /resource_metadata="([^"]+)"/.exec(challenge)?.[1];

  it('answers a POST to /mcp without a token with 401 naming the /mcp metadata, which names the issuer', async () => {
    const res = await fetch(`${client.server.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
    const challenge = challengeOf(res);
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain('error="invalid_token"');
    const url = metadataUrlOf(challenge);
    expect(url).toBe(`${client.server.url}/.well-known/oauth-protected-resource/mcp`);
    const metadata = await (await fetch(url!)).json();
    expect(metadata).toMatchObject({
      resource: `${client.server.url}/mcp`,
      authorization_servers: [ISSUER],
      scopes_supported: ['openid', 'pierre/read'],
      bearer_methods_supported: ['header'],
    });
  });

  it('answers the REST API without a token with 401 naming the API-wide metadata', async () => {
    const res = await fetch(`${client.server.url}/activities`);
    expect(res.status).toBe(401);
    const url = metadataUrlOf(challengeOf(res));
    expect(url).toBe(`${client.server.url}/.well-known/oauth-protected-resource`);
    const metadata = await (await fetch(url!)).json();
    expect(metadata).toMatchObject({ resource: client.server.url, authorization_servers: [ISSUER] });
  });

  it("is what the official MCP client's discovery finds for the /mcp URL", async () => {
    const metadata = await discoverOAuthProtectedResourceMetadata(`${client.server.url}/mcp`);
    expect(metadata.resource).toBe(`${client.server.url}/mcp`);
    expect(metadata.authorization_servers).toEqual([ISSUER]);
  });

  it('adds the challenge to the 401 the function itself answers (a token without a tenant claim)', async () => {
    const { sub } = claimsFor('user-si', 'tenant-si');
    const answer = await invoke({ method: 'POST', path: '/mcp', claims: { sub }, headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(answer.status).toBe(401);
    expect(answer.json.error.code).toBe('unauthorized');
    expect(answer.headers['www-authenticate']).toMatch(
      /^Bearer resource_metadata="https?:\/\/[^"]+\/\.well-known\/oauth-protected-resource\/mcp", error="invalid_token"$/,
    );
  });
});
