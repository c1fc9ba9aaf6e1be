/**
 * A tenant's event endpoints, managed by its admins (and by the operator command). The signing
 * secret is shown once, when made; it is only ever written here, never read back.
 */
import { newEndpointId } from '../events/ids';
import { refusedUrl } from '../events/outbound';
import type { Endpoint, EventType } from '../events/ports';
import { MAX_ENDPOINTS_PER_TENANT, ROTATION_OVERLAP_MS } from '../events/settings';
import { newSigningSecret } from '../events/signing';
import type { Container } from './container-core';
import { AppError, invalidRequest } from './errors';

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export function endpointAnswer(endpoint: Endpoint) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    types: endpoint.types ?? null,
    created_at: new Date(endpoint.createdAtMs).toISOString(),
    failing_since: iso(endpoint.failingSinceMs),
    disabled_at: iso(endpoint.disabledAtMs),
  };
}

const notFound = () => new AppError(404, 'not_found', 'No such endpoint for your tenant');

function checkUrl(container: Container, url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidRequest('url', 'must be an absolute URL');
  }
  const refused = refusedUrl(parsed, container.eventTargets);
  if (refused) throw invalidRequest('url', refused);
  return parsed.toString();
}

export async function createEndpoint(container: Container, tenantId: string, input: { url: string; types?: EventType[] | undefined }) {
  const endpoint: Endpoint = {
    id: newEndpointId(),
    tenantId,
    url: checkUrl(container, input.url),
    types: input.types && [...new Set(input.types)],
    createdAtMs: container.deps.now(),
  };
  const secret = newSigningSecret();
  // The secret first: an endpoint is never listed without one to sign with.
  await container.endpointSecrets.put(tenantId, endpoint.id, secret);
  if (!(await container.eventStore.createEndpoint(endpoint, MAX_ENDPOINTS_PER_TENANT))) {
    await container.endpointSecrets.delete(tenantId, endpoint.id);
    throw new AppError(409, 'too_many_endpoints', `A tenant may have at most ${MAX_ENDPOINTS_PER_TENANT} endpoints; delete one first`);
  }
  return { ...endpointAnswer(endpoint), secret };
}

export async function listEndpoints(container: Container, tenantId: string) {
  return { endpoints: (await container.eventStore.listEndpoints(tenantId)).map(endpointAnswer) };
}

export async function deleteEndpoint(container: Container, tenantId: string, id: string) {
  if (!(await container.eventStore.deleteEndpoint(tenantId, id))) throw notFound();
  await container.endpointSecrets.delete(tenantId, id);
  return { id, deleted: true as const };
}

/** A new secret; the previous one keeps signing beside it for ROTATION_OVERLAP_MS, so receivers can switch without losing a delivery. */
export async function rotateSecret(container: Container, tenantId: string, id: string) {
  if (!(await container.eventStore.getEndpoint(tenantId, id))) throw notFound();
  const secret = newSigningSecret();
  const until = container.deps.now() + ROTATION_OVERLAP_MS;
  await container.endpointSecrets.rotate(tenantId, id, secret, until);
  return { id, secret, previous_valid_until: new Date(until).toISOString() };
}
