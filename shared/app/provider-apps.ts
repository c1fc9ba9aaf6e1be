/**
 * Which OAuth app serves a tenant at a provider: the tenant's own (stored by its admin, the
 * durable table) or else the global `PIERRE_<P>_*` one, unless PIERRE_REQUIRE_TENANT_CREDENTIALS
 * refuses the global apps to tenants. Each container remembers a tenant's answer for
 * APP_REFRESH_MS, so a rotated secret is in use everywhere within that time, with no redeploy
 * and one read per tenant, provider and period rather than one per request.
 */
import { createHash } from 'node:crypto';
import { tenantProviderConfig } from '../config';
import type { ProviderConfig, ProviderDescriptor } from '../providers/spi';
import { tenantBudget } from '../resilience/budget';
import type { TenantApp, TenantAppStore } from '../store/ports';
import * as z from '../zod';
import { TokenCipherError } from '../store/token-cipher';
import { AppError } from './errors';

/** The longest a container uses a tenant's app settings after they changed in another container. */
export const APP_REFRESH_MS = 60_000;
/** Tenant answers one container remembers (the oldest go first). */
const MAX_REMEMBERED = 5_000;

export interface ProviderApp {
  /** `tenant`: the tenant's own app; `global`: the `PIERRE_<P>_*` one. */
  source: 'tenant' | 'global';
  config: ProviderConfig;
  /** Whose rate-limit budget, circuit and health the calls spend (shared/resilience/budget.ts). */
  budget: string;
  /** Changes with any credential or setting: the container builds one provider instance per fingerprint. */
  fingerprint: string;
}

const tenantCredentialsRequired = (provider: string) =>
  new AppError(
    403,
    'tenant_credentials_required',
    `This deployment lends no ${provider} app to tenants: a tenant admin sets one with PUT /admin/providers/${provider}`,
  );

const unreadableApp = (provider: string) =>
  new AppError(
    409,
    'tenant_app_unreadable',
    `The tenant's own ${provider} app cannot be read (sealed with a key no longer configured): a tenant admin sets it again with PUT /admin/providers/${provider}`,
  );

export const globalApp = (config: ProviderConfig): ProviderApp => ({ source: 'global', config, budget: config.name, fingerprint: config.name });

function fingerprintOf(app: TenantApp): string {
  const material = JSON.stringify([
    app.tenantId,
    app.provider,
    app.clientId,
    app.clientSecret,
    app.scopes ?? null,
    app.redirectUri ?? null,
    app.webhookSettings,
  ]);
  return `${app.provider}@${createHash('sha256').update(material).digest('base64url')}`;
}

/** A tenant's stored app as the provider is built with it. */
export function tenantApp(descriptor: ProviderDescriptor, global: ProviderConfig, app: TenantApp): ProviderApp {
  return {
    source: 'tenant',
    config: tenantProviderConfig(global, descriptor, app),
    budget: tenantBudget(descriptor.name, app.tenantId, app.clientId),
    fingerprint: fingerprintOf(app),
  };
}

interface Remembered {
  app: TenantApp | undefined;
  untilMs: number;
}

export class ProviderApps {
  readonly #remembered = new Map<string, Remembered>();
  readonly #reads = new Map<string, Promise<TenantApp | undefined>>();

  constructor(
    private readonly store: TenantAppStore,
    private readonly now: () => number,
  ) {}

  /** The tenant's stored app at the provider, as this container last read it (at most APP_REFRESH_MS ago). */
  async stored(tenantId: string, provider: string): Promise<TenantApp | undefined> {
    const key = JSON.stringify([tenantId, provider]);
    const known = this.#remembered.get(key);
    if (known && known.untilMs > this.now()) return known.app;
    let read = this.#reads.get(key);
    if (!read) {
      // Concurrent requests of one container share the read.
      read = this.store
        .get(tenantId, provider)
        .catch((error: unknown) => {
          // Sealed with a key no longer listed, or damaged: never fall back to another app unasked.
          if (error instanceof TokenCipherError || error instanceof z.$ZodError || error instanceof SyntaxError) throw unreadableApp(provider);
          throw error;
        })
        .finally(() => this.#reads.delete(key));
      this.#reads.set(key, read);
    }
    const app = await read;
    this.#remembered.delete(key);
    if (this.#remembered.size >= MAX_REMEMBERED) this.#remembered.delete(this.#remembered.keys().next().value!);
    this.#remembered.set(key, { app, untilMs: this.now() + APP_REFRESH_MS });
    return app;
  }

  /** Drops what this container remembers of a tenant's app (after it changed here). */
  forget(tenantId: string, provider: string): void {
    this.#remembered.delete(JSON.stringify([tenantId, provider]));
  }

  /** The app that serves the tenant; 403 `tenant_credentials_required` when the global one is refused to it. */
  async resolve(tenantId: string, descriptor: ProviderDescriptor, global: ProviderConfig, requireTenantApps: boolean): Promise<ProviderApp> {
    if (descriptor.connection === 'none') return globalApp(global);
    const app = await this.stored(tenantId, descriptor.name);
    if (!app) {
      if (requireTenantApps) throw tenantCredentialsRequired(descriptor.name);
      return globalApp(global);
    }
    return tenantApp(descriptor, global, app);
  }
}
