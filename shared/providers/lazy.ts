/**
 * Providers whose implementation is loaded on first use. A built-in provider's factory names its
 * implementation through a dynamic `import()`, which the Lambda bundles split into a chunk of its
 * own (infra/esbuild.ts): a cold start loads the descriptors only, and a call loads just the one
 * provider it needs. Elsewhere (tests, the local server) the import simply resolves the module.
 *
 * What the service must know synchronously is declared beside the loader, and a test checks each
 * declaration against the implementation (test/unit/lazy-providers.test.ts).
 */
import type { Activity } from '../models';
import { interceptedReads, type ReadMethods } from './forwarding';
import type {
  AuthorizationRequest,
  CodeExchange,
  DerivedResource,
  FitnessProvider,
  ProviderConfig,
  ProviderDeps,
  ProviderDescriptor,
  ProviderDescriptorInput,
  ProviderFactory,
  ProviderSession,
  StoredGrant,
  WebhookRequest,
  WebhookResult,
} from './spi';
import { ProviderDescriptorSchema } from './spi';
import { timeoutSetting } from './settings';
import { once } from '../single-flight';

export type CreateProvider = (config: ProviderConfig, deps: ProviderDeps) => FitnessProvider;

export interface LazyProviderSpec {
  readonly descriptor: ProviderDescriptorInput;
  /** Loads the implementation: `() => import('./client').then((m) => (config, deps) => new m.Client(config, deps))`. */
  readonly load: () => Promise<CreateProvider>;
  /** Whether the implementation handles webhooks (`handleWebhook`). */
  readonly webhooks: boolean;
  /** What the implementation's `derivedFromActivities` holds. */
  readonly derivedFromActivities: readonly DerivedResource[];
  /** The implementation's `retiredConnection`, where it has one: it is asked synchronously on every call. */
  readonly retiredConnection?: (grant: StoredGrant) => string | undefined;
  /** Throws a ConfigError for an invalid `PIERRE_<P>_*` setting, so start-up fails before any call loads the provider. */
  readonly checkSettings?: (config: ProviderConfig) => void;
}

export interface LazyProviderFactory extends ProviderFactory {
  readonly spec: LazyProviderSpec;
}

export function lazyProvider(spec: LazyProviderSpec): LazyProviderFactory {
  // Validated on the first create and shared by every instance (one per container).
  let descriptor: ProviderDescriptor | undefined;
  return {
    spec,
    descriptor: spec.descriptor,
    create: (config, deps) => new LazyFitnessProvider(spec, (descriptor ??= ProviderDescriptorSchema.parse(spec.descriptor)), config, deps),
  };
}

// The read methods are assigned in the constructor from the resource table (interceptedReads),
// so the merged interface's members are always initialised.
export interface LazyFitnessProvider extends ReadMethods {}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the constructor assigns every read method
export class LazyFitnessProvider implements FitnessProvider {
  readonly derivedFromActivities: readonly DerivedResource[];
  readonly recentActivities?: (session: ProviderSession) => Promise<Activity[]>;
  readonly handleWebhook?: (request: WebhookRequest) => Promise<WebhookResult>;
  readonly retiredConnection?: (grant: StoredGrant) => string | undefined;
  readonly #implementation = once(() => this.spec.load().then((create) => create(this.config, this.deps)));

  constructor(
    private readonly spec: LazyProviderSpec,
    readonly descriptor: ProviderDescriptor,
    readonly config: ProviderConfig,
    private readonly deps: ProviderDeps,
  ) {
    timeoutSetting(this.descriptor.name, config.settings);
    spec.checkSettings?.(config);
    this.derivedFromActivities = spec.derivedFromActivities;
    // Present only when the implementation has them: callers test for them.
    if (spec.derivedFromActivities.length > 0) this.recentActivities = async (s) => (await this.loaded()).recentActivities!(s);
    if (spec.webhooks) this.handleWebhook = async (request) => (await this.loaded()).handleWebhook!(request);
    if (spec.retiredConnection) this.retiredConnection = spec.retiredConnection;
    Object.assign(this, interceptedReads(async (call) => call.on(await this.loaded())));
  }

  /** The implementation, loaded and built once; a failed load is tried again on the next call. */
  loaded(): Promise<FitnessProvider> {
    return this.#implementation();
  }

  async authorizationUrl(request: AuthorizationRequest) {
    return (await this.loaded()).authorizationUrl(request);
  }

  async exchangeCode(exchange: CodeExchange) {
    return (await this.loaded()).exchangeCode(exchange);
  }

  async refreshToken(refreshToken: string) {
    return (await this.loaded()).refreshToken(refreshToken);
  }

  async revokeToken(session: ProviderSession) {
    return (await this.loaded()).revokeToken(session);
  }

  async healthCheck() {
    return (await this.loaded()).healthCheck();
  }
}
