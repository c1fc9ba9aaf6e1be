import { AppError } from './errors';

/** Who is calling: taken only from verified JWT claims, never from query or body. */
export interface Identity {
  tenantId: string;
  userId: string;
  /** The token's role claim (`PIERRE_ROLE_CLAIM`) said `admin`: the caller manages its own tenant. */
  admin?: boolean;
}

/** The role claim's value that lets a caller manage its tenant (event endpoints, provider apps). */
export const ADMIN_ROLE = 'admin';

/** Refuses (403 `forbidden`) a caller whose token does not carry the admin role. */
export function requireAdmin(identity: Identity): void {
  if (!identity.admin) throw new AppError(403, 'forbidden', `This route needs a token whose role claim is '${ADMIN_ROLE}'`);
}

/**
 * The longest user or tenant id, in bytes once percent-encoded as the store keys hold it. Both
 * go into DynamoDB partition keys (2,048 bytes at most), so an id of any length would pass the
 * authorizer and fail only when stored, after the provider granted access.
 */
const MAX_IDENTITY_BYTES = 256;

/** Why a user or tenant id cannot be used (too long, or text that cannot be encoded), or undefined. */
export function identityProblem(value: string): string | undefined {
  let bytes: number;
  try {
    bytes = encodeURIComponent(value).length;
  } catch {
    return 'is not well-formed Unicode text'; // a lone surrogate, which no store key can hold
  }
  if (bytes > MAX_IDENTITY_BYTES) return `takes ${bytes} bytes percent-encoded; at most ${MAX_IDENTITY_BYTES} are accepted`;
  return undefined;
}
