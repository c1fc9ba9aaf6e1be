/**
 * COROS pushes finished workouts to the URL registered with the partner application (its main
 * way of delivering data). Pure functions; `corosWebhook` answers `POST /webhooks/coros`.
 *
 * Assumed from public integrations (COROS's reference is partner-only):
 * - POST JSON `{ "sportDataList": [ { openId, labelId, mode, subMode, startTime, endTime,
 *   startTimezone, endTimezone, distance, duration, fitUrl, triathlonItemList?, ... } ] }`;
 * - authenticated by two headers, `client` (the application's client id) and `secret` (its
 *   client secret); there is no signature over the body and no timestamp, so a delivery cannot
 *   be judged stale: receivers dedupe by `labelId`;
 * - COROS may call without those headers (a reachability check): answer 200 and do nothing;
 * - the receiver acknowledges with `{"result":"0000","message":"ok"}`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Activity } from '../../models';
import { activityFromWorkout } from './mapping';
import { CorosWebhookPayloadSchema } from './schemas';
import type { WebhookRequest, WebhookResult } from '../spi';

const COROS_WEBHOOK_CLIENT_HEADER = 'client';
const COROS_WEBHOOK_SECRET_HEADER = 'secret';
export const COROS_WEBHOOK_ACK = { result: '0000', message: 'ok' } as const;

type HeaderSource = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

interface CorosWebhookCredentials {
  clientId: string;
  clientSecret: string;
}

type CorosWebhookAuth = 'valid' | 'invalid' | 'missing';

interface CorosWorkoutEvent {
  /** The user's openId (TokenSet.providerUserId of the connection). */
  providerUserId: string;
  /** The workout's labelId, which is also the activity id. */
  activityId: string;
  activity: Activity;
}

type CorosWebhookParse = { ok: true; events: CorosWorkoutEvent[] } | { ok: false; reason: string };

function header(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    return Array.isArray(value) ? value[0] : (value as string | undefined);
  }
  return undefined;
}

/** Constant-time comparison of two strings of any length. */
function same(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b)) && a.length === b.length;
}

/** Checks the `client` / `secret` header pair against the application's credentials. */
export function verifyCorosWebhook(headers: HeaderSource, credentials: CorosWebhookCredentials): CorosWebhookAuth {
  const client = header(headers, COROS_WEBHOOK_CLIENT_HEADER);
  const secret = header(headers, COROS_WEBHOOK_SECRET_HEADER);
  if (!client || !secret) return 'missing';
  // Both comparisons always run, so timing does not tell which one failed.
  const clientOk = same(client, credentials.clientId);
  const secretOk = same(secret, credentials.clientSecret);
  return clientOk && secretOk && credentials.clientSecret.length > 0 ? 'valid' : 'invalid';
}

/** Parses a delivery's body (raw text or parsed JSON) into one event per workout. */
export function parseCorosWebhook(body: string | unknown, provider = 'coros'): CorosWebhookParse {
  let json: unknown = body;
  if (typeof body === 'string') {
    try {
      json = JSON.parse(body);
    } catch {
      return { ok: false, reason: 'the body is not JSON' };
    }
  }
  const parsed = CorosWebhookPayloadSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `unexpected payload${issue?.path.length ? ` at '${issue.path.join('.')}'` : ''}: ${issue?.message ?? 'invalid'}` };
  }
  return {
    ok: true,
    events: parsed.data.sportDataList.map((workout) => ({
      providerUserId: workout.openId,
      activityId: workout.labelId,
      activity: activityFromWorkout(provider, workout),
    })),
  };
}

/** Checks the client/secret headers, then one event per pushed workout. */
export function corosWebhook(request: WebhookRequest, credentials: Partial<CorosWebhookCredentials>): WebhookResult {
  if (request.method !== 'POST') return { kind: 'rejected', reason: 'COROS pushes are POSTs' };
  if (!credentials.clientId || !credentials.clientSecret) return { kind: 'rejected', reason: 'no COROS client credentials configured' };
  const auth = verifyCorosWebhook(request.headers, { clientId: credentials.clientId, clientSecret: credentials.clientSecret });
  // Without the headers it is COROS checking that the URL answers.
  if (auth === 'missing') return { kind: 'challenge', status: 200, body: COROS_WEBHOOK_ACK };
  if (auth === 'invalid') return { kind: 'rejected', reason: 'coros push with wrong client credentials' };
  const parsed = parseCorosWebhook(request.rawBody.toString('utf8'));
  if (!parsed.ok) return { kind: 'rejected', reason: `coros ${parsed.reason}` };
  return {
    kind: 'events',
    events: parsed.events.map((e) => ({
      providerUserId: e.providerUserId,
      kind: 'data' as const,
      changed: ['activities' as const],
      objectId: e.activityId,
      // The push carries the workout itself.
      records: () => [{ resource: 'activities' as const, records: [{ id: e.activityId, at: e.activity.start_date, value: e.activity }] }],
    })),
    authenticated: true,
    ack: { status: 200, body: COROS_WEBHOOK_ACK },
  };
}
