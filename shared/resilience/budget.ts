/**
 * Whose rate-limit budget, circuit and health a provider call belongs to. Providers count
 * requests per OAuth app, so the global app of a provider is one budget (named by the provider)
 * and each tenant's own app another (`<provider>@<app id>`): two tenants with their own apps never
 * share windows, fair share or a circuit, and tenants on the global app share it as before.
 */
import { createHash } from 'node:crypto';

const SEPARATOR = '@';

/** The budget of a tenant's own app: the app id hashes tenant and client id, so it names neither. */
export function tenantBudget(provider: string, tenantId: string, clientId: string): string {
  const appId = createHash('sha256')
    .update(JSON.stringify([tenantId, clientId]))
    .digest('base64url')
    .slice(0, 16);
  return `${provider}${SEPARATOR}${appId}`;
}

/** The provider a budget belongs to (provider names hold no `@`). */
export function providerOfBudget(budget: string): string {
  const at = budget.indexOf(SEPARATOR);
  return at < 0 ? budget : budget.slice(0, at);
}
