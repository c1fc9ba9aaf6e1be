/**
 * The provider registry: the one place that knows which providers exist. Everything else
 * (routes, status, error messages) asks it, so adding a provider is registering a factory.
 */
import {
  parseDescriptor,
  type FitnessProvider,
  type ProviderConfig,
  type ProviderDeps,
  type ProviderDescriptor,
  type ProviderDescriptorInput,
  type ProviderFactory,
} from './spi';

interface Registration {
  descriptor: ProviderDescriptor;
  /** Absent when only the descriptor is registered (a function that calls no provider). */
  factory?: ProviderFactory;
}

export class ProviderRegistry {
  private readonly registrations = new Map<string, Registration>();

  /** Registers (or replaces) a provider; its descriptor is validated here. */
  register(factory: ProviderFactory): this {
    const descriptor = parseDescriptor(factory.descriptor);
    this.registrations.set(descriptor.name, { descriptor, factory });
    return this;
  }

  /** Registers (or replaces) what a provider is, without its implementation. */
  registerDescriptor(input: ProviderDescriptorInput): this {
    const descriptor = parseDescriptor(input);
    this.registrations.set(descriptor.name, { descriptor });
    return this;
  }

  unregister(name: string): boolean {
    return this.registrations.delete(name);
  }

  isSupported(name: string): boolean {
    return this.registrations.has(name);
  }

  /** Provider names in registration order. */
  supportedProviders(): string[] {
    return [...this.registrations.keys()];
  }

  descriptor(name: string): ProviderDescriptor | undefined {
    return this.registrations.get(name)?.descriptor;
  }

  descriptors(): ProviderDescriptor[] {
    return [...this.registrations.values()].map((r) => r.descriptor);
  }

  factory(name: string): ProviderFactory | undefined {
    return this.registrations.get(name)?.factory;
  }

  /** Builds a provider instance; callers check `isSupported` first. */
  create(name: string, config: ProviderConfig, deps: ProviderDeps): FitnessProvider {
    const registration = this.registrations.get(name);
    if (!registration) throw new Error(this.unsupportedMessage(name));
    if (!registration.factory) throw new Error(noImplementationMessage(name));
    return registration.factory.create(config, deps);
  }

  /** "Provider 'x' is not supported. Supported providers: a, b, c" */
  unsupportedMessage(name: string): string {
    return `Provider '${name}' is not supported. Supported providers: ${this.supportedProviders().join(', ')}`;
  }
}

/** A descriptor-only registration asked for its implementation: a function built without provider code called one. */
export function noImplementationMessage(name: string): string {
  return `Provider '${name}' is registered without its implementation in this function; build it with the provider-aware container (shared/app/container.ts)`;
}
