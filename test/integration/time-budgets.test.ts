/**
 * Time budgets: a provider slower than its own timeout or than the invocation's remaining time
 * ends as 504 provider_timeout (never the function's own 500), provider=all answers with the
 * sources that made it, and merged pages are bounded.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as data } from '../../functions/data';
import { lambdaContext } from '../../local/handlers';
import { apiEvent } from '../support/events';
import { startClient, type Client } from '../support/provider-flow';

const USER = 'budget-user';
const TENANT = 'tenant-t';

describe('time budgets', () => {
  let client: Client;

  beforeAll(async () => {
    client = await startClient({ env: { PIERRE_WHOOP_TIMEOUT_SECS: '1', PIERRE_WHOOP_MAX_RETRIES: '1' } }, USER, TENANT);
    for (const provider of ['strava', 'whoop']) expect((await client.connect(provider)).status).toBe(200);
  });
  afterAll(() => client.server.close());

  it('answers 504 provider_timeout when a provider exceeds PIERRE_<P>_TIMEOUT_SECS', async () => {
    // A timeout is retried (PIERRE_WHOOP_MAX_RETRIES=1 here): both attempts are too slow.
    await client.control('whoop', 'faults', { kind: 'latency', ms: 1_600, count: 2 });
    const answer = await client.api('/activities?provider=whoop');
    expect(answer.status).toBe(504);
    expect((await answer.json()).error.code).toBe('provider_timeout');
    await client.resetResilience();
  });

  it('stops a provider call before the invocation runs out, and provider=all keeps the sources that answered', async () => {
    await client.control('strava', 'faults', { kind: 'latency', ms: 1_600 });
    const event = apiEvent({
      path: '/activities',
      query: { provider: 'all', limit: '5' },
      claims: { sub: USER, tenant_id: TENANT },
      headers: { 'cache-control': 'no-store' },
    });
    const started = Date.now();
    // The function has 1.2 s left: the provider call must give up first, leaving time to answer.
    const result = (await data(event, lambdaContext('data', 'req-budget', 1_200))) as APIGatewayProxyStructuredResultV2;
    expect(Date.now() - started).toBeLessThan(1_200);
    expect(result.statusCode).toBe(200);
    const body = JSON.parse(result.body!);
    expect(body.sources.strava).toMatchObject({ status: 'error', code: 'provider_timeout' });
    expect(body.sources.whoop).toMatchObject({ status: 'ok' });
    expect(body.sources.synthetic).toMatchObject({ status: 'ok' });
  });

  it('bounds merged pages and points to before', async () => {
    const answer = await client.api('/activities?provider=all&offset=10000&limit=200');
    expect(answer.status).toBe(400);
    const { error } = await answer.json();
    expect(error.message).toContain('at most 400');
    expect(error.message).toContain('before=');
  });

  it('stops start-up on an invalid PIERRE_<P>_TIMEOUT_SECS or provider setting, naming it', async () => {
    await expect(startClient({ simulators: false, env: { PIERRE_STRAVA_TIMEOUT_SECS: 'soon' } })).rejects.toThrow(/PIERRE_STRAVA_TIMEOUT_SECS/);
    await expect(startClient({ simulators: false, env: { PIERRE_COROS_WINDOW_DAYS: '45' } })).rejects.toThrow(/PIERRE_COROS_WINDOW_DAYS/);
    await expect(startClient({ simulators: false, env: { PIERRE_GARMIN_WINDOW_CONCURRENCY: '0' } })).rejects.toThrow(/PIERRE_GARMIN_WINDOW_CONCURRENCY/);
  });
});
