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
import { secretsManagerFetcher } from '../config/secrets';
import { descriptorRegistry } from '../providers/descriptors';
import { noImplementationMessage, type ProviderRegistry } from '../providers/registry';
import { callsNetwork, type FitnessProvider, type ProviderConfig, type ProviderDeps, type ProviderFactory } from '../providers/spi';
import type { CacheStore, ConnectionKey, ConnectionStore, JobQueue, OAuthStateStore, RecordStore, StateStore } from '../store/ports';
import { generateDevKey, parseTokenKeys, TokenCipher } from '../store/token-cipher';
import { MemoryCacheStore } from '../store/memory/cache';
import { MemoryConnectionStore } from '../store/memory/connections';
import { MemoryOAuthStateStore } from '../store/memory/oauth-state';
import { MemoryRecordStore } from '../store/memory/records';
import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../store/dynamodb/client';
import { DynamoCacheStore } from '../store/dynamodb/cache';
import { DynamoConnectionStore } from '../store/dynamodb/connections';
import { DynamoOAuthStateStore } from '../store/dynamodb/oauth-state';
import { DynamoRecordStore } from '../store/dynamodb/records';
import { DynamoStateStore } from '../store/dynamodb/state';
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
import type { EventPublisher } from '../events/ports';
import { MemoryEventLog } from '../events/memory';
import { AppError, SERVICE_RETRY_SECS } from './errors';
import { cacheObserver, logger } from './observability';

export interface Stores {
  connections: ConnectionStore;
  states: OAuthStateStore;
  cache: CacheStore;
  /** Rate-limit gates, circuits, health records and leases (the cache table on AWS). */
  coordination: StateStore;
  /** Queued reads (the durable table on AWS). */
  jobs: StateStore;
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
  /** Sleeping between retries and polls; injected so tests need not wait. */
  readonly sleep: (ms: number) => Promise<void>;
  resilience(name: string): ResilienceSettings;
  /** The registered provider behind the caching decorator, or a 404 `unsupported_provider` naming the supported ones. */
  provider(name: string): FitnessProvider;
  providerConfig(name: string): ProviderConfig;
}

export interface ContainerOptions {
  env?: Record<string, string | undefined>;
  /** Default: this build's providers, by descriptor only (shared/app/container.ts defaults to their implementations). */
  registry?: ProviderRegistry;
  fetchSecret?: SecretFetcher;
  deps?: Partial<ProviderDeps>;
  stores?: Stores;
  queue?: JobQueue;
  events?: EventPublisher;
  /** Waiting between retries, gate and lease polls (default: real timers). */
  sleep?: (ms: number) => Promise<void>;
  /** Cache knobs for tests: waiting between fill polls, the lease length, where metrics go. */
  cache?: { sleep?: (ms: number) => Promise<void>; leaseMs?: number; observer?: CacheObserver };
}

function isLambda(env: Record<string, string | undefined>): boolean {
  return env['AWS_LAMBDA_FUNCTION_NAME'] !== undefined;
}

function tokenCipher(config: AppConfig, env: Record<string, string | undefined>): TokenCipher {
  if (config.tokenKeysJson) return new TokenCipher(parseTokenKeys(config.tokenKeysJson));
  if (isLambda(env)) throw new ConfigError('PIERRE_TOKEN_KEYS is required: a JSON list of {"id","key"} (base64, 32 bytes)');
  logger.warn('PIERRE_TOKEN_KEYS is not set: tokens are sealed with a throw-away development key');
  return new TokenCipher([generateDevKey()]);
}

const logUnreadable = (key: ConnectionKey, reason: string) =>
  logger.warn('a stored connection cannot be opened; the user must connect again', { provider: key.provider, tenantId: key.tenantId, reason });

async function chooseStores(config: AppConfig, env: Record<string, string | undefined>, documentClient?: Promise<DynamoDBDocument>): Promise<Stores> {
  const cipher = tokenCipher(config, env);
  if (config.connectionsTable && config.cacheTable) {
    const client = await (documentClient ?? createDocumentClient());
    return {
      connections: new DynamoConnectionStore(client, config.connectionsTable, cipher, logUnreadable),
      states: new DynamoOAuthStateStore(client, config.connectionsTable),
      cache: new DynamoCacheStore(client, config.cacheTable),
      coordination: new DynamoStateStore(client, config.cacheTable),
      jobs: new DynamoStateStore(client, config.connectionsTable),
      records: new DynamoRecordStore(client, config.connectionsTable),
    };
  }
  if (isLambda(env)) throw new ConfigError('PIERRE_CONNECTIONS_TABLE and PIERRE_CACHE_TABLE are required on Lambda');
  return {
    connections: new MemoryConnectionStore(cipher, logUnreadable),
    states: new MemoryOAuthStateStore(),
    cache: new MemoryCacheStore(),
    coordination: new MemoryStateStore(),
    jobs: new MemoryStateStore(),
    records: new MemoryRecordStore(),
  };
}

