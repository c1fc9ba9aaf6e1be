/** The Garmin client against an in-memory fake of the Wellness API: OAuth extras and upload-window paging. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Activity } from '../../../shared/models';
import { GarminProvider } from '../../../shared/providers/garmin/client';
import type { ProviderConfig } from '../../../shared/providers/spi';

const BASE = 'https://garmin.test/wellness-api/rest';
const NOW = Date.UTC(2024, 10, 27, 12, 0, 0);
const NOW_SECS = NOW / 1000;
const DAY = 86_400;

interface Upload {
  uploadAt: number;
  summary: Record<string, unknown>;
}

function fakeGarmin(uploads: Upload[]) {
  const calls: { method: string; url: URL; body?: string }[] = [];
  const fetch = async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(String(input));
    calls.push({ method: init.method ?? 'GET', url, body: typeof init.body === 'string' ? init.body : undefined });
    const send = (status: number, body: unknown) => new Response(body === undefined ? null : JSON.stringify(body), { status });
    if (url.pathname.endsWith('/oauth/token')) {
      return send(200, { access_token: 'at-1', refresh_token: 'rt-1', expires_in: 86399, token_type: 'bearer', scope: 'PARTNER_READ CONNECT_READ', jti: 'j' });
    }
    if (url.pathname.endsWith('/user/id')) return send(200, { userId: 'garmin-user-1' });
    if (url.pathname.endsWith('/user/permissions')) return send(200, ['ACTIVITY_EXPORT', 'HEALTH_EXPORT']);
    if (url.pathname.endsWith('/user/registration')) return send(204, undefined);
    if (url.pathname.endsWith('/activities')) {
      const start = Number(url.searchParams.get('uploadStartTimeInSeconds'));
      const end = Number(url.searchParams.get('uploadEndTimeInSeconds'));
      if (!(end > start) || end - start > DAY) return send(400, { errorMessage: 'timestamp range of 86400 seconds exceeded' });
      return send(
        200,
        uploads
          .filter((u) => u.uploadAt >= start && u.uploadAt < end)
          .sort((a, b) => a.uploadAt - b.uploadAt)
          .map((u) => u.summary),
      );
    }
    return send(404, { errorMessage: 'not found' });
  };
  return { calls, fetch: fetch as typeof globalThis.fetch };
}

function provider(fetch: typeof globalThis.fetch, settings: Record<string, string> = {}) {
  const config: ProviderConfig = {
    name: 'garmin',
    clientId: 'cid',
    clientSecret: 'secret',
    authUrl: 'https://connect.garmin.test/oauth2Confirm',
    tokenUrl: 'https://diauth.garmin.test/di-oauth2-service/oauth/token',
    revokeUrl: `${BASE}/user/registration`,
    apiBaseUrl: BASE,
    scopes: ['ACTIVITY_EXPORT', 'HEALTH_EXPORT'],
    redirectUri: undefined,
    configured: true,
    settings,
  };
  return new GarminProvider(config, { fetch, now: () => NOW });
}

const session = { tenantId: 't', userId: 'u', accessToken: 'at-1' };

function summary(id: string, start: number, extra: Record<string, unknown> = {}) {
  return {
    summaryId: id,
    activityId: Number(id.replace(/\D/g, '')) || 1,
    activityType: 'RUNNING',
    startTimeInSeconds: start,
    durationInSeconds: 1800,
    ...extra,
  };
}

describe('Garmin OAuth specifics', () => {
  it('sends no scope to the consent page but PKCE and the client id', async () => {
    const url = new URL(
      await provider(fakeGarmin([]).fetch).authorizationUrl({
        tenantId: 't',
        userId: 'u',
        state: 's',
        redirectUri: 'https://app.test/callback/garmin',
        scopes: ['ACTIVITY_EXPORT'],
        codeChallenge: 'c'.repeat(43),
      }),
    );
    expect(url.searchParams.has('scope')).toBe(false);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ client_id: 'cid', response_type: 'code', code_challenge_method: 'S256', state: 's' });
  });

  it('records the Garmin user id and the granted permissions as scopes after the exchange', async () => {
    const fake = fakeGarmin([]);
    const tokens = await provider(fake.fetch).exchangeCode({ query: { code: 'c', state: 's' }, redirectUri: 'https://app.test/cb', codeVerifier: 'v' });
    expect(tokens).toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-1', providerUserId: 'garmin-user-1', scopes: ['ACTIVITY_EXPORT', 'HEALTH_EXPORT'] });
    expect(tokens.expiresAt).toBe(NOW_SECS + 86399);
    const form = new URLSearchParams(fake.calls[0]!.body);
    expect(Object.fromEntries(form)).toMatchObject({ client_id: 'cid', client_secret: 'secret', code_verifier: 'v', grant_type: 'authorization_code' });
  });

  it('keeps the stored permissions on refresh (the token scope is not a permission list)', async () => {
    const tokens = await provider(fakeGarmin([]).fetch).refreshToken('rt-0');
    expect(tokens).toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-1', scopes: [] });
  });

  it('revokes by deleting the user registration', async () => {
    const fake = fakeGarmin([]);
    await provider(fake.fetch).revokeToken(session);
    expect(fake.calls.map((c) => `${c.method} ${c.url.pathname}`)).toEqual(['DELETE /wellness-api/rest/user/registration']);
  });
});

describe('Garmin activities over upload windows', () => {
  it('asks only for windows of at most 24 hours and stops once the page is certain', async () => {
    const uploads = Array.from({ length: 30 }, (_, i) => {
      const start = NOW_SECS - (i + 1) * DAY + 3600;
      return { uploadAt: start + 2400, summary: summary(`${1000 + i}`, start) };
    });
    const fake = fakeGarmin(uploads);
    const page = await provider(fake.fetch).getActivities(session, { limit: 3, offset: 0 });
    expect(page.map((a) => a.id)).toEqual(['1000', '1001', '1002']);
    expect(fake.calls.length).toBeLessThanOrEqual(4);
    for (const call of fake.calls) {
      const span = Number(call.url.searchParams.get('uploadEndTimeInSeconds')) - Number(call.url.searchParams.get('uploadStartTimeInSeconds'));
      expect(span).toBeLessThanOrEqual(DAY);
    }
  });

  it('keeps the latest upload of a summary that was uploaded twice', async () => {
    const start = NOW_SECS - 3 * DAY;
    const fake = fakeGarmin([
      { uploadAt: start + 2000, summary: summary('77', start, { activityName: 'First sync' }) },
      { uploadAt: start + 2 * DAY, summary: summary('77', start, { activityName: 'Renamed' }) },
    ]);
    const page = await provider(fake.fetch).getActivities(session, { limit: 10, offset: 0 });
    expect(page).toHaveLength(1);
    expect(page[0]!.name).toBe('Renamed');
  });

  it('finds one activity by scanning windows, and answers not_found after the horizon', async () => {
    const start = NOW_SECS - 5 * DAY;
    const fake = fakeGarmin([{ uploadAt: start + 1900, summary: summary('4242', start) }]);
    const garmin = provider(fake.fetch, { PULL_HORIZON_DAYS: '10' });
    expect((await garmin.getActivity(session, '4242')).id).toBe('4242');
    fake.calls.length = 0;
    await expect(garmin.getActivity(session, '999')).rejects.toMatchObject({ kind: 'not_found', provider: 'garmin' });
    expect(fake.calls).toHaveLength(10);
  });

  it('turns a body of the wrong shape into invalid_data', async () => {
    const fetch = (async () => new Response('{"activities":"nope"}', { status: 200 })) as unknown as typeof globalThis.fetch;
    await expect(provider(fetch).getActivities(session, { limit: 1, offset: 0 })).rejects.toMatchObject({ kind: 'invalid_data' });
  });

  it('answers limit/offset/before/after exactly like a sort-and-filter over all activities', async () => {
    const grace = 24 * 3600;
    const activityArb = fc.record({
      startAgo: fc.integer({ min: 60, max: 40 * DAY }),
      delay: fc.integer({ min: 60, max: grace - 60 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(activityArb, { maxLength: 40 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 10 }),
        fc.option(fc.integer({ min: 0, max: 45 * DAY }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 45 * DAY }), { nil: undefined }),
        async (items, limit, offset, beforeAgo, afterAgo) => {
          const uploads = items.map((item, i) => {
            const start = NOW_SECS - item.startAgo;
            return { uploadAt: Math.min(NOW_SECS - 1, start + item.delay), summary: summary(`${i + 1}`, start) };
          });
          const before = beforeAgo === undefined ? undefined : new Date((NOW_SECS - beforeAgo) * 1000);
          const after = afterAgo === undefined ? undefined : new Date((NOW_SECS - afterAgo) * 1000);
          if (before && after && after >= before) return;
          const got = await provider(fakeGarmin(uploads).fetch).getActivities(session, { limit, offset, before, after });
          const startOf = (a: Activity) => Date.parse(a.start_date);
          const expected = uploads
            .map((u) => ({ id: u.summary.summaryId as string, start: (u.summary.startTimeInSeconds as number) * 1000 }))
            .filter((a) => (!before || a.start < before.getTime()) && (!after || a.start > after.getTime()))
            .sort((a, b) => b.start - a.start || (a.id < b.id ? 1 : -1))
            .slice(offset, offset + limit)
            .map((a) => a.id);
          expect(got.map((a) => a.id)).toEqual(expected);
          for (let i = 1; i < got.length; i++) expect(startOf(got[i - 1]!)).toBeGreaterThanOrEqual(startOf(got[i]!));
        },
      ),
      { numRuns: 150 },
    );
  });
});
