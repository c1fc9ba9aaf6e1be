/** `npm start`: the whole service on 127.0.0.1, no AWS account needed. `npm start -- --fresh` forgets what earlier runs kept. */
import { fileURLToPath } from 'node:url';
import { DEV_USER, startLocalServer } from './app';

const port = Number(process.env['PORT'] ?? 3000);
const stateDir = process.env['PIERRE_LOCAL_STATE_DIR'] || fileURLToPath(new URL('../.pierre', import.meta.url));
const fresh = process.argv.slice(2).includes('--fresh');

const server = await startLocalServer({ port, stateDir, fresh }).catch((error: NodeJS.ErrnoException) => {
  if (error.code !== 'EADDRINUSE') throw error;
  process.stderr.write(`Port ${port} is already in use: set PORT to another one, e.g. PORT=${port + 1} npm start\n`);
  process.exit(1);
});
const token = await server.issueToken(DEV_USER.user, DEV_USER.tenant);

process.stdout.write(
  [
    '',
    `Pierre Providers is listening on ${server.url}`,
    `Kept across restarts in ${stateDir} (connections, signing secret; \`npm start -- --fresh\` starts empty)${fresh ? ': emptied now' : ''}`,
    '',
    `Development token (user ${DEV_USER.user}, tenant ${DEV_USER.tenant}; valid 12 h, also after a restart; more at /dev/token?user=U&tenant=T):`,
    token,
    '',
    `The connections page, ${server.url}/, acts for ${DEV_USER.user}@${DEV_USER.tenant}; open ${server.url}/#token=<token> to act for another user.`,
    '',
    'Try:',
    `  export TOKEN=${token}`,
    `  curl -H "Authorization: Bearer $TOKEN" "${server.url}/activities?limit=5"`,
    '',
  ].join('\n'),
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
