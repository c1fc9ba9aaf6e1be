import { capabilityNames } from '../providers/capabilities';
import type { Container } from './container';
import type { Identity } from './identity';

export async function listProviders(container: Container, identity: Identity) {
  const stored = await container.connections.listForUser(identity.tenantId, identity.userId);
  const statuses = new Map(stored.map((c) => [c.provider, c.status]));
  return {
    default_provider: container.config.defaultProvider,
    providers: container.registry.descriptors().map((d) => ({
      name: d.name,
      display_name: d.displayName,
      capabilities: capabilityNames(d.capabilities),
      requires_oauth: d.connection === 'oauth2',
      connection_type: d.connection,
      configured: container.providerConfig(d.name).configured,
      connected: d.connection === 'none' || statuses.get(d.name) === 'connected',
      status: d.connection === 'none' ? 'connected' : (statuses.get(d.name) ?? 'disconnected'),
    })),
  };
}
