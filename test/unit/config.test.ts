import { describe, expect, it } from 'vitest';
import { ConfigError, loadRawConfig, parseAppConfig, parseSecretJson, resolveProviderConfig } from '../../shared/config';
import { providerRegistry } from '../../shared/providers';

const noSecret = async () => {
  throw new Error('no secret expected');
};
const strava = providerRegistry.descriptor('strava')!;
const synthetic = providerRegistry.descriptor('synthetic')!;

describe('raw configuration', () => {
  it('overlays the secret with the environment and ignores empty values', async () => {
    const raw = await loadRawConfig({ PIERRE_CONFIG_SECRET_ID: 'cfg', PIERRE_DEFAULT_PROVIDER: '', PIERRE_STRAVA_CLIENT_ID: 'env-id' }, async () =>
      JSON.stringify({ PIERRE_DEFAULT_PROVIDER: 'strava', PIERRE_STRAVA_CLIENT_ID: 'secret-id', PIERRE_TOKEN_KEYS: [{ id: 'a' }] }),
    );
    expect(raw['PIERRE_DEFAULT_PROVIDER']).toBe('strava');
    expect(raw['PIERRE_STRAVA_CLIENT_ID']).toBe('env-id');
    expect(JSON.parse(raw['PIERRE_TOKEN_KEYS']!)).toEqual([{ id: 'a' }]);
  });

  it('does not call Secrets Manager without PIERRE_CONFIG_SECRET_ID', async () => {
    await expect(loadRawConfig({ A: 'b' }, noSecret)).resolves.toEqual({ A: 'b' });
  });

  it('rejects a secret that is not a JSON object, without echoing it', () => {
    expect(() => parseSecretJson('not json s3cr3t', 'cfg')).toThrow(ConfigError);
    expect(() => parseSecretJson('not json s3cr3t', 'cfg')).not.toThrow(/s3cr3t/);
    expect(() => parseSecretJson('[1,2]', 'cfg')).toThrow(/JSON object/);
  });
});

describe('application configuration', () => {
  it('defaults to the synthetic provider and the tenant_id claim', () => {
    const config = parseAppConfig({});
    expect(config.defaultProvider).toBe('synthetic');
    expect(config.tenantClaim).toBe('tenant_id');
    expect(config.returnTargets).toEqual({ origins: [], appPrefixes: [] });
  });

  it('normalises return origins and app prefixes', () => {
    expect(parseAppConfig({ PIERRE_ALLOWED_RETURN_ORIGINS: 'https://a.example.com/, http://127.0.0.1:5173, myapp://oauth/' }).returnTargets).toEqual({
      origins: ['https://a.example.com', 'http://127.0.0.1:5173'],
      appPrefixes: ['myapp://oauth'],
    });
  });

  it.each(['not a url', 'localhost:3000', 'myapp:cb', 'javascript:alert(1)//', 'data:text/html;base64', 'https://a.example.com/path', 'file:///etc'])(
    'stops start-up on the malformed entry %s, naming it',
    (entry) => {
      const parse = () => parseAppConfig({ PIERRE_ALLOWED_RETURN_ORIGINS: `https://ok.example.com,${entry}` });
      expect(parse).toThrow(`PIERRE_ALLOWED_RETURN_ORIGINS: '${entry}'`);
    },
  );
});

describe('provider configuration', () => {
  it('uses descriptor defaults when nothing is set, and reports unconfigured', () => {
    const config = resolveProviderConfig(strava, {});
    expect(config).toMatchObject({
      clientId: undefined,
      configured: false,
      authUrl: 'https://www.strava.com/oauth/authorize',
      tokenUrl: 'https://www.strava.com/oauth/token',
      revokeUrl: 'https://www.strava.com/oauth/deauthorize',
      apiBaseUrl: 'https://www.strava.com/api/v3',
      scopes: ['read', 'activity:read_all', 'profile:read_all'],
      redirectUri: undefined,
    });
  });

  it('reads every PIERRE_<P>_* key and keeps the rest as settings', () => {
    const config = resolveProviderConfig(strava, {
      PIERRE_STRAVA_CLIENT_ID: 'id',
      PIERRE_STRAVA_CLIENT_SECRET: 'secret',
      PIERRE_STRAVA_AUTH_URL: 'http://127.0.0.1:1/auth',
      PIERRE_STRAVA_TOKEN_URL: 'http://127.0.0.1:1/token',
      PIERRE_STRAVA_API_BASE_URL: 'http://127.0.0.1:1/api',
      PIERRE_STRAVA_REVOKE_URL: 'http://127.0.0.1:1/revoke',
      PIERRE_STRAVA_SCOPES: 'activity:read_all,profile:read_all',
      PIERRE_STRAVA_REDIRECT_URI: 'https://api.example.com/callback/strava',
      PIERRE_STRAVA_WEBHOOK_VERIFY_TOKEN: 'vt',
    });
    expect(config).toMatchObject({
      clientId: 'id',
      clientSecret: 'secret',
      configured: true,
      authUrl: 'http://127.0.0.1:1/auth',
      tokenUrl: 'http://127.0.0.1:1/token',
      apiBaseUrl: 'http://127.0.0.1:1/api',
      revokeUrl: 'http://127.0.0.1:1/revoke',
      scopes: ['activity:read_all', 'profile:read_all'],
      redirectUri: 'https://api.example.com/callback/strava',
    });
    expect(config.settings).toEqual({ WEBHOOK_VERIFY_TOKEN: 'vt' });
  });

  it('falls back to the legacy <P>_CLIENT_ID / <P>_CLIENT_SECRET names, preferring the new ones', () => {
    expect(resolveProviderConfig(strava, { STRAVA_CLIENT_ID: 'old', STRAVA_CLIENT_SECRET: 's' })).toMatchObject({ clientId: 'old', configured: true });
    expect(resolveProviderConfig(strava, { STRAVA_CLIENT_ID: 'old', PIERRE_STRAVA_CLIENT_ID: 'new' }).clientId).toBe('new');
  });

  it('treats a provider without a connection as configured', () => {
    expect(resolveProviderConfig(synthetic, { PIERRE_SYNTHETIC_SEED: '7' })).toMatchObject({ configured: true, settings: { SEED: '7' } });
  });
});
