/** Each provider's handleWebhook adapter: one result shape, what each event makes stale. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { corosWebhook } from '../../../shared/providers/coros/webhook';
import { changedBy, garminWebhook } from '../../../shared/providers/garmin/webhook';
import type { WebhookRequest } from '../../../shared/providers/spi';
import { stravaWebhook } from '../../../shared/providers/strava/webhook';
import { terraWebhook } from '../../../shared/providers/terra/webhook';
import { whoopWebhook } from '../../../shared/providers/whoop/webhook';

const post = (body: unknown, headers: Record<string, string> = {}, query: Record<string, string> = {}): WebhookRequest => ({
  method: 'POST',
  query,
  headers,
  rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
});
const NOW = 1_765_000_000_000;

describe('webhook adapters', () => {
  const strava = { WEBHOOK_VERIFY_TOKEN: 'vt', WEBHOOK_SUBSCRIPTION_ID: '7' };
  const stravaEvent = { object_type: 'activity', object_id: 1, aspect_type: 'update', owner_id: 9, subscription_id: 7, event_time: 1, updates: {} };

  it('Strava: activity, athlete and deauthorization events; challenge; refusals', () => {
    expect(stravaWebhook(post(stravaEvent), strava)).toEqual({
      kind: 'events',
      events: [{ providerUserId: '9', kind: 'data', changed: ['activities'], objectId: '1', aspect: 'update', occurredAtMs: 1000 }],
      // Unsigned: events of it may only mark cached answers stale.
      authenticated: false,
    });
    expect(stravaWebhook(post({ ...stravaEvent, object_type: 'athlete', updates: { title: 'x' } }), strava)).toMatchObject({
      events: [{ changed: ['athlete'] }],
    });
    expect(stravaWebhook(post({ ...stravaEvent, object_type: 'athlete', updates: { authorized: 'false' } }), strava)).toMatchObject({
      events: [{ kind: 'deauthorized', changed: [] }],
    });
    expect(stravaWebhook(post('not json'), strava)).toMatchObject({ kind: 'rejected' });
    // Another subscription's event changes nothing, and answers like any event (the id stays unknowable).
    expect(stravaWebhook(post({ ...stravaEvent, subscription_id: 8 }), strava)).toEqual({ kind: 'events', events: [], authenticated: false });
    expect(stravaWebhook(post(stravaEvent), {})).toMatchObject({ kind: 'rejected' });
    const challenge = {
      method: 'GET' as const,
      query: { 'hub.mode': 'subscribe', 'hub.challenge': 'c', 'hub.verify_token': 'vt' },
      headers: {},
      rawBody: Buffer.alloc(0),
    };
    expect(stravaWebhook(challenge, strava)).toEqual({ kind: 'challenge', status: 200, body: { 'hub.challenge': 'c' } });
  });

  it('WHOOP: a sleep event makes sleep and recovery stale; a missing secret refuses everything', () => {
    const body = JSON.stringify({ user_id: 5, id: 'u-1', type: 'sleep.updated' });
    const sig = createHmac('sha256', 'cs').update(`${NOW}${body}`).digest('base64');
    const signed = post(body, { 'x-whoop-signature': sig, 'x-whoop-signature-timestamp': String(NOW) });
    expect(whoopWebhook(signed, 'cs', NOW)).toEqual({
      kind: 'events',
      events: [{ providerUserId: '5', kind: 'data', changed: ['sleep', 'recovery'], objectId: 'u-1' }],
      authenticated: true,
    });
    expect(whoopWebhook(signed, undefined, NOW)).toMatchObject({ kind: 'rejected' });
    expect(whoopWebhook(signed, 'cs', NOW + 600_000)).toMatchObject({ kind: 'rejected', reason: 'whoop stale_timestamp' });
  });

  it('Garmin: summary types map to resources; lifecycle events; an optional URL secret', () => {
    expect(changedBy('activityDetails')).toEqual(['activities']);
    expect(changedBy('sleeps')).toEqual(['sleep', 'recovery']);
    expect(changedBy('bodyComps')).toEqual(['health_metrics', 'athlete']);
    expect(changedBy('dailies')).toEqual(['health_metrics', 'recovery']);
    const options = { apiBaseUrl: 'https://apis.garmin.com/wellness-api/rest' };
    const body = { deregistrations: [{ userId: 'g1' }], userPermissionsChange: [{ userId: 'g2', permissions: [] }] };
    const result = garminWebhook(post(body), options);
    // Without a configured secret nothing authenticates a delivery.
    expect(result).toMatchObject({
      kind: 'events',
      events: [
        { providerUserId: 'g1', kind: 'deauthorized' },
        { providerUserId: 'g2', kind: 'data' },
      ],
      authenticated: false,
    });
    expect(garminWebhook(post(body), { ...options, secret: 's3' })).toMatchObject({ kind: 'rejected' });
    expect(garminWebhook(post(body, {}, { secret: 's3' }), { ...options, secret: 's3' })).toMatchObject({ kind: 'events', authenticated: true });
  });

  it('Terra: auth events change nothing, unknown types are acknowledged, deauth and access_revoked revoke', () => {
    const sign = (raw: string) => {
      const t = Math.floor(NOW / 1000);
      return { 'terra-signature': `t=${t},v1=${createHmac('sha256', 'ts').update(`${t}.${raw}`).digest('hex')}` };
    };
    const user = { user_id: 'tu1', provider: 'GARMIN', reference_id: 'r', last_webhook_update: null, scopes: null, active: true };
    for (const [payload, expected] of [
      [{ type: 'auth', status: 'success', user }, []],
      [{ type: 'healthcheck', status: 'success' }, []],
      [{ type: 'access_revoked', status: 'warning', user }, [{ providerUserId: 'tu1', kind: 'deauthorized', changed: [] }]],
    ] as const) {
      const raw = JSON.stringify(payload);
      expect(terraWebhook(post(raw, sign(raw)), 'ts', NOW)).toEqual({ kind: 'events', events: expected, authenticated: true });
    }
  });

  it('COROS: one event per pushed workout, acknowledged the COROS way', () => {
    const creds = { clientId: 'cid', clientSecret: 'cs' };
    const headers = { client: 'cid', secret: 'cs' };
    expect(corosWebhook(post({ sportDataList: 'nope' }, headers), creds)).toMatchObject({ kind: 'rejected' });
    expect(corosWebhook(post({}, headers), {})).toMatchObject({ kind: 'rejected' });
    expect(corosWebhook(post({}), creds)).toMatchObject({ kind: 'challenge', status: 200 });
  });
});
