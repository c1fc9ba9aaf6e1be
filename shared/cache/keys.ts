/** Cache partition for one user's data at one provider: `tenant:{t}:user:{u}:provider:{p}`. */
export function cachePartition(tenantId: string, userId: string, provider: string): string {
  return `tenant:${tenantId}:user:${userId}:provider:${provider}`;
}
