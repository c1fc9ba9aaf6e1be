/**
 * The composition root: the only place that picks adapters. One container per Lambda
 * container, built on first use by the source its function's entry names, and reused by every
 * invocation.
 *
 * This core knows the providers by their descriptors only, so a function that never calls a
 * provider (health, web, jobs) takes `coreContainer` and bundles no provider code.
 * shared/app/container.ts is the provider-aware layer: `providerContainer` builds containers
 * that carry the providers' implementations.
 */
import { ConfigError, parseAppConfig, resolveProviderConfig, loadRawConfig, type AppConfig, type RawConfig, type SecretFetcher } from '../config';
import { secretsWithheld } from '../config/raw';
import { tracedFetch } from '../aws/xray';
import { secretsManagerFetcher } from '../config/secrets';
import { descriptorRegistry } from '../providers/descriptors';
import { noImplementationMessage, type ProviderRegistry } from '../providers/registry';
import { callsNetwork, type FitnessProvider, type ProviderConfig, type ProviderDeps, type ProviderFactory } from '../providers/spi';
import type { CacheStore, ConnectionKey, ConnectionStore, JobQueue, OAuthStateStore, RecordStore, StateStore, TenantAppStore } from '../store/ports';
import { generateDevKey, parseTokenKeys, TokenCipher } from '../store/token-cipher';
import type { StorePersistence } from '../store/snapshot';
import { MemoryCacheStore } from '../store/memory/cache';
import { MemoryConnectionStore } from '../store/memory/connections';
import { MemoryOAuthStateStore } from '../store/memory/oauth-state';
import { MemoryTenantAppStore } from '../store/memory/tenant-apps';
import { MemoryRecordStore } from '../store/memory/records';
import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../store/dynamodb/client';
import { DynamoCacheStore } from '../store/dynamodb/cache';
import { DynamoConnectionStore } from '../store/dynamodb/connections';
import { DynamoOAuthStateStore } from '../store/dynamodb/oauth-state';
import { DynamoRecordStore } from '../store/dynamodb/records';
import { DynamoStateStore } from '../store/dynamodb/state';
import { DynamoTenantAppStore } from '../store/dynamodb/tenant-apps';
import { MemoryStateStore } from '../store/memory/state';
import { MemoryJobQueue } from '../queue/memory';
import { SqsJobQueue } from '../queue/sqs';
import { CircuitBreaker } from '../resilience/circuit';
import { currentCall } from '../resilience/context';
import { RateLimitGate } from '../resilience/gate';
import { GateItems } from '../resilience/gate-items';
import { ResilientFitnessProvider } from '../resilience/resilient-provider';
import { resilienceSettings, type ResilienceSettings } from '../resilience/settings';
import { CachingFitnessProvider, type CacheObserver } from '../cache/caching-provider';
import { cacheSettings, type CacheSettings } from '../cache/settings';
import type { EndpointSecretStore, EventPublisher, EventStore } from '../events/ports';
import { DeliveringEventPublisher } from '../events/publisher';
import { MemoryEndpointSecretStore, MemoryEventStore } from '../events/memory-store';
import { DynamoEndpointSecretStore, DynamoEventStore } from '../events/dynamodb-store';
import type { TargetPolicy } from '../events/outbound';
import { AppError, SERVICE_RETRY_SECS } from './errors';
import { cacheObserver, logger } from './observability';
import { globalApp, ProviderApps, type ProviderApp } from './provider-apps';

export interface Stores {
  connections: ConnectionStore;
  states: OAuthStateStore;
  cache: CacheStore;
  /** Rate-limit gates, circuits, health records and leases (the cache table on AWS). */
  coordination: StateStore;
  /** Queued reads and small settings such as the source priority (the durable table on AWS). */
  jobs: StateStore;
  /** Tenants' own provider apps (the durable table on AWS). */
  tenantApps: TenantAppStore;
  /** Each connected user's normalized records (the durable table on AWS): docs/records.md. */
  records: RecordStore;
}