function chooseQueue(config: AppConfig, env: Record<string, string | undefined>, now: () => number): JobQueue {
  if (config.retryQueueUrl) return new SqsJobQueue(config.retryQueueUrl);
  if (isLambda(env)) throw new ConfigError('PIERRE_RETRY_QUEUE_URL is required on Lambda');
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
  const raw = await loadRawConfig(env, options.fetchSecret ?? secretsManagerFetcher());
  const registry = options.registry ?? descriptorRegistry();
  const config = withDefaultProvider(parseAppConfig(raw), raw, registry);
  if (!registry.isSupported(config.defaultProvider)) {
    throw new ConfigError(
      `PIERRE_DEFAULT_PROVIDER '${config.defaultProvider}' is not a registered provider. Supported providers: ${registry.supportedProviders().join(', ')}`,
    );
  }
  const stores = options.stores ?? (await chooseStores(config, env, documentClient));
  const deps: ProviderDeps = { fetch: (...args) => globalThis.fetch(...args), now: () => Date.now(), ...options.deps };
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
  const cacheDeps = {
    store: stores.cache,
    settings,
    now,
    sleep: options.cache?.sleep ?? sleep,
    observer: options.cache?.observer ?? cacheObserver,
    leaseMs: options.cache?.leaseMs,
  };
  // Keyed by factory so a provider registered (or replaced) after start-up is picked up.
  const instances = new WeakMap<ProviderFactory, FitnessProvider>();

  // The gate hears every request and answer of a provider, for the user its call context names.
  const gatedDeps = (name: string): ProviderDeps => ({
    ...deps,
    admitRequest: async () => {
      await deps.admitRequest?.();
      const call = currentCall();
      if (call?.provider === name) await gate.admit(call);
    },
    observeRateLimit: async (usage) => {
      await deps.observeRateLimit?.(usage);
      const call = currentCall();
      if (call?.provider === name) await gate.observe(call, usage);
    },
  });

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
    events: options.events ?? new MemoryEventLog(),
    sleep,
    resilience,
    providerConfig,
    provider(name) {
      const factory = registry.factory(name);
      if (!factory && registry.isSupported(name)) throw new Error(noImplementationMessage(name));
      if (!factory) throw new AppError(404, 'unsupported_provider', registry.unsupportedMessage(name));
      let instance = instances.get(factory);
      if (!instance) {
        // A provider that calls no network has no budget to guard and no outage to break on.
        const inner = callsNetwork(factory.descriptor)
          ? new ResilientFitnessProvider(factory.create(providerConfig(name), gatedDeps(name)), { gate, circuit, settings: resilience(name), sleep })
          : factory.create(providerConfig(name), deps);
        instance = new CachingFitnessProvider(inner, cacheDeps);
        instances.set(factory, instance);
      }
      return instance;
    },
  };
  // Every provider is built now, so invalid PIERRE_<P>_* settings stop start-up, not a user's request.
  for (const name of registry.supportedProviders()) if (registry.factory(name)) container.provider(name);
  return container;
}

/** How long a failed start-up (an unreadable secret, say) is answered from memory before trying again. */
export const CONTAINER_RETRY_MS = SERVICE_RETRY_SECS * 1000;

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
  resets.add(() => {
    current = undefined;
    failedAt = undefined;
  });
  return (now = Date.now) => {
    if (replacement) return replacement;
    if (current && failedAt !== undefined && now() - failedAt >= CONTAINER_RETRY_MS) current = undefined;
    if (!current) {
      failedAt = undefined;
      const attempt = build();
      current = attempt;
      attempt.catch((error: unknown) => {
        if (current !== attempt) return;
        failedAt = now();
        logger.error('the service could not start; retrying on a request after a back-off', { ...causeOf(error), retryInMs: CONTAINER_RETRY_MS });
      });
    }
    return current;
  };
}

/** Containers that know providers by descriptor only: for functions that never call a provider (health, web, jobs). */
export const coreContainer: ContainerSource = containerSource(() => buildContainer());

/** Replaces the container every source answers (tests, local server); undefined goes back to building. */
export function setContainer(container: Container | Promise<Container> | undefined): void {
  replacement = container === undefined ? undefined : Promise.resolve(container);
  for (const reset of resets) reset();
}
