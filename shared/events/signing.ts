/**
 * Standard Webhooks signing: `webhook-signature` is `v1,<base64 HMAC-SHA256>` of
 * `<webhook-id>.<webhook-timestamp>.<body>`, keyed by the secret's base64 part after `whsec_`.
 * During a rotation a delivery carries one signature per live secret, space-separated.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { EndpointSecrets } from './ports';

const SECRET_PREFIX = 'whsec_';
/** The specification asks for 24 to 64 random bytes. */
const SECRET_BYTES = 32;

export function newSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/** The secrets a delivery at `nowMs` is signed with: the current one, and the previous one while its overlap lasts. */
export function liveSecrets(secrets: EndpointSecrets, nowMs: number): string[] {
  const live = [secrets.current];
  if (secrets.previous && (secrets.previousUntilMs ?? 0) > nowMs) live.push(secrets.previous);
  return live;
}

function signOne(secret: string, content: string): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  return `v1,${createHmac('sha256', key).update(content).digest('base64')}`;
}

/** The three headers of one delivery. */
export function webhookHeaders(secrets: readonly string[], id: string, timestampSecs: number, body: string): Record<string, string> {
  const content = `${id}.${timestampSecs}.${body}`;
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSecs),
    'webhook-signature': secrets.map((secret) => signOne(secret, content)).join(' '),
  };
}