export interface Container extends Stores {
  readonly config: AppConfig;
  readonly raw: RawConfig;
  readonly registry: ProviderRegistry;
  readonly deps: ProviderDeps;
  readonly cacheSettings: CacheSettings;
  readonly queue: JobQueue;
  readonly gate: RateLimitGate;
  readonly circuit: CircuitBreaker;
  /** Where use cases report events for the tenant's endpoints. */
  readonly events: EventPublisher;
  /** Published events, their delivery attempts and the tenants' endpoints. */
  readonly eventStore: EventStore;
  /** The endpoints' signing secrets (on AWS readable by the delivery worker alone). */
  readonly endpointSecrets: EndpointSecretStore;
  /** The delivery queue (SQS on AWS): one message per attempt of an event to an endpoint. */
  readonly deliveryQueue: JobQueue;
  /** Which endpoint addresses may be called: public https only on AWS; loopback too locally. */
  readonly eventTargets: TargetPolicy;
  /** Sleeping between retries and polls; injected so tests need not wait. */
  readonly sleep: (ms: number) => Promise<void>;
  resilience(name: string): ResilienceSettings;
  /** Reads the configuration secret again: true when its value is no longer the one this container was built with. */
  configChanged(): Promise<boolean>;
  /**
   * The registered provider behind the caching decorator, built with `app`'s credentials (the
   * global app by default), or a 404 `unsupported_provider` naming the supported ones.
   */
  provider(name: string, app?: ProviderApp): FitnessProvider;
  /** The global configuration of a provider (`PIERRE_<P>_*`). */
  providerConfig(name: string): ProviderConfig;
  /** The app that serves a tenant at a provider: its own, else the global one (403 `tenant_credentials_required` when refused). */
  app(tenantId: string, name: string): Promise<ProviderApp>;
  /** `provider(name, await app(tenantId, name))`. */
  providerFor(tenantId: string, name: string): Promise<FitnessProvider>;
  /** What this container remembers of tenants' apps (shared/app/provider-apps.ts). */
  readonly providerApps: ProviderApps;
}

export interface ContainerOptions {
  env?: Record<string, string | undefined>;
  /** Default: this build's providers, by descriptor only (shared/app/container.ts defaults to their implementations). */
  registry?: ProviderRegistry;
  fetchSecret?: SecretFetcher;
  deps?: Partial<ProviderDeps>;
  stores?: Stores;
  /** A local run's memory of its stores and development token key across restarts (never on Lambda). */
  persistence?: StorePersistence;
  queue?: JobQueue;
  events?: EventPublisher;
  eventStores?: { events: EventStore; secrets: EndpointSecretStore };
  deliveryQueue?: JobQueue;
  /** Waiting between retries, gate and lease polls (default: real timers). */
  sleep?: (ms: number) => Promise<void>;
  /** Cache knobs for tests: waiting between fill polls, the lease length, where metrics go. */
  cache?: { sleep?: (ms: number) => Promise<void>; leaseMs?: number; observer?: CacheObserver };
}

function isLambda(env: Record<string, string | undefined>): boolean {
  return env['AWS_LAMBDA_FUNCTION_NAME'] !== undefined;
}

const keptDevKey = (persistence: StorePersistence) =>
  parseTokenKeys(
    `[${persistence.secret('token-key.json', () => {
      const { id, key } = generateDevKey();
      return JSON.stringify({ id, key: key.toString('base64') });
    })}]`,
  );

function tokenCipher(config: AppConfig, raw: RawConfig, env: Record<string, string | undefined>, persistence?: StorePersistence): TokenCipher {
  if (config.tokenKeysJson) return new TokenCipher(parseTokenKeys(config.tokenKeysJson));
  if (secretsWithheld(raw)) return TokenCipher.withheld();
  if (isLambda(env)) throw new ConfigError('PIERRE_TOKEN_KEYS is required: a JSON list of {"id","key"} (base64, 32 bytes)');
  if (persistence) return new TokenCipher(keptDevKey(persistence));
  logger.warn('PIERRE_TOKEN_KEYS is not set: tokens are sealed with a throw-away development key');
  return new TokenCipher([generateDevKey()]);
}

const logUnreadable = (key: ConnectionKey, reason: string) =>
  logger.warn('a stored connection cannot be opened; the user must connect again', { provider: key.provider, tenantId: key.tenantId, reason });

