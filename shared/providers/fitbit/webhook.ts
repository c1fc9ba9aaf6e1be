/**
 * Fitbit subscriptions (webhooks), as pure functions for the webhook use case:
 * - subscriber verification: Fitbit calls `GET <endpoint>?verify=<code>` and expects 204 for
 *   the configured code (PIERRE_FITBIT_SUBSCRIBER_VERIFICATION_CODE) and 404 for any other;
 * - notifications: `POST` of a JSON array `[{collectionType, date, ownerId, ownerType,
 *   subscriptionId}]`, signed in `X-Fitbit-Signature` = base64(HMAC-SHA1(raw body,
 *   client_secret + "&")); a wrong signature must be answered 404; answer 204 within 5 s.
 * The signature carries no timestamp, so a replayed notification cannot be told from a fresh
 * one; notifications only say "something changed", which makes replays harmless.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export const SIGNATURE_HEADER = 'x-fitbit-signature';
/** `PIERRE_FITBIT_SUBSCRIBER_VERIFICATION_CODE` arrives as this settings key. */
export const SUBSCRIBER_VERIFICATION_SETTING = 'SUBSCRIBER_VERIFICATION_CODE';

export const FITBIT_COLLECTIONS = ['activities', 'body', 'foods', 'sleep', 'userRevokedAccess'] as const;

export const FitbitNotificationSchema = z.object({
  collectionType: z.string().min(1),
  date: z.iso.date().optional(),
  ownerId: z.string().min(1),
  ownerType: z.string().default('user'),
  subscriptionId: z.string().default(''),
});
export type FitbitNotification = z.infer<typeof FitbitNotificationSchema>;
export const FitbitNotificationsSchema = z.array(FitbitNotificationSchema);

export type FitbitWebhookEvent =
  | { kind: 'data_changed'; providerUserId: string; collection: string; date: string | undefined; subscriptionId: string }
  | { kind: 'deauthorized'; providerUserId: string; subscriptionId: string };

/** base64(HMAC-SHA1(body, client_secret + "&")), as Fitbit signs notifications. */
export function fitbitSignature(rawBody: string | Buffer, clientSecret: string): string {
  return createHmac('sha1', `${clientSecret}&`).update(rawBody).digest('base64');
}

/** Constant-time check of `X-Fitbit-Signature` against the raw body bytes. */
export function verifyFitbitSignature(rawBody: string | Buffer, signature: string | null | undefined, clientSecret: string): boolean {
  if (!signature || !clientSecret) return false;
  const expected = Buffer.from(fitbitSignature(rawBody, clientSecret), 'base64');
  let given: Buffer;
  try {
    given = Buffer.from(signature.trim(), 'base64');
  } catch {
    return false;
  }
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The status to answer a subscriber-verification request with. */
export function subscriberVerificationStatus(verify: string | null | undefined, expectedCode: string | undefined): 204 | 404 {
  if (!verify || !expectedCode) return 404;
  const a = Buffer.from(verify);
  const b = Buffer.from(expectedCode);
  return a.length === b.length && timingSafeEqual(a, b) ? 204 : 404;
}

/** Parses a notification body; undefined when it is not Fitbit's array of notifications. */
export function parseFitbitNotifications(rawBody: string | Buffer): FitbitNotification[] | undefined {
  let json: unknown;
  try {
    json = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = FitbitNotificationsSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

export function toWebhookEvents(notifications: readonly FitbitNotification[]): FitbitWebhookEvent[] {
  return notifications.map((n) =>
    n.collectionType === 'userRevokedAccess'
      ? { kind: 'deauthorized', providerUserId: n.ownerId, subscriptionId: n.subscriptionId }
      : { kind: 'data_changed', providerUserId: n.ownerId, collection: n.collectionType, date: n.date, subscriptionId: n.subscriptionId },
  );
}

/** Verifies and parses one notification request; undefined means "answer 404". */
export function verifyAndParse(
  rawBody: string | Buffer,
  signature: string | null | undefined,
  clientSecret: string,
): FitbitWebhookEvent[] | undefined {
  if (!verifyFitbitSignature(rawBody, signature, clientSecret)) return undefined;
  const notifications = parseFitbitNotifications(rawBody);
  return notifications && toWebhookEvents(notifications);
}
