/**
 * A person in a real browser: opens the authorization URL, sees the provider's consent page
 * (the local Strava simulator), decides, and lands on our callback.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { startClient, type Client } from '../support/provider-flow';

describe('consent in a browser', () => {
  let browser: Browser;
  let client: Client;

  beforeAll(async () => {
    browser = await launchChromium();
    client = await startClient({}, 'browser-user', 'tenant-b');
  });
  afterAll(async () => {
    await browser?.close();
    await client?.server.close();
  });

  async function consent(decide: (page: import('playwright-core').Page) => Promise<void>) {
    const connect = await (await client.api('/connect/strava')).json();
    const page = await browser.newPage();
    await page.goto(connect.authorization_url);
    await page.locator('#allow').waitFor({ state: 'visible' });
    expect(await page.title()).toContain('Strava');
    await decide(page);
    await page.waitForURL(/\/callback\/strava/);
    // A browser ends on a page in words (an API client asking for JSON gets the JSON answer).
    const text = await page.locator('body').innerText();
    await page.close();
    return text;
  }

  it('connects when the user authorizes', async () => {
    expect(await consent((page) => page.click('#allow'))).toContain('Your Strava account is connected.');
    const status = await (await client.api('/connections')).json();
    expect(status.providers.strava.connected).toBe(true);
    expect(status.providers.strava.scopes).toContain('activity:read_all');
  });

  it('refuses the connection when the user unticks a required scope', async () => {
    await client.api('/connections/strava', { method: 'DELETE' });
    const text = await consent(async (page) => {
      await page.uncheck('input[value="activity:read_all"]');
      await page.click('#allow');
    });
    expect(text).toContain('Strava could not be connected');
    expect(text).toContain('activity:read_all');
    const status = await (await client.api('/connections')).json();
    expect(status.providers.strava.connected).toBe(false);
  });

  it('reports access_denied when the user cancels', async () => {
    expect(await consent((page) => page.click('#deny'))).toContain('The authorization at Strava was refused, so nothing was connected.');
  });

  it.each([
    ['strava', 'Strava'],
    ['fitbit', 'Google'],
    ['garmin', 'Garmin'],
  ])("%s's consent page is usable on a phone: no zoomed-out page, no sideways scrolling, touch-sized buttons", async (provider, title) => {
    const connect = await (await client.api(`/connect/${provider}`)).json();
    const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await phone.newPage();
    await page.goto(connect.authorization_url);
    await page.locator('#allow').waitFor({ state: 'visible' });
    expect(await page.title()).toContain(title);
    expect(await page.locator('meta[name="viewport"]').getAttribute('content')).toContain('width=device-width');
    // Without a viewport a phone lays the page out 980 px wide and shrinks it.
    expect(await page.evaluate(() => window.innerWidth)).toBe(360);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    for (const id of ['#allow', '#deny']) expect((await page.locator(id).boundingBox())!.height).toBeGreaterThanOrEqual(44);
    await phone.close();
  });
});
