/**
 * The `reference_id` we give Terra's widget session: `<tenant>:<user>:<tag>` (parts
 * URI-encoded), where the tag is an HMAC (keyed with the API key) over the connection's single-use
 * state, tenant and user. Terra stores it on the user and echoes it on the redirect and in every
 * webhook, so it maps a Terra user back to ours; the tag ties it to one connection attempt.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

interface ReferenceOwner {
  tenantId: string;
  userId: string;
}

function tag(key: string, state: string, owner: ReferenceOwner): string {
  return createHmac('sha256', key).update(`terra-reference\n${state}\n${owner.tenantId}\n${owner.userId}`).digest('base64url').slice(0, 22);
}

export function referenceIdFor(key: string, state: string, owner: ReferenceOwner): string {
  return `${encodeURIComponent(owner.tenantId)}:${encodeURIComponent(owner.userId)}:${tag(key, state, owner)}`;
}

/** Tenant and user named by a reference id (no proof of origin: for signed webhooks). */
export function parseReferenceId(referenceId: string | null | undefined): (ReferenceOwner & { tag: string }) | undefined {
  const parts = referenceId?.split(':');
  if (parts?.length !== 3 || parts.some((p) => p.length === 0)) return undefined;
  try {
    return { tenantId: decodeURIComponent(parts[0]!), userId: decodeURIComponent(parts[1]!), tag: parts[2]! };
  } catch {
    return undefined;
  }
}

/** The owner when `referenceId` was issued for this `state` with this key; undefined otherwise. */
export function checkReferenceId(key: string, state: string, referenceId: string | null | undefined): ReferenceOwner | undefined {
  const parsed = parseReferenceId(referenceId);
  if (!parsed) return undefined;
  const expected = Buffer.from(tag(key, state, parsed));
  const given = Buffer.from(parsed.tag);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  return { tenantId: parsed.tenantId, userId: parsed.userId };
}
