/**
 * `npm run erase -- <tenant> <user>`: the operator's erasure of one user, the same use case as
 * DELETE /users/me (revoke at every provider, delete everything kept of the user, publish
 * `user.erased`), run to the end with no invocation deadline. It reads the service's
 * configuration (PIERRE_CONFIG_SECRET_ID, the table names, PIERRE_TOKEN_KEYS, AWS variables),
 * and prints the receipt as JSON.
 */
import { buildContainer } from '../shared/app/container';
import { eraseUser } from '../shared/app/erasure';
import { identityProblem } from '../shared/app/identity';
import { operatorContainer } from './operator';

async function main(args: readonly string[]): Promise<number> {
  const [tenantId, userId, ...extra] = args;
  if (!tenantId || !userId || extra.length > 0) {
    console.error('usage: npm run erase -- <tenant> <user>');
    return 2;
  }
  for (const [name, value] of [
    ['tenant', tenantId],
    ['user', userId],
  ] as const) {
    const problem = identityProblem(value);
    if (problem) {
      console.error(`The ${name} id ${problem}`);
      return 2;
    }
  }
  const container = await operatorContainer(
    buildContainer,
    'PIERRE_CONNECTIONS_TABLE and PIERRE_CACHE_TABLE (and PIERRE_TOKEN_KEYS)',
    'memory stores hold nobody to erase.',
  );
  if (!container) return 2;
  const { body } = await eraseUser(container, { tenantId, userId });
  console.log(JSON.stringify(body));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`erase failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
