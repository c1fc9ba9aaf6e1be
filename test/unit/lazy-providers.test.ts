import { describe, expect, it } from 'vitest';
import { resolveProviderConfig } from '../../shared/config/provider-config';
import { BUILTIN_PROVIDERS } from '../../shared/providers/builtin';
import { LazyFitnessProvider, lazyProvider, type LazyProviderFactory, type LazyProviderSpec } from '../../shared/providers/lazy';
import { ProviderDescriptorSchema, type FitnessProvider, type ProviderConfig, type ProviderDeps } from '../../shared/providers/spi';
import { ConfigError } from '../../shared/config/raw';
import { ACME_DESCRIPTOR, acmeFactory } from '../support/custom-provider';

const deps: ProviderDeps = { fetch: () => Promise.reject(new Error('no request is made here')), now: () => Date.UTC(2026, 11, 7) };
const configOf = (descriptor: LazyProviderSpec['descriptor'], raw: Record<string, string> = {}): ProviderConfig =>
  resolveProviderConfig(ProviderDescriptorSchema.parse(descriptor), raw);

describe.each(BUILTIN_PROVIDERS.map((factory) => [factory.descriptor.name, factory] as const))(
  "%s's lazy factory declares what its implementation does",
  (_name, factory) => {
    const { spec } = factory as LazyProviderFactory;

    it('is lazy, and its declarations match the loaded implementation', async () => {
      expect(spec, 'built-in factories load their implementation on first use').toBeDefined();
      const config = configOf(spec.descriptor);
      const implementation = (await spec.load())(config, deps);
      expect(implementation).not.toBeInstanceOf(LazyFitnessProvider);
      expect(spec.webhooks).toBe(typeof implementation.handleWebhook === 'function');
      expect(spec.derivedFromActivities).toEqual(implementation.derivedFromActivities ?? []);
      expect(spec.retiredConnection !== undefined).toBe(typeof implementation.retiredConnection === 'function');
      for (const grant of [{ scopes: [] }, { scopes: ['https://www.googleapis.com/auth/googlehealth.activity_and_fitness.readonly'] }, { scopes: ['activity'] }]) {
        expect(spec.retiredConnection?.(grant)).toBe(implementation.retiredConnection?.(grant));
      }
    });

    it('exposes the same synchronous surface as its implementation, before loading it', async () => {
      const lazy = factory.create(configOf(spec.descriptor), deps);
      const implementation = (await spec.load())(configOf(spec.descriptor), deps);
      for (const member of ['handleWebhook', 'retiredConnection', 'recentActivities'] as const) {
        const derives = (implementation.derivedFromActivities ?? []).length > 0;
        const expected = member === 'recentActivities' ? derives : typeof implementation[member] === 'function';
        expect(typeof lazy[member] === 'function', member).toBe(expected);
      }
      expect(lazy.descriptor).toEqual(implementation.descriptor);
    });
  },
);

/** A lazy Acme whose loads are counted, and which fails to load while `failing` is set. */
function countingAcme(overrides: Partial<LazyProviderSpec> = {}) {
  const state = { loads: 0, failing: false };
  const factory = lazyProvider({
    descriptor: ACME_DESCRIPTOR,
    load: async () => {
      state.loads += 1;
      if (state.failing) throw new Error('chunk missing');
      return (config, deps) => acmeFactory.create(config, deps);
    },
    webhooks: false,
    derivedFromActivities: ['stats', 'personal_records'],
    ...overrides,
  });
  return { state, factory };
}

const acmeConfig = (raw: Record<string, string> = {}) => configOf(ACME_DESCRIPTOR, { PIERRE_ACME_CLIENT_ID: 'id', PIERRE_ACME_CLIENT_SECRET: 'secret', ...raw });
const request = { tenantId: 't', userId: 'u', state: 's', redirectUri: 'https://app.example/callback/acme', scopes: ['workouts'] };

describe('a lazy provider', () => {
  it('loads nothing when created, then its implementation once however many calls race for it', async () => {
    const { state, factory } = countingAcme();
    const provider: FitnessProvider = factory.create(acmeConfig(), deps);
    expect(state.loads).toBe(0);
    expect(provider.descriptor.name).toBe('acme');
    expect(provider.config.clientId).toBe('id');
    const urls = await Promise.all([1, 2, 3].map(() => provider.authorizationUrl(request)));
    expect(state.loads).toBe(1);
    const direct = await acmeFactory.create(acmeConfig(), deps).authorizationUrl(request);
    expect(urls).toEqual([direct, direct, direct]);
    await provider.authorizationUrl(request);
    expect(state.loads).toBe(1);
  });

  it('fails the call whose load failed, and loads again on the next call', async () => {
    const { state, factory } = countingAcme();
    const provider = factory.create(acmeConfig(), deps);
    state.failing = true;
    await expect(provider.authorizationUrl(request)).rejects.toThrow('chunk missing');
    state.failing = false;
    await expect(provider.authorizationUrl(request)).resolves.toContain('https://acme.invalid/oauth/authorize');
    expect(state.loads).toBe(2);
  });

  it('refuses invalid settings when created, without loading the implementation', () => {
    const { state, factory } = countingAcme({
      checkSettings: (config) => {
        if (config.settings['MODE'] === 'bad') throw new ConfigError('PIERRE_ACME_MODE must be good');
      },
    });
    expect(() => factory.create(acmeConfig({ PIERRE_ACME_TIMEOUT_SECS: 'soon' }), deps)).toThrow(/PIERRE_ACME_TIMEOUT_SECS/);
    expect(() => factory.create(acmeConfig({ PIERRE_ACME_MODE: 'bad' }), deps)).toThrow('PIERRE_ACME_MODE must be good');
    expect(factory.create(acmeConfig({ PIERRE_ACME_MODE: 'good' }), deps)).toBeInstanceOf(LazyFitnessProvider);
    expect(state.loads).toBe(0);
  });

  it('has webhooks, derived resources and retired connections only where declared', () => {
    const plain = countingAcme({ derivedFromActivities: [] }).factory.create(acmeConfig(), deps);
    expect(plain.handleWebhook).toBeUndefined();
    expect(plain.recentActivities).toBeUndefined();
    expect(plain.retiredConnection).toBeUndefined();
    const full = countingAcme({ webhooks: true, retiredConnection: (grant) => (grant.scopes.length ? undefined : 'gone') }).factory.create(acmeConfig(), deps);
    expect(typeof full.handleWebhook).toBe('function');
    expect(typeof full.recentActivities).toBe('function');
    expect(full.derivedFromActivities).toEqual(['stats', 'personal_records']);
    expect(full.retiredConnection?.({ scopes: [] })).toBe('gone');
  });
});
