/**
 * Source priority (docs/merging.md): which provider's copy wins when `provider=all` merges the
 * same workout, night or day from several providers. A tenant's admins set an order per merged
 * resource; each user may replace it, resource by resource. Both are small items of the durable
 * table:
 *
 *   pk `sources#<tenant>`          sk `priority`   the tenant's order
 *   pk `sources#<tenant>#<user>`   sk `priority`   the user's override
 *
 * (ids percent-encoded). A resource absent from the user's item follows the tenant's; absent
 * from both, no order applies and the most detailed copy wins.
 */
import * as z from '../zod';
import type { ErasureStep } from '../store/ports';
import { jsonIn, recordCodec } from '../store/records';
import type { Container } from './container-core';
import { invalidRequest } from './errors';
import { requireAdmin, type Identity } from './identity';
import { MERGE_KINDS, type MergedResource } from './merge';

export const MERGED_RESOURCES = Object.keys(MERGE_KINDS) as [MergedResource, ...MergedResource[]];

/** More names than any deployment registers providers: a bound on what one item holds. */
const MAX_ORDER_LENGTH = 32;

const ProviderOrderSchema = z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(
  z.maxLength(MAX_ORDER_LENGTH),
  z.refine((names) => new Set(names).size === names.length, 'names a provider twice'),
  z.describe('Provider names, the preferred first (GET /providers lists them); [] = no order: the most detailed copy wins'),
);

export const SourcePrioritySchema = z
  .strictObject(
    Object.fromEntries(MERGED_RESOURCES.map((r) => [r, z.optional(ProviderOrderSchema)])) as Record<
      MergedResource,
      z.ZodMiniOptional<typeof ProviderOrderSchema>
    >,
  )
  .check(z.describe('An order per merged resource (activities, sleep, recovery); a resource left out is not set here'));
export type SourcePriority = z.output<typeof SourcePrioritySchema>;

const OrderOriginSchema = z.enum(['user', 'tenant', 'none']);
export const EffectivePrioritySchema = z
  .record(z.enum(MERGED_RESOURCES), z.object({ order: z.array(z.string()), from: OrderOriginSchema }))
  .check(z.describe('The order each merged resource follows and whose it is (none: the most detailed copy wins)'));

export const TenantPriorityAnswerSchema = z.object({ tenant: SourcePrioritySchema });
export const UserPriorityAnswerSchema = z.object({ tenant: SourcePrioritySchema, user: SourcePrioritySchema, effective: EffectivePrioritySchema });

const PRIORITY = recordCodec({ order: z.string(), updatedAtMs: z.number() });
const SK = 'priority';
const tenantPk = (tenantId: string) => `sources#${encodeURIComponent(tenantId)}`;
const userPk = (identity: Identity) => `${tenantPk(identity.tenantId)}#${encodeURIComponent(identity.userId)}`;

async function read(container: Container, pk: string): Promise<SourcePriority> {
  const item = await container.jobs.get(pk, SK, container.deps.now());
  return jsonIn(PRIORITY.decode(item).order, SourcePrioritySchema) ?? {};
}

/** Stores a document (an empty one deletes the item), once every name is a registered provider. */
async function write(container: Container, pk: string, priority: SourcePriority): Promise<void> {
  for (const resource of MERGED_RESOURCES) {
    (priority[resource] ?? []).forEach((name, i) => {
      if (!container.registry.isSupported(name)) throw invalidRequest(`${resource}.${i}`, container.registry.unsupportedMessage(name));
    });
  }
  if (MERGED_RESOURCES.every((r) => priority[r] === undefined)) {
    await container.jobs.delete(pk, SK);
    return;
  }
  await container.jobs.update(pk, SK, PRIORITY.encode({ order: JSON.stringify(priority), updatedAtMs: container.deps.now() }));
}

/** Erasure's part: the user's own order, if any. */
export async function eraseUserPriority(container: Container, identity: Identity): Promise<ErasureStep> {
  const pk = userPk(identity);
  const held = (await container.jobs.get(pk, SK, container.deps.now())) !== undefined;
  if (held) await container.jobs.delete(pk, SK);
  return { deleted: { source_priorities: held ? 1 : 0 }, done: true };
}

function effective(tenant: SourcePriority, user: SourcePriority): z.output<typeof EffectivePrioritySchema> {
  return Object.fromEntries(
    MERGED_RESOURCES.map((r) => {
      const own = user[r];
      const inherited = tenant[r];
      return [r, own ? { order: own, from: 'user' } : inherited ? { order: inherited, from: 'tenant' } : { order: [], from: 'none' }];
    }),
  ) as z.output<typeof EffectivePrioritySchema>;
}

/** The order a merge of `resource` follows for this caller (the user's, else the tenant's, else none). */
export async function priorityOrder(container: Container, identity: Identity, resource: MergedResource): Promise<readonly string[]> {
  const [tenant, user] = await Promise.all([read(container, tenantPk(identity.tenantId)), read(container, userPk(identity))]);
  return effective(tenant, user)[resource]!.order;
}

/** GET /settings/sources: the tenant's order, the caller's override and what applies. */
export async function userPriority(container: Container, identity: Identity) {
  const [tenant, user] = await Promise.all([read(container, tenantPk(identity.tenantId)), read(container, userPk(identity))]);
  return { tenant, user, effective: effective(tenant, user) };
}

/** PUT /settings/sources: replaces the caller's override (`{}` removes it). */
export async function setUserPriority(container: Container, identity: Identity, priority: SourcePriority) {
  await write(container, userPk(identity), priority);
  return userPriority(container, identity);
}

/** GET /admin/sources (admins only): the tenant's order. */
export async function tenantPriority(container: Container, identity: Identity) {
  requireAdmin(identity);
  return { tenant: await read(container, tenantPk(identity.tenantId)) };
}

/** PUT /admin/sources (admins only): replaces the tenant's order (`{}` removes it). */
export async function setTenantPriority(container: Container, identity: Identity, priority: SourcePriority) {
  requireAdmin(identity);
  await write(container, tenantPk(identity.tenantId), priority);
  return tenantPriority(container, identity);
}
