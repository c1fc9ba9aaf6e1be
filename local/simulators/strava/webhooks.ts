/**
 * Strava's push subscriptions (one per application) and event delivery: the callback is
 * validated with a GET carrying hub.challenge, events are POSTed unsigned as JSON, and a
 * delivery that does not get a 200 within two seconds is tried again, three attempts in all.
 */
import { randomBytes } from 'node:crypto';

/** The subscription id of Strava's documentation example; the first one the simulator issues. */
const DEFAULT_SUBSCRIPTION_ID = 120475;
export const DEFAULT_VERIFY_TOKEN = 'sim-strava-verify-token';
const DELIVERY_TIMEOUT_MS = 2_000;
const DELIVERY_ATTEMPTS = 3;

export interface Subscription {
  id: number;
  callbackUrl: string;
  createdAt: string;
}

export function isLoopback(target: string): boolean {
  if (!URL.canParse(target)) return false;
  const host = new URL(target).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

export class WebhookDesk {
  subscription: Subscription | undefined;
  private nextId = DEFAULT_SUBSCRIPTION_ID;

  constructor(private readonly now: () => number) {}

  /** The id events carry: the live subscription's, else the one the first subscription gets. */
  get subscriptionId(): number {
    return this.subscription?.id ?? this.nextId;
  }

  /** GET callback?hub.mode=subscribe&hub.challenge=X&hub.verify_token=T must echo X within 2 s. */
  async validateCallback(callbackUrl: string, verifyToken: string): Promise<boolean> {
    const challenge = randomBytes(12).toString('hex');
    const url = new URL(callbackUrl);
    url.searchParams.set('hub.mode', 'subscribe');
    url.searchParams.set('hub.challenge', challenge);
    url.searchParams.set('hub.verify_token', verifyToken);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS), redirect: 'manual' });
      if (res.status !== 200) return false;
      const body = (await res.json()) as Record<string, unknown>;
      return body['hub.challenge'] === challenge;
    } catch {
      return false;
    }
  }

  create(callbackUrl: string): Subscription {
    this.subscription = { id: this.nextId, callbackUrl, createdAt: new Date(this.now()).toISOString() };
    this.nextId += 1;
    return this.subscription;
  }

  delete(id: number): boolean {
    if (this.subscription?.id !== id) return false;
    this.subscription = undefined;
    return true;
  }

  /** Fills what Strava always sends: the subscription id and the event time. */
  complete(event: unknown): Record<string, unknown> {
    const given = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
    return {
      aspect_type: 'create',
      event_time: Math.floor(this.now() / 1000),
      object_type: 'activity',
      updates: {},
      subscription_id: this.subscriptionId,
      ...given,
    };
  }

  /** Posts the event as Strava does; returns the last status (0 when nothing answered in time). */
  async deliver(target: string, event: unknown): Promise<number> {
    const body = JSON.stringify(this.complete(event));
    let status = 0;
    for (let attempt = 0; attempt < DELIVERY_ATTEMPTS; attempt++) {
      try {
        const res = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'Strava-Webhook-Simulator' },
          body,
          signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
          redirect: 'manual',
        });
        status = res.status;
        await res.arrayBuffer().catch(() => undefined);
        if (status === 200) return status;
      } catch {
        status = 0;
      }
    }
    return status;
  }

  /** A deauthorization event for the subscription's callback, if there is one (fire and forget). */
  announceDeauthorization(athleteId: number): void {
    const target = this.subscription?.callbackUrl;
    if (!target || !isLoopback(target)) return;
    void this.deliver(target, {
      aspect_type: 'update',
      object_type: 'athlete',
      object_id: athleteId,
      owner_id: athleteId,
      updates: { authorized: 'false' },
    }).catch(() => undefined);
  }
}
