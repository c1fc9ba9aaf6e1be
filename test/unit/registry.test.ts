import { describe, expect, it } from 'vitest';
import { ProviderRegistry, providerRegistry } from '../../shared/providers';
import { acmeFactory } from '../support/custom-provider';

describe('provider registry', () => {
  it('knows the built-in providers, synthetic first', () => {
    expect(providerRegistry.supportedProviders()).toEqual(['synthetic', 'strava', 'garmin', 'fitbit', 'whoop', 'coros', 'terra']);
    expect(providerRegistry.isSupported('strava')).toBe(true);
    expect(providerRegistry.isSupported('polar')).toBe(false);
  });

  it('registers and unregisters factories, with dynamic error messages', () => {
    const registry = new ProviderRegistry();
    expect(registry.unsupportedMessage('x')).toBe("Provider 'x' is not supported. Supported providers: ");
    registry.register(acmeFactory);
    expect(registry.descriptor('acme')?.displayName).toBe('Acme Fitness');
    expect(registry.unsupportedMessage('x')).toBe("Provider 'x' is not supported. Supported providers: acme");
    expect(registry.unregister('acme')).toBe(true);
    expect(registry.isSupported('acme')).toBe(false);
  });

  it('validates descriptors when registering', () => {
    const registry = new ProviderRegistry();
    const bad = { ...acmeFactory, descriptor: { ...acmeFactory.descriptor, name: 'Bad Name' } };
    expect(() => registry.register(bad)).toThrow(/name/);
    const noEndpoints = { ...acmeFactory, descriptor: { ...acmeFactory.descriptor, oauthEndpoints: undefined } };
    expect(() => registry.register(noEndpoints as never)).toThrow(/oauthEndpoints/);
    // A widget connection has a session endpoint of its own, not a stretched OAuth shape.
    const widgetWithoutSession = { ...acmeFactory, descriptor: { ...acmeFactory.descriptor, connection: 'redirect' as const } };
    expect(() => registry.register(widgetWithoutSession)).toThrow(/widgetEndpoints/);
    const widget = {
      ...widgetWithoutSession,
      descriptor: { ...widgetWithoutSession.descriptor, widgetEndpoints: { sessionUrl: 'https://acme.invalid/widget/session' } },
    };
    expect(registry.register(widget).descriptor('acme')?.widgetEndpoints?.sessionUrl).toBe('https://acme.invalid/widget/session');
    const reserved = { ...acmeFactory, descriptor: { ...acmeFactory.descriptor, name: 'all' } };
    expect(() => registry.register(reserved)).toThrow(/reserved/);
  });

  it('creates providers with the configuration it is given', () => {
    const registry = new ProviderRegistry().register(acmeFactory);
    const provider = registry.create(
      'acme',
      {
        name: 'acme',
        clientId: 'c',
        clientSecret: 's',
        authUrl: undefined,
        tokenUrl: undefined,
        revokeUrl: undefined,
        apiBaseUrl: 'http://127.0.0.1:9/api',
        scopes: [],
        redirectUri: undefined,
        configured: true,
        settings: {},
      },
      { fetch: globalThis.fetch, now: () => 0 },
    );
    expect(provider.descriptor.name).toBe('acme');
    expect(provider.config.apiBaseUrl).toBe('http://127.0.0.1:9/api');
    expect(() => registry.create('nope', provider.config, { fetch: globalThis.fetch, now: () => 0 })).toThrow(/not supported/);
  });
});
