/**
 * Strava webhooks (pure functions, no I/O): `stravaWebhook` answers `GET`/`POST /webhooks/strava`.
 *
 * - Subscription validation: Strava calls `GET <callback>?hub.mode=subscribe&hub.challenge=X
 *   &hub.verify_token=T` and expects `200 {"hub.challenge":"X"}` within two seconds when T is
 *   the verify token given at subscription time.
 * - Events: `POST <callback>` with `{object_type, object_id, aspect_type, updates, owner_id,
 *   subscription_id, event_time}`, to be acknowledged with a 200 within two seconds (Strava
 *   tries up to three times). Events are NOT signed: the only check is that `subscription_id`
 *   is ours. A deauthorization is an `athlete` `update` with `updates.authorized == "false"`.
 *
 * Settings: `PIERRE_STRAVA_WEBHOOK_VERIFY_TOKEN` and `PIERRE_STRAVA_WEBHOOK_SUBSCRIPTION_ID`
 * (in `config.settings` as `WEBHOOK_VERIFY_TOKEN` and `WEBHOOK_SUBSCRIPTION_ID`).
 */
import { timingSafeEqual } from 'node:crypto';
import * as z from '../../zod';
import type { WebhookEvent, WebhookRequest, WebhookResult } from '../spi';

const WEBHOOK_VERIFY_TOKEN_SETTING = 'WEBHOOK_VERIFY_TOKEN';
const WEBHOOK_SUBSCRIPTION_ID_SETTING = 'WEBHOOK_SUBSCRIPTION_ID';

type Settings = Readonly<Record<string, string | undefined>>;

type ChallengeAnswer = { status: 200; body: { 'hub.challenge': string } } | { status: 403; reason: string };

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The answer to Strava's subscription-validation GET, from its query parameters. */
export function answerSubscriptionChallenge(query: Readonly<Record<string, string | undefined>>, settings: Settings): ChallengeAnswer {
  const expected = settings[WEBHOOK_VERIFY_TOKEN_SETTING];
  if (!expected) return { status: 403, reason: 'no Strava webhook verify token is configured' };
  const challenge = query['hub.challenge'];
  if (query['hub.mode'] !== 'subscribe' || !challenge) return { status: 403, reason: 'not a subscription validation request' };
  if (!sameSecret(query['hub.verify_token'] ?? '', expected)) return { status: 403, reason: 'the verify token does not match' };
  return { status: 200, body: { 'hub.challenge': challenge } };
}

/** Values in `updates` are strings in Strava's examples (`"authorized": "false"`, `"private": "true"`). */
const UpdateValue = z.union([z.string(), z.boolean(), z.number(), z.null()]);

const StravaWebhookEventSchema = z.looseObject({
  object_type: z.enum(['activity', 'athlete']),
  object_id: z.number().check(z.int(), z.nonnegative()),
  aspect_type: z.enum(['create', 'update', 'delete']),
  updates: z._default(z.record(z.string(), UpdateValue), {}),
  owner_id: z.number().check(z.int(), z.nonnegative()),
  subscription_id: z.number().check(z.int(), z.nonnegative()),
  /** Epoch seconds. */
  event_time: z.number().check(z.int(), z.nonnegative()),
});
type StravaWebhookEvent = z.infer<typeof StravaWebhookEventSchema>;

/** A Strava event in provider-neutral terms. */
interface StravaWebhookNotice {
  /** The athlete id, stored as the connection's providerUserId. */
  providerUserId: string;
  objectType: 'activity' | 'athlete';
  objectId: string;
  aspect: 'create' | 'update' | 'delete';
  /** The athlete revoked our access: drop the connection. */
  deauthorized: boolean;
  /** Epoch seconds. */
  eventTime: number;
  updates: Record<string, string | boolean | number | null>;
}

type WebhookRejection = 'not_configured' | 'malformed' | 'wrong_subscription' | 'stale';
export type StravaEventParse = { ok: true; event: StravaWebhookEvent; notice: StravaWebhookNotice } | { ok: false; reason: WebhookRejection };

interface ParseOptions {
  /** Epoch milliseconds; needed with `maxAgeSecs`. */
  nowMs?: number;
  /**
   * Refuse events older than this (replays). Off by default: Strava retries for a while and
   * an update's `event_time` is when the change happened, so a tolerance must be generous.
   */
  maxAgeSecs?: number;
}

/** Parses and checks one event body (raw text or parsed JSON). */
export function parseStravaWebhook(body: string | unknown, settings: Settings, options: ParseOptions = {}): StravaEventParse {
  const configured = settings[WEBHOOK_SUBSCRIPTION_ID_SETTING]?.trim();
  if (!configured || !/^\d+$/.test(configured)) return { ok: false, reason: 'not_configured' };
  let json: unknown = body;
  if (typeof body === 'string') {
    try {
      json = JSON.parse(body);
    } catch {
      return { ok: false, reason: 'malformed' };
    }
  }
  const parsed = StravaWebhookEventSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  const event = parsed.data;
  if (String(event.subscription_id) !== configured) return { ok: false, reason: 'wrong_subscription' };
  if (options.maxAgeSecs !== undefined) {
    const nowSecs = Math.floor((options.nowMs ?? Date.now()) / 1000);
    if (nowSecs - event.event_time > options.maxAgeSecs) return { ok: false, reason: 'stale' };
  }
  const authorized = event.updates['authorized'];
  return {
    ok: true,
    event,
    notice: {
      providerUserId: String(event.owner_id),
      objectType: event.object_type,
      objectId: String(event.object_id),
      aspect: event.aspect_type,
      deauthorized: event.object_type === 'athlete' && event.aspect_type === 'update' && String(authorized) === 'false',
      eventTime: event.event_time,
      updates: event.updates,
    },
  };
}

function toEvent(notice: StravaWebhookNotice): WebhookEvent {
  if (notice.deauthorized) return { providerUserId: notice.providerUserId, kind: 'deauthorized', changed: [], occurredAtMs: notice.eventTime * 1000 };
  return {
    providerUserId: notice.providerUserId,
    kind: 'data',
    changed: notice.objectType === 'athlete' ? ['athlete'] : ['activities'],
    objectId: notice.objectId,
    ...(notice.objectType === 'activity' && { aspect: notice.aspect, occurredAtMs: notice.eventTime * 1000 }),
  };
}

/**
 * The subscription challenge on GET; one event on POST. Events are unsigned, so they are never
 * authenticated, and the subscription id is no secret: an event naming another subscription is
 * acknowledged and ignored like one about an athlete nobody connected, so that the answers
 * cannot reveal the id (an id that answered differently could be found by counting).
 */
export function stravaWebhook(request: WebhookRequest, settings: Settings): WebhookResult {
  if (request.method === 'GET') {
    const answer = answerSubscriptionChallenge(request.query, settings);
    return answer.status === 200 ? { kind: 'challenge', status: 200, body: answer.body } : { kind: 'rejected', reason: answer.reason };
  }
  const parsed = parseStravaWebhook(request.rawBody.toString('utf8'), settings);
  if (!parsed.ok && parsed.reason === 'wrong_subscription') return { kind: 'events', events: [], authenticated: false };
  if (!parsed.ok) return { kind: 'rejected', reason: `strava event ${parsed.reason}` };
  return { kind: 'events', events: [toEvent(parsed.notice)], authenticated: false };
}
