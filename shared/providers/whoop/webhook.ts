/**
 * WHOOP webhooks: `POST {user_id, id, type, trace_id}` signed with
 *   X-WHOOP-Signature = base64(HMAC-SHA256(key = client secret, timestamp + raw body))
 *   X-WHOOP-Signature-Timestamp = epoch milliseconds.
 * Pure functions: verification against the raw body, then parsing into a neutral event.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from '../../zod';
import type { WebhookResource, WebhookRequest, WebhookResult } from '../spi';

const SIGNATURE_HEADER = 'x-whoop-signature';
const TIMESTAMP_HEADER = 'x-whoop-signature-timestamp';
/** How old (or how far in the future) a signed timestamp may be. */
const DEFAULT_TOLERANCE_SECS = 300;

const WHOOP_WEBHOOK_TYPES = ['workout.updated', 'workout.deleted', 'sleep.updated', 'sleep.deleted', 'recovery.updated', 'recovery.deleted'] as const;

const WhoopWebhookSchema = z.looseObject({
  user_id: z.number().check(z.int()),
  /** A UUID for v2 webhooks (for recovery: the sleep's); an integer for legacy v1 ones. */
  id: z.union([z.string().check(z.minLength(1)), z.number().check(z.int())]),
  type: z.enum(WHOOP_WEBHOOK_TYPES),
  trace_id: z.optional(z.string()),
});

interface WhoopWebhookEvent {
  /** WHOOP's user id, as stored with the connection (`TokenSet.providerUserId`). */
  providerUserId: string;
  resource: 'workout' | 'sleep' | 'recovery';
  action: 'updated' | 'deleted';
  objectId: string;
  traceId: string | undefined;
}

export type WebhookVerification =
  | { ok: true; event: WhoopWebhookEvent }
  | { ok: false; reason: 'missing_signature' | 'bad_signature' | 'stale_timestamp' | 'invalid_body' };

export function whoopSignature(clientSecret: string, timestamp: string, rawBody: string | Buffer): string {
  return createHmac('sha256', clientSecret)
    .update(timestamp)
    .update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
    .digest('base64');
}

type HeaderBag = Headers | Readonly<Record<string, string | string[] | undefined>>;

function header(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value[0] : value;
}

function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.trim(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function parseWhoopWebhook(body: unknown): WhoopWebhookEvent | undefined {
  const parsed = WhoopWebhookSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const [resource, action] = parsed.data.type.split('.') as [WhoopWebhookEvent['resource'], WhoopWebhookEvent['action']];
  return {
    providerUserId: String(parsed.data.user_id),
    resource,
    action,
    objectId: String(parsed.data.id),
    traceId: parsed.data.trace_id,
  };
}

/** Checks signature and freshness on the raw body, then parses the event. */
export function verifyWhoopWebhook(args: {
  headers: HeaderBag;
  rawBody: string | Buffer;
  clientSecret: string;
  nowMs: number;
  toleranceSecs?: number;
}): WebhookVerification {
  const signature = header(args.headers, SIGNATURE_HEADER);
  const timestamp = header(args.headers, TIMESTAMP_HEADER);
  if (!signature || !timestamp) return { ok: false, reason: 'missing_signature' };
  if (!sameSignature(whoopSignature(args.clientSecret, timestamp, args.rawBody), signature)) {
    return { ok: false, reason: 'bad_signature' };
  }
  const sentMs = /^\d{1,16}$/.test(timestamp.trim()) ? Number(timestamp.trim()) : Number.NaN;
  const tolerance = (args.toleranceSecs ?? DEFAULT_TOLERANCE_SECS) * 1000;
  if (!Number.isFinite(sentMs) || Math.abs(args.nowMs - sentMs) > tolerance) return { ok: false, reason: 'stale_timestamp' };
  let body: unknown;
  try {
    body = JSON.parse(typeof args.rawBody === 'string' ? args.rawBody : args.rawBody.toString('utf8'));
  } catch {
    return { ok: false, reason: 'invalid_body' };
  }
  const event = parseWhoopWebhook(body);
  return event ? { ok: true, event } : { ok: false, reason: 'invalid_body' };
}

/** What each kind of WHOOP event makes stale (a sleep carries its recovery; recovery feeds HRV and resting HR). */
const CHANGED: Record<WhoopWebhookEvent['resource'], WebhookResource[]> = {
  workout: ['activities'],
  sleep: ['sleep', 'recovery'],
  recovery: ['recovery', 'health_metrics'],
};

/** `POST /webhooks/whoop`: signature and timestamp checked over the raw body, then one event. */
export function whoopWebhook(request: WebhookRequest, clientSecret: string | undefined, nowMs: number): WebhookResult {
  if (request.method !== 'POST') return { kind: 'rejected', reason: 'WHOOP webhooks are POSTs' };
  if (!clientSecret) return { kind: 'rejected', reason: 'no WHOOP client secret configured to verify with' };
  const verified = verifyWhoopWebhook({ headers: request.headers, rawBody: request.rawBody, clientSecret, nowMs });
  if (!verified.ok) return { kind: 'rejected', reason: `whoop ${verified.reason}` };
  const { event } = verified;
  return {
    kind: 'events',
    events: [{ providerUserId: event.providerUserId, kind: 'data', changed: CHANGED[event.resource], objectId: event.objectId }],
    authenticated: true,
  };
}
