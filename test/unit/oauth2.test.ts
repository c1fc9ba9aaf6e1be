import { describe, expect, it } from 'vitest';
import { resolveProviderConfig } from '../../shared/config';
import { providerRegistry } from '../../shared/providers';
import { buildAuthorizationUrl, parseScopes, tokenSetFrom } from '../../shared/providers/oauth2';

const request = { tenantId: 't', userId: 'u', state: 'st', redirectUri: 'https://api.example.com/callback/x', scopes: ['a', 'b'] };

describe('authorization URL', () => {
  it('joins Strava scopes with commas and adds approval_prompt=force, without PKCE', () => {
    const d = providerRegistry.descriptor('strava')!;
    const url = new URL(buildAuthorizationUrl(d, { ...resolveProviderConfig(d, {}), clientId: 'cid' }, { ...request, codeChallenge: 'ch' }));
    expect(url.origin + url.pathname).toBe('https://www.strava.com/oauth/authorize');
    expect(url.searchParams.get('scope')).toBe('a,b');
    expect(url.searchParams.get('approval_prompt')).toBe('force');
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('client_id')).toBe('cid');
    expect(url.searchParams.get('code_challenge')).toBeNull();
  });

  it('joins Fitbit scopes with spaces and sends the S256 challenge', () => {
    const d = providerRegistry.descriptor('fitbit')!;
    const url = new URL(buildAuthorizationUrl(d, resolveProviderConfig(d, {}), { ...request, codeChallenge: 'ch' }));
    expect(url.searchParams.get('scope')).toBe('a b');
    expect(url.searchParams.get('code_challenge')).toBe('ch');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('state')).toBe('st');
    expect(url.searchParams.get('redirect_uri')).toBe(request.redirectUri);
  });
});

describe('token responses', () => {
  it('prefers expires_at over expires_in', () => {
    expect(tokenSetFrom({ access_token: 'a', expires_at: 2000, expires_in: 5 }, 1_000_000).expiresAt).toBe(2000);
    expect(tokenSetFrom({ access_token: 'a', expires_in: 3600 }, 1_000_000).expiresAt).toBe(1000 + 3600);
    expect(tokenSetFrom({ access_token: 'a' }, 0).expiresAt).toBeUndefined();
  });

  it('takes granted scopes from the response, else from the callback', () => {
    expect(tokenSetFrom({ access_token: 'a', scope: 'x y' }, 0, ['z']).scopes).toEqual(['x', 'y']);
    expect(tokenSetFrom({ access_token: 'a' }, 0, ['z']).scopes).toEqual(['z']);
    expect(parseScopes('read,activity:read_all')).toEqual(['read', 'activity:read_all']);
  });
});