async function chooseStores(
  config: AppConfig,
  raw: RawConfig,
  env: Record<string, string | undefined>,
  documentClient?: Promise<DynamoDBDocument>,
  persistence?: StorePersistence,
): Promise<Stores> {
  if (persistence && isLambda(env)) throw new ConfigError('A Lambda function keeps nothing on local disk: use the DynamoDB tables');
  const cipher = tokenCipher(config, raw, env, persistence);
  if (config.connectionsTable && config.cacheTable) {
    const client = await (documentClient ?? createDocumentClient());
    return {
      connections: new DynamoConnectionStore(client, config.connectionsTable, cipher, logUnreadable),
      states: new DynamoOAuthStateStore(client, config.connectionsTable),
      cache: new DynamoCacheStore(client, config.cacheTable),
      coordination: new DynamoStateStore(client, config.cacheTable),
      jobs: new DynamoStateStore(client, config.connectionsTable),
      tenantApps: new DynamoTenantAppStore(client, config.connectionsTable, cipher),
      records: new DynamoRecordStore(client, config.connectionsTable),
    };
  }
  if (isLambda(env)) throw new ConfigError('PIERRE_CONNECTIONS_TABLE and PIERRE_CACHE_TABLE are required on Lambda');
  // A local run with persistence keeps each memory store across restarts: one `keep` per store.
  const keep = persistence ? persistence.keep.bind(persistence) : <T>(_name: string, store: T) => store;
  return {
    connections: keep('connections', new MemoryConnectionStore(cipher, logUnreadable)),
    states: keep('oauth-states', new MemoryOAuthStateStore()),
    cache: keep('cache', new MemoryCacheStore()),
    coordination: keep('coordination', new MemoryStateStore()),
    jobs: keep('jobs', new MemoryStateStore()),
    tenantApps: keep('tenant-apps', new MemoryTenantAppStore(cipher)),
    records: keep('records', new MemoryRecordStore()),
  };
}

function chooseQueue(config: AppConfig, env: Record<string, string | undefined>, now: () => number): JobQueue {
  if (config.retryQueueUrl) return new SqsJobQueue(config.retryQueueUrl);
  if (isLambda(env)) throw new ConfigError('PIERRE_RETRY_QUEUE_URL is required on Lambda');
  return new MemoryJobQueue({ now });
}

/** A secrets store for a function the stack gave no secrets table: any use is a configuration error. */
const NO_SECRETS_TABLE: EndpointSecretStore = new Proxy({} as EndpointSecretStore, {
  get: () => async () => {
    throw new ConfigError('PIERRE_ENDPOINT_SECRETS_TABLE is not set for this function');
  },
});

async function chooseEventStores(config: AppConfig, env: Record<string, string | undefined>, documentClient?: Promise<DynamoDBDocument>) {
  const client = config.connectionsTable || config.endpointSecretsTable ? await (documentClient ?? createDocumentClient()) : undefined;
  const events: EventStore = config.connectionsTable && client ? new DynamoEventStore(client, config.connectionsTable) : new MemoryEventStore();
  let secrets: EndpointSecretStore;
  if (config.endpointSecretsTable && client) secrets = new DynamoEndpointSecretStore(client, config.endpointSecretsTable);
  else secrets = isLambda(env) ? NO_SECRETS_TABLE : new MemoryEndpointSecretStore();
  return { events, secrets };
}

function chooseDeliveryQueue(config: AppConfig, env: Record<string, string | undefined>, now: () => number): JobQueue {
  if (config.deliveryQueueUrl) return new SqsJobQueue(config.deliveryQueueUrl);
  if (isLambda(env)) throw new ConfigError('PIERRE_DELIVERY_QUEUE_URL is required on Lambda');
  return new MemoryJobQueue({ now });
}

/** Unless PIERRE_DEFAULT_PROVIDER says otherwise, a build without the synthetic provider defaults to its first provider. */
function withDefaultProvider(config: AppConfig, raw: RawConfig, registry: ProviderRegistry): AppConfig {
  const first = registry.supportedProviders()[0];
  if (raw['PIERRE_DEFAULT_PROVIDER'] !== undefined || registry.isSupported(config.defaultProvider) || !first) return config;
  return { ...config, defaultProvider: first };
}

