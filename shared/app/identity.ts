/** Who is calling: taken only from verified JWT claims, never from query or body. */
export interface Identity {
  tenantId: string;
  userId: string;
}
