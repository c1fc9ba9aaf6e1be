/** What the page says after the browser comes back from a provider's consent page. */
export interface ConnectOutcome {
  provider: string;
  status: 'connected' | 'error';
  error?: string;
}

/** The callback's `?provider=&status=[&error=]` on the page's URL, if the browser just came back. */
export function readOutcome(search: string): ConnectOutcome | undefined {
  const params = new URLSearchParams(search);
  const provider = params.get('provider');
  const status = params.get('status');
  if (!provider || (status !== 'connected' && status !== 'error')) return undefined;
  const error = params.get('error') ?? undefined;
  return { provider, status, ...(error && { error }) };
}

const PROVIDER_DOWN = new Set(['provider_unavailable', 'provider_timeout', 'provider_error', 'provider_invalid_data']);

/** A sentence for people; `name` is the provider's display name. */
export function outcomeMessage(outcome: ConnectOutcome, name: string): string {
  if (outcome.status === 'connected') return `${name} is connected.`;
  const code = outcome.error ?? 'unknown';
  if (PROVIDER_DOWN.has(code)) return `${name} could not be reached, so it was not connected. Try again in a few minutes.`;
  switch (code) {
    case 'access_denied':
      return `You declined access at ${name}, so it was not connected. Nothing was stored.`;
    case 'insufficient_scope':
      return `${name} was not connected: a permission it needs was unticked. Connect again and leave every permission ticked.`;
    case 'code_exchange_failed':
      return `${name} did not accept the authorization. Please connect again.`;
    case 'invalid_state':
      return `That connection attempt expired or was already used. Please connect ${name} again.`;
    case 'rate_limited':
      return `${name} is receiving too many requests right now. Try again later.`;
    case 'provider_not_configured':
      return `${name} is not set up on this service yet.`;
    default:
      return `Connecting ${name} failed (${code}). Please try again.`;
  }
}
