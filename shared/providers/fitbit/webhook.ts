/**
 * Google Health API webhooks (`POST /webhooks/fitbit`):
 * - verification: Google posts `{"type":"verification"}` twice when the subscriber is created,
 *   once with the configured `Authorization` value (answer 201) and once without (answer 401);
 * - notifications: a JSON array (a single object is accepted too) of `{"data":{"version",
 *   "healthUserId","operation":"UPSERT"|"DELETE","dataType","intervals":[...]}}`, carrying no
 *   measurements. Each must bear the configured `Authorization` value and an ECDSA P-256 /
 *   SHA-256 signature of the raw body in `X-HEALTHAPI-SIGNATURE` (or
 *   `GOOGLE-HEALTH-API-SIGNATURE`), checked against the keyset at
 *   `PIERRE_FITBIT_WEBHOOK_KEYSET_URL` (default: Google's reported Tink keyset). Answer 204 quickly; Google retries failures for days
 *   and duplicates happen, which is harmless: every effect is an invalidation.
 *
 * Settings: `PIERRE_FITBIT_WEBHOOK_AUTHORIZATION` (the whole header value, scheme included)
 * and `PIERRE_FITBIT_WEBHOOK_KEYSET_URL` (in `config.settings` as `WEBHOOK_AUTHORIZATION` and
 * `WEBHOOK_KEYSET_URL`).
 */
import { timingSafeEqual } from 'node:crypto';
import * as z from '../../zod';
import type { ProviderHttp } from '../http';
import type { WebhookEvent, WebhookRequest, WebhookResource, WebhookResult } from '../spi';
import { GOOGLE_HEALTH_KEYSET_URL, WebhookKeyset } from './keyset';

const WEBHOOK_AUTHORIZATION_SETTING = 'WEBHOOK_AUTHORIZATION';
const WEBHOOK_KEYSET_URL_SETTING = 'WEBHOOK_KEYSET_URL';
const SIGNATURE_HEADERS = ['x-healthapi-signature', 'google-health-api-signature'] as const;

/** What each notified data type makes stale; types we do not read change nothing. */
const RESOURCES_OF_DATA_TYPE: Readonly<Record<string, readonly WebhookResource[]>> = {
  exercise: ['activities'],
  sleep: ['sleep'],
  'daily-resting-heart-rate': ['recovery', 'health_metrics'],
  'daily-heart-rate-variability': ['recovery'],
  'daily-oxygen-saturation': ['recovery'],
  weight: ['health_metrics'],
  'body-fat': ['health_metrics'],
  steps: ['health_metrics'],
  'total-calories': ['health_metrics'],
};

const VerificationSchema = z.object({ type: z.literal('verification') });

const NotificationSchema = z.object({
  data: z.looseObject({
    version: z.optional(z.string()),
    healthUserId: z.string().check(z.minLength(1), z.maxLength(63)),
    operation: z.enum(['UPSERT', 'DELETE']),
    dataType: z.string().check(z.minLength(1), z.maxLength(64)),
    intervals: z.optional(z.array(z.unknown())),
  }),
});
export type Notification = z.infer<typeof NotificationSchema>;
const NotificationsSchema = z.union([
  z.array(NotificationSchema),
  z.pipe(
    NotificationSchema,
    z.transform((n) => [n]),
  ),
]);

function same(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Google sends kebab-case type ids; accept the camelCase and snake_case spellings too. */
export function dataTypeId(dataType: string): string {
  return dataType
    .replace(/^users\/[^/]+\/dataTypes\//, '')
    .replace(/_/g, '-')
    .replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function toEvents(notifications: readonly Notification[]): WebhookEvent[] {
  return notifications.flatMap(({ data }) => {
    const changed = RESOURCES_OF_DATA_TYPE[dataTypeId(data.dataType)];
    return changed ? [{ providerUserId: data.healthUserId, kind: 'data' as const, changed }] : [];
  });
}

export class FitbitWebhooks {
  private readonly keyset: WebhookKeyset;

  constructor(
    private readonly settings: Readonly<Record<string, string | undefined>>,
    http: ProviderHttp,
    now: () => number,
  ) {
    const url = settings[WEBHOOK_KEYSET_URL_SETTING]?.trim() || GOOGLE_HEALTH_KEYSET_URL;
    this.keyset = new WebhookKeyset(url, http, now);
  }

  async handle(request: WebhookRequest): Promise<WebhookResult> {
    if (request.method !== 'POST') return { kind: 'rejected', reason: 'Google Health webhooks are POSTs' };
    const expected = this.settings[WEBHOOK_AUTHORIZATION_SETTING];
    const given = request.headers['authorization'];
    const authorized = expected !== undefined && expected !== '' && given !== undefined && same(given, expected);
    let json: unknown;
    try {
      json = JSON.parse(request.rawBody.toString('utf8'));
    } catch {
      return { kind: 'rejected', reason: 'fitbit webhook body is not JSON' };
    }
    if (VerificationSchema.safeParse(json).success) {
      return authorized ? { kind: 'challenge', status: 201 } : { kind: 'rejected', reason: 'fitbit verification without the configured authorization' };
    }
    if (!authorized) return { kind: 'rejected', reason: 'fitbit notification without the configured authorization' };
    const signature = SIGNATURE_HEADERS.map((h) => request.headers[h]).find((v) => v !== undefined && v !== '');
    if (!signature) return { kind: 'rejected', reason: 'fitbit notification without a signature' };
    const verdict = await this.keyset.verify(request.rawBody, signature);
    if (verdict === 'unavailable') return { kind: 'unavailable', reason: 'the webhook keyset could not be fetched' };
    if (verdict !== 'valid') return { kind: 'rejected', reason: `fitbit notification signature ${verdict}` };
    const parsed = NotificationsSchema.safeParse(json);
    if (!parsed.success) return { kind: 'rejected', reason: 'fitbit notification of an unexpected shape' };
    return { kind: 'events', events: toEvents(parsed.data), authenticated: true, ack: { status: 204 } };
  }
}
