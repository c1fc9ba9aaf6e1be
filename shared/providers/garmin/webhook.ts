/**
 * Garmin notifications (pure parsing): `garminWebhook` answers `POST /webhooks/garmin`.
 *
 * Garmin signs nothing (no HMAC): a notification is a JSON object whose keys are summary types,
 * each an array of entries naming the Garmin `userId`:
 * - push: the summaries themselves, inline (`{"activities":[{...summary, "userId"}]}`);
 * - ping: where to pull them (`{"activities":[{"userId","callbackURL"}]}`); the callback URL
 *   must point at the Garmin API we are configured for, or the ping is refused (it would make
 *   us send a user's token to whoever forged it);
 * - lifecycle: `deregistrations[{userId}]` (the user left: revoke) and
 *   `userPermissionsChange[{userId, permissions}]`.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import * as z from '../../zod';
import { recordsOfSummaries } from './records';
import { WEBHOOK_RESOURCES, type WebhookEvent, type WebhookRequest, type WebhookResource, type WebhookResult } from '../spi';

const SUMMARY_NOTIFICATION_TYPES = [
  'activities',
  'activityDetails',
  'activityFiles',
  'manuallyUpdatedActivities',
  'moveIQActivities',
  'dailies',
  'epochs',
  'sleeps',
  'bodyComps',
  'stressDetails',
  'userMetrics',
  'pulseox',
  'allDayRespiration',
  'healthSnapshot',
  'hrv',
  'bloodPressures',
  'skinTemp',
  'menstrualCycleTracking',
] as const;
const DEREGISTRATIONS = 'deregistrations';
const PERMISSIONS_CHANGE = 'userPermissionsChange';

const EntrySchema = z.looseObject({ userId: z.string().check(z.minLength(1)) });
const PermissionsEntrySchema = z.extend(EntrySchema, { permissions: z.array(z.string()) });
const NotificationSchema = z.record(z.string(), z.array(z.unknown()));

type GarminWebhookEvent =
  | { kind: 'push'; summaryType: string; userId: string; summary: Record<string, unknown> }
  | { kind: 'ping'; summaryType: string; userId: string; callbackUrl: string }
  | { kind: 'deregistration'; userId: string }
  | { kind: 'permissions_change'; userId: string; permissions: string[] };

export type GarminWebhookResult =
  | {
      ok: true;
      events: GarminWebhookEvent[];
      /** Every Garmin user id named, once each, in order of appearance. */
      userIds: string[];
      /** True when the notification deregisters at least one user. */
      deregistration: boolean;
      deregisteredUserIds: string[];
      /** Entries left out: no userId, a malformed permission change, or a ping whose callback URL is not Garmin's. */
      skipped: number;
    }
  | { ok: false; reason: string };

interface GarminWebhookOptions {
  /** The Garmin API base we pull from; ping callback URLs must lie under it. */
  apiBaseUrl: string;
}

/** True when `callbackUrl` is on the configured API's origin and under its path. */
export function isTrustedCallbackUrl(callbackUrl: string, apiBaseUrl: string): boolean {
  if (!URL.canParse(callbackUrl) || !URL.canParse(apiBaseUrl)) return false;
  const url = new URL(callbackUrl);
  const base = new URL(apiBaseUrl);
  const basePath = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  return url.origin === base.origin && url.pathname.startsWith(basePath) && url.username === '' && url.password === '';
}

const fail = (reason: string): GarminWebhookResult => ({ ok: false, reason });

