/**
 * The provider-aware layer of the composition root (container-core.ts): containers with this
 * build's provider implementations. A function that calls providers names `providerContainer`
 * at its entry; one that never does names `coreContainer`, and its bundle holds no provider code.
 */
import { providerRegistry } from '../providers';
import { buildContainer as buildCoreContainer, containerSource, type Container, type ContainerOptions, type ContainerSource } from './container-core';

/** A container whose registry defaults to every provider of this build, implementations included. */
export function buildContainer(options: ContainerOptions = {}): Promise<Container> {
  return buildCoreContainer({ ...options, registry: options.registry ?? providerRegistry });
}

/** The container of a function that calls providers. */
export const providerContainer: ContainerSource = containerSource(() => buildContainer());

export { CONTAINER_RETRY_MS, setContainer, type Container, type ContainerOptions, type ContainerSource, type Stores } from './container-core';