export async function buildContainer(options: ContainerOptions = {}): Promise<Container> {
  const env = options.env ?? process.env;
  // On Lambda the table names are in the environment: the SDK loads while the secret is fetched.
  const documentClient = !options.stores && env['PIERRE_CONNECTIONS_TABLE'] ? createDocumentClient() : undefined;
  documentClient?.catch(() => undefined); // awaited below, or unused when the config fails
  const fetchSecret = options.fetchSecret ?? secretsManagerFetcher();
  let secretText: string | undefined;
  const raw = await loadRawConfig(env, async (id) => (secretText = await fetchSecret(id)));
  const secretId = env['PIERRE_CONFIG_SECRET_ID'];
  const registry = options.registry ?? descriptorRegistry();
  const config = withDefaultProvider(parseAppConfig(raw), raw, registry);
  if (!registry.isSupported(config.defaultProvider)) {
    throw new ConfigError(
      `PIERRE_DEFAULT_PROVIDER '${config.defaultProvider}' is not a registered provider. Supported providers: ${registry.supportedProviders().join(', ')}`,
    );
  }
  const stores = options.stores ?? (await chooseStores(config, raw, env, documentClient, options.persistence));
  // Every provider request is a subsegment of the invocation's trace (when Lambda sampled it).
  const deps: ProviderDeps = { now: () => Date.now(), ...options.deps, fetch: tracedFetch(options.deps?.fetch ?? ((...args) => globalThis.fetch(...args))) };
  const settings = cacheSettings(raw);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = () => deps.now();
  // Parsed once per provider: every call and health check asks for them.
  const parsedResilience = new Map<string, ResilienceSettings>();
  const resilience = (name: string) => {
    let settings = parsedResilience.get(name);
    if (!settings) parsedResilience.set(name, (settings = resilienceSettings(name, raw)));
    return settings;
  };
  const gateItems = new GateItems(stores.coordination, now);
  const gate = new RateLimitGate(stores.coordination, gateItems, resilience, now, sleep);
  const circuit = new CircuitBreaker(stores.coordination, gateItems, now);
  const queue = options.queue ?? chooseQueue(config, env, now);
  const eventStores = options.eventStores ?? (await chooseEventStores(config, env, options.stores ? undefined : documentClient));
  const deliveryQueue = options.deliveryQueue ?? chooseDeliveryQueue(config, env, now);
  const cacheDeps = {
    store: stores.cache,
    settings,
    now,
    sleep: options.cache?.sleep ?? sleep,
    observer: options.cache?.observer ?? cacheObserver,
    leaseMs: options.cache?.leaseMs,
  };
  // Keyed by factory so a provider registered (or replaced) after start-up is picked up; tenants'
  // apps by their credentials' fingerprint, a bounded number (the least recently used go first).
  const instances = new WeakMap<ProviderFactory, FitnessProvider>();
  const tenantInstances = new Map<string, { factory: ProviderFactory; instance: FitnessProvider }>();

  // The gate hears every request and answer of a provider, for the user its call context names.
  const gatedDeps = (budget: string): ProviderDeps => ({
    ...deps,
    admitRequest: async () => {
      await deps.admitRequest?.();
      const call = currentCall();
      if (call?.budget === budget) await gate.admit(call);
    },
    observeRateLimit: async (usage) => {
      await deps.observeRateLimit?.(usage);
      const call = currentCall();
      if (call?.budget === budget) await gate.observe(call, usage);
    },
  });

  const build = (factory: ProviderFactory, name: string, app: ProviderApp): FitnessProvider => {
    // A provider that calls no network has no budget to guard and no outage to break on.
    const inner = callsNetwork(factory.descriptor)
      ? new ResilientFitnessProvider(factory.create(app.config, gatedDeps(app.budget)), {
          gate,
          circuit,
          settings: resilience(name),
          sleep,
          budget: app.budget,
        })
      : factory.create(app.config, deps);
    return new CachingFitnessProvider(inner, cacheDeps);
  };

  const tenantInstance = (factory: ProviderFactory, name: string, app: ProviderApp): FitnessProvider => {
    const known = tenantInstances.get(app.fingerprint);
    tenantInstances.delete(app.fingerprint);
    const instance = known?.factory === factory ? known.instance : build(factory, name, app);
    if (tenantInstances.size >= MAX_TENANT_INSTANCES) tenantInstances.delete(tenantInstances.keys().next().value!);
    tenantInstances.set(app.fingerprint, { factory, instance });
    return instance;
  };
  const providerApps = new ProviderApps(stores.tenantApps, now);

  const providerConfig = (name: string): ProviderConfig => {
    const descriptor = registry.descriptor(name);
    if (!descriptor) throw new AppError(404, 'unsupported_provider', registry.unsupportedMessage(name));
    return resolveProviderConfig(descriptor, raw);
  };

  const container: Container = {
    ...stores,
    config,
    raw,
    registry,
    deps,
    cacheSettings: settings,
    queue,
    gate,
    circuit,
    events: options.events ?? new DeliveringEventPublisher({ store: eventStores.events, queue: deliveryQueue, now }),
    eventStore: eventStores.events,
    endpointSecrets: eventStores.secrets,
    deliveryQueue,
    eventTargets: { allowLoopback: !isLambda(env) },
    sleep,
    resilience,
    configChanged: async () => secretId !== undefined && (await fetchSecret(secretId)) !== secretText,
    providerConfig,
    providerApps,
    provider(name, app) {
      const factory = registry.factory(name);
      if (!factory && registry.isSupported(name)) throw new Error(noImplementationMessage(name));
      if (!factory) throw new AppError(404, 'unsupported_provider', registry.unsupportedMessage(name));
      if (app?.source === 'tenant') return tenantInstance(factory, name, app);
      let instance = instances.get(factory);
      if (!instance) instances.set(factory, (instance = build(factory, name, globalApp(providerConfig(name)))));
      return instance;
    },
    async app(tenantId, name) {
      const descriptor = registry.descriptor(name);
      if (!descriptor) throw new AppError(404, 'unsupported_provider', registry.unsupportedMessage(name));
      return providerApps.resolve(tenantId, descriptor, resolveProviderConfig(descriptor, raw), config.requireTenantCredentials);
    },
    async providerFor(tenantId, name) {
      return container.provider(name, await container.app(tenantId, name));
    },
  };
  // Every provider is built now, so invalid PIERRE_<P>_* settings stop start-up, not a user's request.
  for (const name of registry.supportedProviders()) if (registry.factory(name)) container.provider(name);
  return container;
}

