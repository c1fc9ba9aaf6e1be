/**
 * The simulators' control API (/sim/<provider>/_sim/...), which tests use to add faults, script
 * consent, set rate limits and send webhooks: a malformed body answers 400 naming the problem,
 * never a 500, on every simulator and every action that takes a body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../local/app';

const SIMULATORS = ['strava', 'garmin', 'fitbit', 'whoop', 'coros', 'terra'];
const SHARED_ACTIONS = ['faults', 'consent', 'rate-limits', 'outage', 'webhooks'];
const NOT_JSON = ['{"kind":', 'not json', '\u0000', '[1,'];
const WRONG_SHAPE: Record<string, unknown[]> = {
  faults: ['x', [], null, { kind: 'nope' }, { kind: 'status', status: 200 }, { kind: 'latency', ms: -1 }],
  consent: ['x', 42, { approve: 'yes' }],
  'rate-limits': ['x', [1], { '15min': -1 }, { '15min': 'ten' }],
  outage: ['x', {}, { down: 'yes' }],
  webhooks: ['x', {}, { target: 'not a url', event: {} }, { target: 42 }],
  'empty-pages': ['x', { count: -1 }, { count: 1000 }],
  'quota-answer': ['x', { retry_after: 'soon' }],
};

describe('simulator control routes refuse malformed bodies with 400', () => {
  let server: LocalServer;
  const control = (provider: string, action: string, body: string) =>
    fetch(`${server.url}/sim/${provider}/_sim/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const expect400 = async (res: Response, label: string) => {
    const text = await res.text();
    expect(res.status, `${label}: ${text}`).toBe(400);
    expect(typeof JSON.parse(text).message, label).toBe('string');
    expect(text, label).not.toMatch(/\n\s+at /); // no stack trace
  };

  beforeAll(async () => {
    server = await startLocalServer();
  });
  afterAll(() => server.close());

  it.each(SIMULATORS)('%s: a body that is not JSON', async (provider) => {
    for (const action of [...SHARED_ACTIONS, ...(provider === 'fitbit' ? ['empty-pages', 'quota-answer'] : [])]) {
      for (const body of NOT_JSON) {
        const res = await control(provider, action, body);
        await expect400(res, `${provider} ${action} ${JSON.stringify(body)}`);
        if (body === '{"kind":') expect(await (await control(provider, action, body)).json()).toEqual({ message: 'the body is not JSON' });
      }
    }
  });

  it.each(SIMULATORS)('%s: JSON of the wrong shape, with the problem named', async (provider) => {
    for (const action of [...SHARED_ACTIONS, ...(provider === 'fitbit' ? ['empty-pages', 'quota-answer'] : [])]) {
      for (const body of WRONG_SHAPE[action]!)
        await expect400(await control(provider, action, JSON.stringify(body)), `${provider} ${action} ${JSON.stringify(body)}`);
    }
    const res = await control(provider, 'faults', JSON.stringify({ kind: 'status', status: 200 }));
    expect((await res.json()).message).toMatch(/^invalid body at status: /);
  });

  it.each(['coros', 'fitbit', 'terra'])('%s: a webhook event of the wrong shape, before anything is sent', async (provider) => {
    const target = `${server.url}/webhooks/${provider}`;
    for (const event of ['x', 42, [1, 2]]) {
      const res = await control(provider, 'webhooks', JSON.stringify({ target, event }));
      await expect400(res, `${provider} ${JSON.stringify(event)}`);
    }
  });

  it('still applies a well-formed body', async () => {
    const res = await control('strava', 'faults', JSON.stringify({ kind: 'status', status: 503 }));
    expect(res.status).toBe(204);
    expect((await fetch(`${server.url}/sim/strava/_sim/faults`, { method: 'DELETE' })).status).toBe(204);
  });
});
