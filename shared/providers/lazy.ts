/**
 * Providers whose implementation is loaded on first use. A built-in provider's factory names its
 * implementation through a dynamic `import()`, which the Lambda bundles split into a chunk of its
 * own (infra/esbuild.ts): a cold start loads the descriptors only, and a call loads just the one
 * provider it needs. Elsewhere (tests, the local server) the import simply resolves the module.
 *
 * What the service must know synchronously is declared in the descriptor, and a test checks each
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
import { parseDescriptor } from './spi';
import { readSettings } from './settings';
import { once } from '../single-flight';

/** What a provider folder's `client.ts` exports: its implementation class as the default export. */
export interface ProviderModule {
  readonly default: new (config: ProviderConfig, deps: ProviderDeps) => FitnessProvider;
}

export interface LazyProviderSpec {
  /** Also declares what must be known before loading: webhooks, derived resources, retired connections, settings. */
  readonly descriptor: ProviderDescriptorInput;
  /** Loads the implementation: `() => import('./client')`. */
  readonly load: () => Promise<ProviderModule>;
}

export interface LazyProviderFactory extends ProviderFactory {
  readonly spec: LazyProviderSpec;
}

export function lazyProvider(spec: LazyProviderSpec): LazyProviderFactory {
  return {
    spec,
    descriptor: spec.descriptor,
    create: (config, deps) => new LazyFitnessProvider(spec, parseDescriptor(spec.descriptor), config, deps),
  };
}

/** The built-in providers of `descriptors`, each loading `<folder>/client.ts` through `load(name)` on first use. */
export function lazyProviders(descriptors: readonly ProviderDescriptorInput[], load: (name: string) => Promise<ProviderModule>): LazyProviderFactory[] {
  return descriptors.map((descriptor) => lazyProvider({ descriptor, load: () => load(descriptor.name) }));
}

// The read methods are assigned in the constructor from the resource table (interceptedReads),
// so the merged interface's members are always initialised.
export interface LazyFitnessProvider extends ReadMethods {}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the constructor assigns every read method
export class LazyFitnessProvider implements FitnessProvider {
  readonly derivedFromActivities: readonly DerivedResource[];
  readonly recentActivities?: (session: ProviderSession) => Promise<Activity[]>;
  readonly handleWebhook?: (request: WebhookRequest) => Promise<WebhookResult>;
  readonly requestHistory?: FitnessProvider['requestHistory'];
  readonly retiredConnection?: (grant: StoredGrant) => string | undefined;
  readonly pullNotification?: FitnessProvider['pullNotification'];
  readonly #implementation = once(() => this.spec.load().then((module) => new module.default(this.config, this.deps)));

  constructor(
    private readonly spec: LazyProviderSpec,
    readonly descriptor: ProviderDescriptor,
    readonly config: ProviderConfig,
    private readonly deps: ProviderDeps,
  ) {
    readSettings(descriptor, config.settings);
    this.derivedFromActivities = descriptor.derivedFromActivities;
    // Present only when the implementation has them: callers test for them.
    if (descriptor.derivedFromActivities.length > 0) this.recentActivities = async (s) => (await this.loaded()).recentActivities!(s);
    if (descriptor.webhooks) this.handleWebhook = async (request) => (await this.loaded()).handleWebhook!(request);
    // Only a provider with webhooks sends callbacks to pull; one whose implementation pulls none answers no records.
    if (descriptor.webhooks) this.pullNotification = async (session, url) => (await this.loaded()).pullNotification?.(session, url) ?? [];
    if (descriptor.historyByRequest) this.requestHistory = async (session, range) => (await this.loaded()).requestHistory!(session, range);
    if (descriptor.retiredConnection) this.retiredConnection = descriptor.retiredConnection;
    Object.assign(
      this,
      interceptedReads(async (call) => call.on(await this.loaded())),
    );
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