/** Provider instances built for tenants' own apps that one container keeps. */
const MAX_TENANT_INSTANCES = 500;

/** How long a failed start-up (an unreadable secret, say) is answered from memory before trying again. */
export const CONTAINER_RETRY_MS = SERVICE_RETRY_SECS * 1000;

/** How long a container trusts the configuration secret it read: a changed secret is in use within this, with no redeploy. */
export const CONFIG_TTL_MS = 5 * 60_000;

function causeOf(error: unknown): Record<string, string | undefined> {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  return {
    name: error instanceof Error ? error.name : typeof error,
    reason: error instanceof Error ? error.message : undefined,
    causeName: cause?.name,
    causeReason: cause?.message,
  };
}

/**
 * Where an entry point gets its container: the container of this Lambda container, built on
 * first use by the builder the function chose (`coreContainer` here, `providerContainer` in
 * container.ts). A failed build is logged once and answered from memory for CONTAINER_RETRY_MS,
 * so a broken secret is not fetched again on every request.
 */
export type ContainerSource = (now?: () => number) => Promise<Container>;

let replacement: Promise<Container> | undefined;
const resets = new Set<() => void>();

/** A source that builds its container with `build` once per Lambda container. */
export function containerSource(build: () => Promise<Container>): ContainerSource {
  let current: Promise<Container> | undefined;
  let failedAt: number | undefined;
  let checkedAt = 0;
  resets.add(() => {
    current = undefined;
    failedAt = undefined;
  });
  const start = (make: () => Promise<Container>, now: () => number) => {
    failedAt = undefined;
    checkedAt = now();
    const attempt = make();
    current = attempt;
    attempt.catch((error: unknown) => {
      if (current !== attempt) return;
      failedAt = now();
      logger.error('the service could not start; retrying on a request after a back-off', { ...causeOf(error), retryInMs: CONTAINER_RETRY_MS });
    });
  };
  // Once CONFIG_TTL_MS has passed, one request reads the secret again; the container is rebuilt only when it changed.
  const recheck = (previous: Promise<Container>) => async () => {
    const container = await previous;
    if (!(await container.configChanged().catch(() => false))) return container;
    logger.info('the configuration secret changed: the container is rebuilt with it');
    return build();
  };
  return (now = Date.now) => {
    if (replacement) return replacement;
    if (current && failedAt !== undefined && now() - failedAt >= CONTAINER_RETRY_MS) current = undefined;
    if (!current) start(build, now);
    else if (failedAt === undefined && now() - checkedAt >= CONFIG_TTL_MS) start(recheck(current), now);
    return current!;
  };
}

/** Containers that know providers by descriptor only: for functions that never call a provider (health, web, jobs). */
export const coreContainer: ContainerSource = containerSource(() => buildContainer());

/** Replaces the container every source answers (tests, local server); undefined goes back to building. */
export function setContainer(container: Container | Promise<Container> | undefined): void {
  replacement = container === undefined ? undefined : Promise.resolve(container);
  for (const reset of resets) reset();
}
