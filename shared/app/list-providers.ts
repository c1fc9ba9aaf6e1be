import { answerCapabilities } from '../providers/capabilities';
import type { Container } from './container';
import { toErrorAnswer } from './error-answer';
import type { Identity } from './identity';

export type ProviderHealth =
  | { status: 'up' }
  | { status: 'down'; code: string; message: string }
  /** No client credentials: there is nothing to probe with. */
  | { status: 'not_configured' };

/** The provider's own reachability probe, as an answer rather than a failure. */
async function probe(container: Container, name: string): Promise<ProviderHealth> {
  if (!container.providerConfig(name).configured) return { status: 'not_configured' };
  try {
    await container.provider(name).healthCheck();
    return { status: 'up' };
  } catch (error) {
    const { code, message } = toErrorAnswer(error);
    return { status: 'down', code, message };
  }
}

export interface ListOptions {
  /** Probe every configured provider (in parallel) and report each one's `health`. */
  health?: boolean;
}

export async function listProviders(container: Container, identity: Identity, options: ListOptions = {}) {
  const descriptors = container.registry.descriptors();
  const [stored, health] = await Promise.all([
    container.connections.statusesForUser(identity.tenantId, identity.userId),
    options.health ? Promise.all(descriptors.map((d) => probe(container, d.name))) : undefined,
  ]);
  const statuses = new Map(stored.map((c) => [c.provider, c.status]));
  return {
    default_provider: container.config.defaultProvider,
    providers: descriptors.map((d, i) => ({
      name: d.name,
      display_name: d.displayName,
      capabilities: answerCapabilities(d),
      requires_oauth: d.connection === 'oauth2',
      connection_type: d.connection,
      configured: container.providerConfig(d.name).configured,
      connected: d.connection === 'none' || statuses.get(d.name) === 'connected',
      status: d.connection === 'none' ? 'connected' : (statuses.get(d.name) ?? 'disconnected'),
      ...(health && { health: health[i]! }),
    })),
  };
}