/** Parses a notification body (raw text or parsed JSON). Never throws. */
export function parseGarminWebhook(body: unknown, options: GarminWebhookOptions): GarminWebhookResult {
  let json = body;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    try {
      json = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
    } catch {
      return fail('the body is not JSON');
    }
  }
  const parsed = NotificationSchema.safeParse(json);
  if (!parsed.success) return fail('the body is not a Garmin notification object');

  // One malformed entry must not lose everyone else's (Garmin would retry the whole delivery for
  // 7 days): it is left out and counted. A ping to a foreign URL is never pulled either way.
  const events: GarminWebhookEvent[] = [];
  let skipped = 0;
  for (const [key, entries] of Object.entries(parsed.data)) {
    if (key === DEREGISTRATIONS || key === PERMISSIONS_CHANGE) {
      for (const raw of entries) {
        if (key === DEREGISTRATIONS) {
          const entry = EntrySchema.safeParse(raw);
          if (entry.success) events.push({ kind: 'deregistration', userId: entry.data.userId });
          else skipped++;
        } else {
          const entry = PermissionsEntrySchema.safeParse(raw);
          if (entry.success) events.push({ kind: 'permissions_change', userId: entry.data.userId, permissions: entry.data.permissions });
          else skipped++;
        }
      }
      continue;
    }
    if (!(SUMMARY_NOTIFICATION_TYPES as readonly string[]).includes(key)) continue;
    for (const raw of entries) {
      const entry = EntrySchema.safeParse(raw);
      if (!entry.success) {
        skipped++;
        continue;
      }
      const callback = entry.data['callbackURL'];
      if (typeof callback === 'string') {
        if (!isTrustedCallbackUrl(callback, options.apiBaseUrl)) {
          skipped++;
          continue;
        }
        events.push({ kind: 'ping', summaryType: key, userId: entry.data.userId, callbackUrl: callback });
      } else {
        events.push({ kind: 'push', summaryType: key, userId: entry.data.userId, summary: entry.data });
      }
    }
  }
  if (events.length === 0) {
    return fail(
      skipped > 0
        ? `none of its ${skipped} entries is usable (no userId, or a callback URL outside the Garmin API)`
        : 'the notification names no known summary type or lifecycle event',
    );
  }
  const userIds = [...new Set(events.map((e) => e.userId))];
  const deregisteredUserIds = [...new Set(events.filter((e) => e.kind === 'deregistration').map((e) => e.userId))];
  return { ok: true, events, userIds, deregistration: deregisteredUserIds.length > 0, deregisteredUserIds, skipped };
}

/** `PIERRE_GARMIN_WEBHOOK_SECRET`: Garmin signs nothing, so the registered URL may carry `?secret=`. */
export const WEBHOOK_SECRET_SETTING = 'WEBHOOK_SECRET';

const ACTIVITY_TYPES = new Set(['activities', 'activityDetails', 'activityFiles', 'manuallyUpdatedActivities', 'moveIQActivities']);
const RECOVERY_TYPES = new Set(['dailies', 'hrv', 'stressDetails', 'sleeps']);

/** What a summary type makes stale. */
export function changedBy(summaryType: string): WebhookResource[] {
  if (ACTIVITY_TYPES.has(summaryType)) return ['activities'];
  const changed: WebhookResource[] = summaryType === 'sleeps' ? ['sleep'] : ['health_metrics'];
  if (RECOVERY_TYPES.has(summaryType)) changed.push('recovery');
  if (summaryType === 'bodyComps' || summaryType === 'userMetrics') changed.push('athlete');
  return changed;
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function toEvent(event: GarminWebhookEvent): WebhookEvent {
  switch (event.kind) {
    case 'deregistration':
      return { providerUserId: event.userId, kind: 'deauthorized', changed: [] };
    case 'permissions_change':
      // What the connection may read changed: everything cached may be wrong now.
      return { providerUserId: event.userId, kind: 'data', changed: [...WEBHOOK_RESOURCES] };
    case 'push':
      return {
        providerUserId: event.userId,
        kind: 'data',
        changed: changedBy(event.summaryType),
        records: () => recordsOfSummaries(event.summaryType, [event.summary]),
      };
    case 'ping':
      return { providerUserId: event.userId, kind: 'data', changed: changedBy(event.summaryType), pullUrl: event.callbackUrl };
  }
}

/**
 * Garmin signs nothing: a delivery is authenticated only by the URL secret
 * (`PIERRE_GARMIN_WEBHOOK_SECRET`, required by the stack wherever it is deployed). Without a
 * configured secret (local runs) deliveries are accepted as unauthenticated: their data events
 * only mark cached answers stale and a deregistration is confirmed with Garmin first.
 */
export function garminWebhook(request: WebhookRequest, options: GarminWebhookOptions & { secret?: string | undefined }): WebhookResult {
  if (request.method !== 'POST') return { kind: 'rejected', reason: 'Garmin notifications are POSTs' };
  if (options.secret && !sameSecret(request.query['secret'] ?? '', options.secret)) {
    return { kind: 'rejected', reason: 'garmin notification without the configured URL secret' };
  }
  const parsed = parseGarminWebhook(request.rawBody, options);
  if (!parsed.ok) return { kind: 'rejected', reason: `garmin ${parsed.reason}` };
  return { kind: 'events', events: parsed.events.map(toEvent), authenticated: Boolean(options.secret) };
}
