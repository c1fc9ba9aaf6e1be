/**
 * Terra webhooks: pure signature verification and event parsing; `terraWebhook` answers
 * `POST /webhooks/terra`. Every delivery carries `terra-signature: t=<unix>,v1=<hex>`,
 * where v1 = HMAC-SHA256(signing secret, `${t}.${raw body}`); the raw body must be verified
 * byte for byte before any JSON parsing. Old timestamps are refused so a captured delivery
 * cannot be replayed.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from '../../zod';
import type { ProviderConfig, WebhookEvent, WebhookRequest, WebhookResult } from '../spi';
import { TerraActivitySchema, TerraBodySchema, TerraDailySchema, TerraSleepSchema, TerraUserSchema } from './schemas';

const TERRA_SIGNATURE_HEADER = 'terra-signature';
/** `PIERRE_TERRA_WEBHOOK_SECRET` arrives as this settings key. */
const WEBHOOK_SECRET_SETTING = 'WEBHOOK_SECRET';
/** How far a delivery's timestamp may be from our clock. */
const DEFAULT_TOLERANCE_SECS = 300;

export function terraWebhookSecret(config: Pick<ProviderConfig, 'settings'>): string | undefined {
  const secret = config.settings[WEBHOOK_SECRET_SETTING]?.trim();
  return secret ? secret : undefined;
}

interface ParsedSignature {
  timestamp: number;
  /** Every `v1` value (more than one while Terra rotates a secret). */
  signatures: string[];
}

export function parseTerraSignature(header: string | null | undefined): ParsedSignature | undefined {
  if (!header) return undefined;
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-fA-F]{64}$/.test(value)) signatures.push(value.toLowerCase());
  }
  if (timestamp === undefined || signatures.length === 0) return undefined;
  return { timestamp, signatures };
}

/** Hex HMAC-SHA256 of `${timestamp}.${rawBody}`. */
function terraSignature(secret: string, timestamp: number, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

export type WebhookVerification =
  | { valid: true; timestamp: number }
  | { valid: false; reason: 'no_secret' | 'missing_signature' | 'malformed_signature' | 'stale' | 'bad_signature' };

export function verifyTerraWebhook(input: {
  header: string | null | undefined;
  rawBody: string | Buffer;
  secret: string | undefined;
  nowMs: number;
  toleranceSecs?: number;
}): WebhookVerification {
  if (!input.secret) return { valid: false, reason: 'no_secret' };
  if (!input.header) return { valid: false, reason: 'missing_signature' };
  const parsed = parseTerraSignature(input.header);
  if (!parsed) return { valid: false, reason: 'malformed_signature' };
  const tolerance = input.toleranceSecs ?? DEFAULT_TOLERANCE_SECS;
  if (Math.abs(Math.floor(input.nowMs / 1000) - parsed.timestamp) > tolerance) return { valid: false, reason: 'stale' };
  const expected = Buffer.from(terraSignature(input.secret, parsed.timestamp, input.rawBody), 'hex');
  const matches = parsed.signatures.some((candidate) => {
    const given = Buffer.from(candidate, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? { valid: true, timestamp: parsed.timestamp } : { valid: false, reason: 'bad_signature' };
}

// ---- events -----------------------------------------------------------------------------------

const TERRA_EVENT_TYPES = ['auth', 'deauth', 'access_revoked', 'activity', 'sleep', 'body', 'daily'] as const;

const str = z.nullish(z.string());
const dataEvent = <T extends z.ZodMiniType, K extends string>(type: K, item: T) =>
  z.looseObject({ type: z.literal(type), user: TerraUserSchema, data: z.array(item), version: str });

const TerraWebhookEventSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('auth'),
    status: z.string(),
    user: TerraUserSchema,
    reference_id: str,
    widget_session_id: str,
    message: str,
  }),
  z.looseObject({ type: z.literal('auth_cancelled'), status: z.string(), reference_id: str, reason: str }),
  z.looseObject({ type: z.literal('deauth'), status: z.string(), user: TerraUserSchema, message: str }),
  z.looseObject({ type: z.literal('access_revoked'), status: z.string(), user: TerraUserSchema, message: str }),
  dataEvent('activity', TerraActivitySchema),
  dataEvent('sleep', TerraSleepSchema),
  dataEvent('body', TerraBodySchema),
  dataEvent('daily', TerraDailySchema),
]);
type TerraWebhookEvent = z.infer<typeof TerraWebhookEventSchema>;

const KNOWN_TYPES: ReadonlySet<string> = new Set([...TERRA_EVENT_TYPES, 'auth_cancelled']);

type ParsedWebhook =
  | { kind: 'event'; event: TerraWebhookEvent }
  /** A type we do not handle (healthcheck, athlete, nutrition, ...): acknowledge and drop. */
  | { kind: 'ignored'; type: string }
  /** Not JSON, no type, or a handled type whose payload does not match Terra's models. */
  | { kind: 'invalid'; type: string | undefined };

/** Parses a body whose signature was verified. */
export function parseTerraWebhook(rawBody: string | Buffer): ParsedWebhook {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString());
  } catch {
    return { kind: 'invalid', type: undefined };
  }
  const type = typeof json === 'object' && json !== null && typeof (json as { type?: unknown }).type === 'string' ? (json as { type: string }).type : undefined;
  if (type === undefined) return { kind: 'invalid', type };
  if (!KNOWN_TYPES.has(type)) return { kind: 'ignored', type };
  const result = TerraWebhookEventSchema.safeParse(json);
  return result.success ? { kind: 'event', event: result.data } : { kind: 'invalid', type };
}

function toEvents(event: TerraWebhookEvent): WebhookEvent[] {
  switch (event.type) {
    case 'auth':
    case 'auth_cancelled':
      // Connections are completed by the widget's redirect to the callback, not here.
      return [];
    case 'deauth':
    case 'access_revoked':
      return [{ providerUserId: event.user.user_id, kind: 'deauthorized', changed: [] }];
    case 'activity':
      return [{ providerUserId: event.user.user_id, kind: 'data', changed: ['activities'] }];
    case 'sleep':
      return [{ providerUserId: event.user.user_id, kind: 'data', changed: ['sleep', 'recovery'] }];
    case 'body':
      return [{ providerUserId: event.user.user_id, kind: 'data', changed: ['health_metrics', 'athlete'] }];
    case 'daily':
      return [{ providerUserId: event.user.user_id, kind: 'data', changed: ['health_metrics', 'recovery'] }];
  }
}

/** Verifies `terra-signature` (with its replay window) over the raw body, then reads the event. */
export function terraWebhook(request: WebhookRequest, secret: string | undefined, nowMs: number): WebhookResult {
  if (request.method !== 'POST') return { kind: 'rejected', reason: 'Terra webhooks are POSTs' };
  const verified = verifyTerraWebhook({ header: request.headers[TERRA_SIGNATURE_HEADER], rawBody: request.rawBody, secret, nowMs });
  if (!verified.valid) return { kind: 'rejected', reason: `terra ${verified.reason}` };
  const parsed = parseTerraWebhook(request.rawBody);
  if (parsed.kind === 'invalid') return { kind: 'rejected', reason: `terra payload invalid (${parsed.type ?? 'no type'})` };
  return { kind: 'events', events: parsed.kind === 'ignored' ? [] : toEvents(parsed.event), authenticated: true };
}
