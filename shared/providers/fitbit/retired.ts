import type { StoredGrant } from '../spi';
import { SCOPE_PREFIX } from './descriptor';

export const RETIRED_MESSAGE =
  'Fitbit moved to Google accounts: this connection was made with the retired Fitbit Web API (switched off on 2026-11-02) and can no longer be used; connect Fitbit again and sign in with Google';

/** Tokens from the retired Fitbit Web API carry Fitbit's scope names, never a Google Health one. */
export function retiredFitbitConnection(grant: StoredGrant): string | undefined {
  return grant.scopes.some((s) => s.startsWith(SCOPE_PREFIX)) ? undefined : RETIRED_MESSAGE;
}
