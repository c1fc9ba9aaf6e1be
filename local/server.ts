/** `npm start`: the whole service on 127.0.0.1, no AWS account needed. */
import { startLocalServer } from './app';

const port = Number(process.env['PORT'] ?? 3000);
const server = await startLocalServer({ port });
const token = await server.issueToken('demo-user', 'demo-tenant');

process.stdout.write(
  [
    '',
    `Pierre Providers is listening on ${server.url}`,
    '',
    'Development token (user demo-user, tenant demo-tenant; more at /dev/token?user=U&tenant=T):',
    token,
    '',
    'Try:',
    `  curl -H "Authorization: Bearer ${token.slice(0, 12)}..." ${server.url}/providers`,
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
