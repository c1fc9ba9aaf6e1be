/**
 * `npm run tenant -- <command>`: an operator manages a tenant's own provider apps, as the
 * tenant's admins do with /admin/providers/{provider}, on the configured tables (the same
 * configuration as the service: PIERRE_CONFIG_SECRET_ID or PIERRE_CONNECTIONS_TABLE,
 * PIERRE_CACHE_TABLE, PIERRE_TOKEN_KEYS; AWS credentials from the usual variables).
 *
 *   show <tenant> [provider]      the tenant's apps, without their secrets
 *   set <tenant> <provider>       the app as JSON on stdin (the PUT body), so no secret lands in the shell's history
 *   delete <tenant> <provider>    back to the global app
 *
 * Another container uses a change within APP_REFRESH_MS (shared/app/provider-apps.ts).
 */
import { buildContainer } from '../shared/app/container-core';
import { toErrorAnswer } from '../shared/app/error-answer';
import { AppError } from '../shared/app/errors';
import { deleteTenantApp, getTenantApp, listTenantApps, setTenantApp } from '../shared/app/tenant-providers';
import { operatorContainer } from './operator';

const USAGE = 'usage: npm run tenant -- show <tenant> [provider] | set <tenant> <provider> < app.json | delete <tenant> <provider>';

async function stdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(args: string[]): Promise<number> {
  const [command, tenant, provider] = args;
  if (!command || !tenant || (command !== 'show' && !provider)) {
    console.error(USAGE);
    return 2;
  }
  const container = await operatorContainer(
    buildContainer,
    'PIERRE_CONNECTIONS_TABLE (and PIERRE_CACHE_TABLE, PIERRE_TOKEN_KEYS)',
    'apps kept in memory would be lost.',
  );
  if (!container) return 2;
  if (!container.config.connectionsTable || !container.config.tokenKeysJson) {
    console.error('The configuration names no connections table or no PIERRE_TOKEN_KEYS: apps cannot be stored sealed.');
    return 2;
  }
  switch (command) {
    case 'show':
      console.log(JSON.stringify(provider ? await getTenantApp(container, tenant, provider) : await listTenantApps(container, tenant), null, 2));
      return 0;
    case 'set':
      console.log(JSON.stringify(await setTenantApp(container, tenant, provider!, await stdin()), null, 2));
      return 0;
    case 'delete':
      console.log(JSON.stringify(await deleteTenantApp(container, tenant, provider!), null, 2));
      return 0;
    default:
      console.error(USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A refusal as the API words it (a 400 names the field, never its value); else what failed (configuration, AWS).
    const { code, message } =
      error instanceof AppError ? toErrorAnswer(error) : { code: error instanceof Error ? error.name : 'error', message: String(error) };
    console.error(`tenant ${process.argv[2] ?? ''} failed: ${code}: ${message}`);
    process.exit(1);
  },
);
