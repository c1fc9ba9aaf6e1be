/**
 * A tenant's own provider apps, as its admins (`PUT|GET|DELETE /admin/providers/{provider}`) and
 * operators (`npm run tenant`) manage them. Each app is validated against its provider's
 * descriptor (only the webhook settings it lists), stored with its secrets sealed, and answered
 * without them: a secret goes in and never comes out.
 */
import * as z from '../zod';
import type { ProviderDescriptor } from '../providers/spi';
import type { TenantApp } from '../store/ports';
import type { Container } from './container';
import { AppError, invalidRequest } from './errors';
import { logger } from './observability';
import { resolveProviderName } from './provider-name';

const secret = z.string().check(z.minLength(1), z.maxLength(2048));

/** The body of `PUT /admin/providers/{provider}` as published; each provider narrows `webhook_settings` to the keys its descriptor lists. */
export const TenantAppBodySchema = z.strictObject({
  client_id: z.string().check(z.minLength(1), z.maxLength(512), z.describe('The client id of your app at the provider')),
  client_secret: secret.check(z.describe('Its client secret: stored sealed, never answered')),
  scopes: z.optional(
    z.array(z.string().check(z.minLength(1), z.maxLength(128))).check(z.maxLength(50), z.describe("Scopes to ask for; unset: the deployment's")),
  ),
  redirect_uri: z.optional(
    z
      .url({ protocol: /^https?$/ })
      .check(z.maxLength(2048), z.describe("The callback registered with your app; unset: the deployment's (<base>/callback/<provider>)")),
  ),
  webhook_secret: z.optional(secret.check(z.describe('Shorthand for webhook_settings.WEBHOOK_SECRET (Garmin, Terra)'))),
  webhook_settings: z.optional(
    z
      .record(z.string(), secret)
      .check(z.describe("The provider's webhook settings for your app (Strava: WEBHOOK_VERIFY_TOKEN, WEBHOOK_SUBSCRIPTION_ID); GET /providers/... names them")),
  ),
});
type TenantAppBody = z.output<typeof TenantAppBodySchema>;

export const TenantAppAnswerSchema = z.object({
  provider: z.string(),
  tenant_id: z.string(),
  client_id: z.string(),
  client_secret: z.literal('set').check(z.describe('Never the secret itself')),
  scopes: z.nullable(z.array(z.string())),
  redirect_uri: z.nullable(z.string()),
  webhook_settings: z.array(z.string()).check(z.describe('Which webhook settings are set (their values are never answered)')),
  updated_at: z.string(),
});

export const TenantAppDeletedSchema = z.object({
  provider: z.string(),
  deleted: z.literal(true),
  credentials: z.enum(['global', 'none']).check(z.describe("What the tenant's connections use now: the deployment's app, or none when it lends none")),
});

function answerOf(app: TenantApp): z.output<typeof TenantAppAnswerSchema> {
  return {
    provider: app.provider,
    tenant_id: app.tenantId,
    client_id: app.clientId,
    client_secret: 'set',
    scopes: app.scopes ?? null,
    redirect_uri: app.redirectUri ?? null,
    webhook_settings: Object.keys(app.webhookSettings).sort(),
    updated_at: app.updatedAt,
  };
}

/** A provider that takes client credentials at all, by name. */
function credentialed(container: Container, providerName: string): ProviderDescriptor {
  const descriptor = container.registry.descriptor(resolveProviderName(container, providerName))!;
  if (descriptor.connection === 'none') throw invalidRequest('provider', `${descriptor.name} needs no client credentials`);
  return descriptor;
}

/** The webhook settings of the body, each one the descriptor lists. */
function webhookSettingsOf(descriptor: ProviderDescriptor, body: TenantAppBody): Record<string, string> {
  const settings: Record<string, string> = { ...body.webhook_settings };
  if (body.webhook_secret !== undefined) settings['WEBHOOK_SECRET'] = body.webhook_secret;
  const listed = descriptor.webhookSettings;
  for (const key of Object.keys(settings)) {
    if (!listed.includes(key)) {
      const known = listed.length > 0 ? `its webhook settings are ${listed.join(', ')}` : 'it takes no webhook settings';
      throw invalidRequest(
        key === 'WEBHOOK_SECRET' && body.webhook_secret !== undefined ? 'webhook_secret' : `webhook_settings.${key}`,
        `not a setting of ${descriptor.name}: ${known}`,
      );
    }
  }
  return settings;
}

/** Parses a body (JSON text) against the provider: 400 `invalid_request` naming the field. */
function parseTenantAppBody(container: Container, providerName: string, text: string | undefined): { descriptor: ProviderDescriptor; body: TenantAppBody } {
  const descriptor = credentialed(container, providerName);
  let json: unknown;
  try {
    json = JSON.parse(text ?? '');
  } catch {
    throw invalidRequest('body', 'must be a JSON object');
  }
  const parsed = TenantAppBodySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // The message names the field and the rule, never the value (it may be a secret).
    throw invalidRequest(issue.path.join('.') || 'body', issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message);
  }
  return { descriptor, body: parsed.data };
}

export async function setTenantApp(container: Container, tenantId: string, providerName: string, text: string | undefined) {
  const { descriptor, body } = parseTenantAppBody(container, providerName, text);
  const app: TenantApp = {
    tenantId,
    provider: descriptor.name,
    clientId: body.client_id,
    clientSecret: body.client_secret,
    scopes: body.scopes,
    redirectUri: body.redirect_uri,
    webhookSettings: webhookSettingsOf(descriptor, body),
    updatedAt: new Date(container.deps.now()).toISOString(),
  };
  await container.tenantApps.put(app);
  container.providerApps.forget(tenantId, descriptor.name);
  logger.info('tenant provider app set', { provider: descriptor.name, tenantId });
  return answerOf(app);
}

export async function getTenantApp(container: Container, tenantId: string, providerName: string) {
  const descriptor = credentialed(container, providerName);
  const app = await container.tenantApps.get(tenantId, descriptor.name);
  if (!app) throw new AppError(404, 'not_found', `The tenant has no ${descriptor.name} app of its own`);
  return answerOf(app);
}

export async function deleteTenantApp(container: Container, tenantId: string, providerName: string) {
  const descriptor = credentialed(container, providerName);
  if (!(await container.tenantApps.delete(tenantId, descriptor.name))) {
    throw new AppError(404, 'not_found', `The tenant has no ${descriptor.name} app of its own`);
  }
  container.providerApps.forget(tenantId, descriptor.name);
  logger.info('tenant provider app deleted', { provider: descriptor.name, tenantId });
  const lent = !container.config.requireTenantCredentials && container.providerConfig(descriptor.name).configured;
  return { provider: descriptor.name, deleted: true as const, credentials: lent ? ('global' as const) : ('none' as const) };
}

/** Every app of a tenant, without secrets (the operator command's `show`). */
export async function listTenantApps(container: Container, tenantId: string) {
  return (await container.tenantApps.listForTenant(tenantId)).map(answerOf);
}
