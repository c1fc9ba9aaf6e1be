/**
 * The data reads as named operations with JSON arguments, so that one read can be answered now
 * or, when the provider is limited, stored in a job and replayed by the retry worker exactly as
 * the route would have run it.
 */
import * as z from '../zod';
import { ProviderError } from '../models';
import { fallbackOrder } from '../resilience/settings';
import type { Container } from './container';
import { toErrorAnswer } from './error-answer';
import * as data from './data';
import type { Identity } from './identity';
import { OPERATION_NAMES, resourceNamed } from '../resources';

const iso = z.optional(z.iso.datetime());

export const OperationSchema = z.object({
  name: z.enum(OPERATION_NAMES),
  provider: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  id: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  limit: z.optional(z.number().check(z.int())),
  offset: z.optional(z.number().check(z.int())),
  before: iso,
  after: iso,
  start: iso,
  end: iso,
  /** Let the next provider of PIERRE_PROVIDER_FALLBACK answer when this one fails or is limited. */
  fallback: z.optional(z.boolean()),
});
export type Operation = z.infer<typeof OperationSchema>;

/** Every read runs here: REST routes, MCP tools and the retry worker's jobs. */
function runOnce(container: Container, identity: Identity, op: Operation): Promise<unknown> {
  return data.fetchResource(container, identity, resourceNamed(op.name), op);
}

/** Failures another provider may answer instead of: limits, open circuits, outages, timeouts. */
function fallbackWorthy(error: unknown): boolean {
  return error instanceof ProviderError && (error.isRetryable() || error.kind === 'circuit_open');
}

/** The connected providers after `requested` in PIERRE_PROVIDER_FALLBACK (then those before it). */
async function fallbackCandidates(container: Container, identity: Identity, requested: string): Promise<string[]> {
  const order = fallbackOrder(container.raw);
  const at = order.indexOf(requested);
  const next = at < 0 ? order : [...order.slice(at + 1), ...order.slice(0, at)];
  const connected = new Set(
    (await container.connections.listForUser(identity.tenantId, identity.userId)).filter((c) => c.status === 'connected').map((c) => c.provider),
  );
  return next.filter((name) => container.registry.isSupported(name) && (connected.has(name) || container.provider(name).descriptor.connection === 'none'));
}

export async function runOperation(container: Container, identity: Identity, op: Operation): Promise<unknown> {
  try {
    return await runOnce(container, identity, op);
  } catch (error) {
    const requested = op.provider ?? container.config.defaultProvider;
    if (!op.fallback || !resourceNamed(op.name).fallback || requested === data.ALL_PROVIDERS || !fallbackWorthy(error)) throw error;
    const reason = toErrorAnswer(error).code;
    for (const candidate of await fallbackCandidates(container, identity, requested)) {
      try {
        const answer = (await runOnce(container, identity, { ...op, provider: candidate })) as Record<string, unknown>;
        return { ...answer, fallback: { requested, reason } };
      } catch {
        // The next one, then; the requested provider's own failure is what the caller hears.
      }
    }
    throw error;
  }
}
