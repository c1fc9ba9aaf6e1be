import { describe, expect, it } from 'vitest';
import { resolveProviderConfig } from '../../shared/config/provider-config';
import { BUILTIN_PROVIDERS } from '../../shared/providers/builtin';
import { LazyFitnessProvider, lazyProvider, type LazyProviderFactory, type LazyProviderSpec, type ProviderModule } from '../../shared/providers/lazy';
import {
  ProviderDescriptorSchema,
  type FitnessProvider,
  type ProviderConfig,
  type ProviderDeps,
  type ProviderDescriptorInput,
} from '../../shared/providers/spi';
import { ConfigError } from '../../shared/config/raw';
import { wholeNumber } from '../../shared/providers/settings';
import * as z from '../../shared/zod';
import { ACME_DESCRIPTOR, acmeFactory } from '../support/custom-provider';

const deps: ProviderDeps = { fetch: () => Promise.reject(new Error('no request is made here')), now: () => Date.UTC(2026, 11, 7) };
const configOf = (descriptor: LazyProviderSpec['descriptor'], raw: Record<string, string> = {}): ProviderConfig =>
  resolveProviderConfig(ProviderDescriptorSchema.parse(descriptor), raw);

describe.each(BUILTIN_PROVIDERS.map((factory) => [factory.descriptor.name, factory] as const))(
  "%s's lazy factory declares what its implementation does",
  (_name, factory) => {
    const { spec } = factory as LazyProviderFactory;
    const load = async (config: ProviderConfig) => new (await spec.load()).default(config, deps);

    it('is lazy, and its descriptor declares what the loaded implementation does', async () => {
      expect(spec, 'built-in factories load their implementation on first use').toBeDefined();
      const declared = ProviderDescriptorSchema.parse(spec.descriptor);
      const implementation = await load(configOf(spec.descriptor));
      expect(implementation).not.toBeInstanceOf(LazyFitnessProvider);
      expect(declared.webhooks).toBe(typeof implementation.handleWebhook === 'function');
      expect(declared.derivedFromActivities).toEqual(implementation.derivedFromActivities ?? []);
      expect(declared.retiredConnection !== undefined).toBe(typeof implementation.retiredConnection === 'function');
      for (const grant of [
        { scopes: [] },
        { scopes: ['https://www.googleapis.com/auth/googlehealth.activity_and_fitness.readonly'] },
        { scopes: ['activity'] },
      ]) {
        expect(declared.retiredConnection?.(grant)).toBe(implementation.retiredConnection?.(grant));
      }
    });

    it('exposes the same synchronous surface as its implementation, before loading it', async () => {
      const lazy = factory.create(configOf(spec.descriptor), deps);
      const implementation = await load(configOf(spec.descriptor));
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
function countingAcme(overrides: Partial<ProviderDescriptorInput> = {}) {
  const state = { loads: 0, failing: false };
  const factory = lazyProvider({
    descriptor: { ...ACME_DESCRIPTOR, webhooks: false, derivedFromActivities: ['stats', 'personal_records'], ...overrides },
    load: async () => {
      state.loads += 1;
      if (state.failing) throw new Error('chunk missing');
      // A plain function called with `new` may return another object: the provider the factory builds.
      const build = function (this: unknown, config: ProviderConfig, deps: ProviderDeps) {
        return acmeFactory.create(config, deps);
      };
      return { default: build as unknown as ProviderModule['default'] };
    },
  });
  return { state, factory };
}

const acmeConfig = (raw: Record<string, string> = {}) =>
  configOf(ACME_DESCRIPTOR, { PIERRE_ACME_CLIENT_ID: 'id', PIERRE_ACME_CLIENT_SECRET: 'secret', ...raw });
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
      settings: z.object({ BATCH: wholeNumber({ min: 1, max: 10, description: 'items per batch' }) }),
    });
    expect(() => factory.create(acmeConfig({ PIERRE_ACME_TIMEOUT_SECS: 'soon' }), deps)).toThrow(/PIERRE_ACME_TIMEOUT_SECS/);
    expect(() => factory.create(acmeConfig({ PIERRE_ACME_BATCH: '11' }), deps)).toThrow(ConfigError);
    expect(() => factory.create(acmeConfig({ PIERRE_ACME_BATCH: '11' }), deps)).toThrow("PIERRE_ACME_BATCH must be a whole number from 1 to 10, got '11'");
    expect(factory.create(acmeConfig({ PIERRE_ACME_BATCH: '3' }), deps)).toBeInstanceOf(LazyFitnessProvider);
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
