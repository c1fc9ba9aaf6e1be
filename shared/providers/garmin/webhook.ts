/**
 * Garmin notifications (pure parsing, for the webhook use case of a later issue).
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
import { z } from 'zod';

export const SUMMARY_NOTIFICATION_TYPES = [
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

const EntrySchema = z.looseObject({ userId: z.string().min(1) });
const PermissionsEntrySchema = EntrySchema.extend({ permissions: z.array(z.string()) });
const NotificationSchema = z.record(z.string(), z.array(z.unknown()));

export type GarminWebhookEvent =
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
    }
  | { ok: false; reason: string };

export interface GarminWebhookOptions {
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

  const events: GarminWebhookEvent[] = [];
  for (const [key, entries] of Object.entries(parsed.data)) {
    if (key === DEREGISTRATIONS || key === PERMISSIONS_CHANGE) {
      for (const raw of entries) {
        if (key === DEREGISTRATIONS) {
          const entry = EntrySchema.safeParse(raw);
          if (!entry.success) return fail(`a ${key} entry has no userId`);
          events.push({ kind: 'deregistration', userId: entry.data.userId });
        } else {
          const entry = PermissionsEntrySchema.safeParse(raw);
          if (!entry.success) return fail(`a ${key} entry needs userId and permissions`);
          events.push({ kind: 'permissions_change', userId: entry.data.userId, permissions: entry.data.permissions });
        }
      }
      continue;
    }
    if (!(SUMMARY_NOTIFICATION_TYPES as readonly string[]).includes(key)) continue;
    for (const raw of entries) {
      const entry = EntrySchema.safeParse(raw);
      if (!entry.success) return fail(`a ${key} entry has no userId`);
      const callback = entry.data['callbackURL'];
      if (typeof callback === 'string') {
        if (!isTrustedCallbackUrl(callback, options.apiBaseUrl)) return fail(`a ${key} ping names a callback URL outside the Garmin API`);
        events.push({ kind: 'ping', summaryType: key, userId: entry.data.userId, callbackUrl: callback });
      } else {
        events.push({ kind: 'push', summaryType: key, userId: entry.data.userId, summary: entry.data });
      }
    }
  }
  if (events.length === 0) return fail('the notification names no known summary type or lifecycle event');
  const userIds = [...new Set(events.map((e) => e.userId))];
  const deregisteredUserIds = [...new Set(events.filter((e) => e.kind === 'deregistration').map((e) => e.userId))];
  return { ok: true, events, userIds, deregistration: deregisteredUserIds.length > 0, deregisteredUserIds };
}
