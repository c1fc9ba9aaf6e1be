/**
 * `npm run endpoints -- <command>`: a tenant's event endpoints, managed by the operator on the
 * configured tables (the same use cases as /admin/endpoints). It reads the service's
 * configuration (PIERRE_CONFIG_SECRET_ID or the PIERRE_* variables; AWS credentials as usual).
 *
 *   list   <tenant>
 *   add    <tenant> <url> [type,type,...]
 *   delete <tenant> <endpoint id>
 *   rotate <tenant> <endpoint id>
 */
import { buildContainer } from '../shared/app/container-core';
import { createEndpoint, deleteEndpoint, listEndpoints, rotateSecret } from '../shared/app/endpoints';
import { AppError } from '../shared/app/errors';
import { EndpointBodySchema, EndpointPathSchema } from '../shared/events/answers';
import { parseInput } from '../shared/http/query';
import { operatorContainer } from './operator';

const USAGE = `usage: npm run endpoints -- list <tenant> | add <tenant> <url> [type,...] | delete <tenant> <id> | rotate <tenant> <id>`;

async function main(args: string[]): Promise<number> {
  const [command, tenant, arg, types] = args;
  if (!command || !tenant) {
    console.error(USAGE);
    return 2;
  }
  const container = await operatorContainer(
    buildContainer,
    'PIERRE_CONNECTIONS_TABLE and PIERRE_ENDPOINT_SECRETS_TABLE',
    'endpoints kept in memory would vanish with this command.',
  );
  if (!container) return 2;
  let answer: unknown;
  if (command === 'list') answer = await listEndpoints(container, tenant);
  else if (command === 'add') answer = await createEndpoint(container, tenant, parseInput(EndpointBodySchema, { url: arg ?? '', types: types?.split(',') }));
  else if (command === 'delete') answer = await deleteEndpoint(container, tenant, parseInput(EndpointPathSchema, { id: arg }).id);
  else if (command === 'rotate') answer = await rotateSecret(container, tenant, parseInput(EndpointPathSchema, { id: arg }).id);
  else {
    console.error(USAGE);
    return 2;
  }
  console.log(JSON.stringify(answer, null, 2));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`endpoints: ${error instanceof AppError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
