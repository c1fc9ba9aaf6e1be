/**
 * The provider-aware layer of the composition root (container-core.ts): containers with this
 * build's provider implementations. A function that calls providers imports this module (its
 * handler's getContainer then builds such a container); one that never does imports only the
 * core, and its bundle holds no provider code.
 */
import { providerRegistry } from '../providers';
import { buildContainer as buildCoreContainer, setContainerBuilder, type Container, type ContainerOptions } from './container-core';

/** A container whose registry defaults to every provider of this build, implementations included. */
export function buildContainer(options: ContainerOptions = {}): Promise<Container> {
  return buildCoreContainer({ ...options, registry: options.registry ?? providerRegistry });
}

setContainerBuilder(() => buildContainer());

export { CONTAINER_RETRY_MS, getContainer, setContainer, type Container, type ContainerOptions, type Stores } from './container-core';
