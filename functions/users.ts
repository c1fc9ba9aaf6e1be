import { authenticated, json } from '../shared/http/handler';
import { eraseUser } from '../shared/app/erasure';
import { providerContainer } from '../shared/app/container';

/** DELETE /users/me: erase the caller (revoke at every provider, delete everything kept of them); docs/erasure.md. */
export const handler = authenticated(
  async (_event, { container, identity }) => {
    const { status, body } = await eraseUser(container, identity);
    return json(status, body, status === 202 ? { 'retry-after': String(body.retry_after) } : {});
  },
  { container: providerContainer },
);
