import { answerCapabilities } from '../providers/capabilities';
import type { ProviderDescriptor } from '../providers/spi';
import type { Container } from './container';
import { toErrorAnswer } from './error-answer';
import type { Identity } from './identity';
import type { ProviderApp } from './provider-apps';

export type ProviderHealth =
  | { status: 'up' }
  | { status: 'down'; code: string; message: string }
  /** No client credentials: there is nothing to probe with. */
  | { status: 'not_configured' };

/** The provider's own reachability probe with the tenant's credentials, as an answer rather than a failure. */
async function probe(container: Container, name: string, app: ProviderApp | undefined): Promise<ProviderHealth> {
  if (!app?.config.configured) return { status: 'not_configured' };
  try {
    await container.provider(name, app).healthCheck();
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

/** The app serving the tenant, or undefined when none may (the global one refused to it). */
async function appOf(container: Container, identity: Identity, d: ProviderDescriptor): Promise<ProviderApp | undefined> {
  try {
    return await container.app(identity.tenantId, d.name);
  } catch (error) {
    if (toErrorAnswer(error).code === 'tenant_credentials_required') return undefined;
    throw error;
  }
}

/** `tenant` or `global`: whose app the tenant's connections use; `none` where no credentials apply (none needed, or none lent). */
function credentialsOf(d: ProviderDescriptor, app: ProviderApp | undefined): 'tenant' | 'global' | 'none' {
  if (d.connection === 'none' || !app?.config.configured) return 'none';
  return app.source;
}

export async function listProviders(container: Container, identity: Identity, options: ListOptions = {}) {
  const descriptors = container.registry.descriptors();
  const [stored, apps] = await Promise.all([
    container.connections.listForUser(identity.tenantId, identity.userId),
    Promise.all(descriptors.map((d) => appOf(container, identity, d))),
  ]);
  const health = options.health ? await Promise.all(descriptors.map((d, i) => probe(container, d.name, apps[i]))) : undefined;
  const statuses = new Map(stored.map((c) => [c.provider, c.status]));
  return {
    default_provider: container.config.defaultProvider,
    providers: descriptors.map((d, i) => ({
      name: d.name,
      display_name: d.displayName,
      capabilities: answerCapabilities(d),
      requires_oauth: d.connection === 'oauth2',
      connection_type: d.connection,
      configured: apps[i]?.config.configured ?? false,
      credentials: credentialsOf(d, apps[i]),
      connected: d.connection === 'none' || statuses.get(d.name) === 'connected',
      status: d.connection === 'none' ? 'connected' : (statuses.get(d.name) ?? 'disconnected'),
      ...(health && { health: health[i]! }),
    })),
  };
}
