/**
 * Garmin's notification sender. Garmin signs nothing (no HMAC, no signature header): it POSTs
 * JSON to the endpoint configured for each summary type, and expects a 200 quickly.
 *
 * Tests name an event in shorthand and the simulator renders Garmin's body:
 * - `{type:"ping", user_id, summary_type?}` -> `{"<type>":[{"userId","callbackURL"}]}` where
 *   the callback URL pulls the last 24 hours and carries a pull `token` (OAuth 2 pings do);
 * - `{type:"push", user_id, summary_type?}` -> the summaries uploaded in the last 24 hours (or,
 *   when there were none, the latest one), inline;
 * - `{type:"deregistration", user_id}` -> `{"deregistrations":[{"userId"}]}`;
 * - `{type:"permissions", user_id, permissions}` -> `{"userPermissionsChange":[...]}`.
 * Anything else is posted verbatim (forged or hand-written notifications).
 */
import { randomBytes } from 'node:crypto';
import * as z from '../../../shared/zod';
import { SUMMARY_TYPES, type GarminDataStore } from './data';

const summaryType = z._default(z.enum(SUMMARY_TYPES), 'activities');

export const WebhookShorthandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping'), user_id: z.string().check(z.minLength(1)), summary_type: summaryType }),
  z.object({ type: z.literal('push'), user_id: z.string().check(z.minLength(1)), summary_type: summaryType }),
  z.object({ type: z.literal('deregistration'), user_id: z.string().check(z.minLength(1)) }),
  z.object({ type: z.literal('permissions'), user_id: z.string().check(z.minLength(1)), permissions: z.array(z.string()) }),
]);
type WebhookShorthand = z.infer<typeof WebhookShorthandSchema>;

export function notificationBody(event: WebhookShorthand, args: { apiBaseUrl: string; data: GarminDataStore; nowMs: number }): Record<string, unknown[]> {
  const nowSecs = Math.floor(args.nowMs / 1000);
  switch (event.type) {
    case 'ping': {
      const url = new URL(`${args.apiBaseUrl}/${event.summary_type}`);
      url.searchParams.set('uploadStartTimeInSeconds', String(nowSecs - 86_400));
      url.searchParams.set('uploadEndTimeInSeconds', String(nowSecs));
      url.searchParams.set('token', `CPT${nowSecs}.${randomBytes(6).toString('base64url')}`);
      return { [event.summary_type]: [{ userId: event.user_id, callbackURL: url.toString() }] };
    }
    case 'push': {
      // A real push follows an upload; on a day without one, push the latest summary (whatever day it came).
      const uploaded = (fromSecs: number) => args.data.uploadedBetween(event.user_id, event.summary_type, fromSecs, nowSecs + 1);
      const lastDay = uploaded(nowSecs - 86_400);
      return { [event.summary_type]: lastDay.length > 0 ? lastDay : uploaded(0).slice(-1) };
    }
    case 'deregistration':
      return { deregistrations: [{ userId: event.user_id }] };
    case 'permissions':
      return {
        userPermissionsChange: [
          {
            userId: event.user_id,
            summaryId: `x${nowSecs.toString(16)}-perm`,
            permissions: event.permissions,
            changeTimeInSeconds: nowSecs,
          },
        ],
      };
  }
}

export async function postNotification(target: string, body: unknown): Promise<number> {
  const response = await fetch(target, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  await response.arrayBuffer();
  return response.status;
}
