/**
 * The connections page in Debian's Chromium, against the local server and its simulators:
 * a person lists providers, connects Strava through its consent page, sees its activities,
 * disconnects, declines, and uses the page on a phone-sized screen and with the keyboard.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../local/app';
import { launchChromium } from '../support/browser';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
mkdirSync(ARTIFACTS, { recursive: true });
const shot = (page: Page, name: string, clip?: { x: number; y: number; width: number; height: number }) =>
  page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true, ...(clip && { clip }) });

const card = (page: Page, provider: string) => page.locator(`li.provider[data-provider="${provider}"]`);

async function openPage(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator('body[data-ready="true"]').waitFor();
}

/** Connect Strava from the page and decide on the simulator's consent page. */
async function connectStrava(page: Page, decide: (consent: Page) => Promise<void>): Promise<void> {
  await page.getByRole('button', { name: 'Connect Strava' }).click();
  await page.locator('#allow').waitFor();
  expect(await page.title()).toContain('Strava');
  await decide(page);
  await page.locator('body[data-ready="true"]').waitFor();
}

/** A closed loopback port: whatever is sent there is refused, as by a provider that is down. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe('connections page in a browser', () => {
  let browser: Browser;
  let server: LocalServer;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startLocalServer({});
    context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lists every registered provider with its status and capabilities (health only when wrong), and the demo data', async () => {
    await openPage(page, server.url);
    const names = server.container.registry.descriptors().map((d) => d.name);
    expect(await page.locator('li.provider').evaluateAll((items) => items.map((i) => i.getAttribute('data-provider')))).toEqual(names);
    const strava = card(page, 'strava');
    await expect.poll(() => strava.locator('h3').innerText()).toBe('Strava');
    expect(await strava.locator('[data-field="status"]').innerText()).toBe('Not connected');
    expect(await strava.locator('[data-field="health"]').count()).toBe(0); // reachable: nothing to say
    expect(await strava.locator('ul.capabilities li').allTextContents()).toEqual(['Activities']);
    // The synthetic provider needs no account: its activities are there from the start.
    expect(await page.locator('li.activity[data-provider="synthetic"]').count()).toBeGreaterThan(0);
    expect(await page.locator('li.activity[data-provider="strava"]').count()).toBe(0);
    const bars = page.locator('#chart svg rect.bar');
    expect(await bars.count()).toBeGreaterThanOrEqual(4); // the weeks of the default 28-day range
    const values = await bars.evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('data-value'))));
    expect(values.some((v) => v > 0)).toBe(true);
    expect(await page.locator('#chart svg').getAttribute('role')).toBe('img');
    await shot(page, 'page-initial');
  });

  it('connects Strava through the consent page, then shows it connected with its activities', async () => {
    await connectStrava(page, (consent) => consent.click('#allow'));
    expect(new URL(page.url()).search).toBe(''); // the outcome was read and removed from the address bar
    await expect.poll(() => page.locator('#notice').innerText()).toBe('Strava is connected.');
    expect(await card(page, 'strava').locator('[data-field="status"]').innerText()).toBe('Connected');
    const stravaActivities = page.locator('li.activity[data-provider="strava"]');
    await stravaActivities.first().waitFor();
    expect(await stravaActivities.first().locator('.source').innerText()).toBe('Strava');
    // Demo data stays apart once a real provider is connected: off, one toggle away.
    expect(await page.locator('li.activity[data-provider="synthetic"]').count()).toBe(0);
    await page.getByLabel('Show demo data').check();
    await expect.poll(() => page.locator('li.activity[data-provider="synthetic"]').count()).toBeGreaterThan(0);
    await page.getByLabel('Show demo data').uncheck();
    expect(await page.locator('li.activity[data-provider="synthetic"]').count()).toBe(0);
    // Merged newest first across providers, each with its source badge.
    const starts = await page.locator('li.activity time').evaluateAll((times) => times.map((t) => t.getAttribute('datetime')!));
    expect([...starts].sort().reverse()).toEqual(starts);
    await shot(page, 'page-connected');
    await shot(page, 'page-connected-top', { x: 0, y: 0, width: 1100, height: 1650 }); // docs/connections-page.png is one of these
  });

  it('switches the chart between distance and duration with the keyboard', async () => {
    await page.getByLabel('Duration').focus();
    await page.keyboard.press('Space');
    expect(await page.locator('#chart svg').getAttribute('data-metric')).toBe('duration');
    expect(await page.locator('#chart svg title#week-chart-title').textContent()).toMatch(/^Duration per week, \d+ weeks$/);
    await page.getByLabel('Distance').check();
    expect(await page.locator('#chart svg').getAttribute('data-metric')).toBe('distance');
  });

  it('disconnects Strava from the keyboard and keeps the focus on its card', async () => {
    await page.getByRole('button', { name: 'Disconnect Strava' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#notice').innerText()).toBe('Strava is disconnected.');
    expect(await card(page, 'strava').locator('[data-field="status"]').innerText()).toBe('Not connected');
    await expect.poll(() => page.locator('li.activity[data-provider="strava"]').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Connect Strava');
    const status = await (
      await fetch(`${server.url}/connections`, { headers: { authorization: `Bearer ${await server.issueToken('alice', 'acme')}` } })
    ).json();
    expect(status.providers.strava.status).toBe('disconnected');
  });

  it('says so when the user declines at Strava', async () => {
    await connectStrava(page, (consent) => consent.click('#deny'));
    await expect.poll(() => page.locator('#alert').innerText()).toBe('You declined access at Strava, so it was not connected. Nothing was stored.');
    expect(await card(page, 'strava').locator('[data-field="status"]').innerText()).toBe('Not connected');
    await shot(page, 'page-declined');
  });

  it('says so when a required permission was unticked', async () => {
    await connectStrava(page, async (consent) => {
      await consent.uncheck('input[value="activity:read_all"]');
      await consent.click('#allow');
    });
    await expect.poll(() => page.locator('#alert').innerText()).toContain('a permission it needs was unticked');
    expect(await card(page, 'strava').locator('[data-field="status"]').innerText()).toBe('Not connected');
  });

  it('fits a phone-sized screen without sideways scrolling, with touch-sized buttons', async () => {
    const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const small = await phone.newPage();
    await openPage(small, server.url);
    expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const widths = await small.locator('li.provider').evaluateAll((items) => items.map((i) => i.getBoundingClientRect().width));
    for (const width of widths) expect(width).toBeLessThanOrEqual(360);
    const heights = await small.locator('li.provider button').evaluateAll((buttons) => buttons.map((b) => b.getBoundingClientRect().height));
    for (const height of heights) expect(height).toBeGreaterThanOrEqual(36);
    await shot(small, 'page-phone');
    await phone.close();
  });

  it('is reachable from the keyboard alone: Tab reaches Connect Strava and Enter opens the consent page', async () => {
    const keyboard = await context.newPage();
    await openPage(keyboard, server.url);
    let label: string | null = null;
    for (let i = 0; i < 30 && label !== 'Connect Strava'; i++) {
      await keyboard.keyboard.press('Tab');
      label = await keyboard.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? null);
    }
    expect(label).toBe('Connect Strava');
    await keyboard.keyboard.press('Enter');
    await keyboard.locator('#allow').waitFor();
    await keyboard.close();
  });
});

describe('connections page when the provider is down', () => {
  let browser: Browser;
  let server: LocalServer;

  beforeAll(async () => {
    browser = await launchChromium();
    const dead = await deadUrl();
    // Consent still works (the simulator's page); the token endpoint and the API do not answer.
    server = await startLocalServer({ env: { PIERRE_STRAVA_TOKEN_URL: `${dead}/oauth/token`, PIERRE_STRAVA_API_BASE_URL: `${dead}/api/v3` } });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows Strava unreachable, and a readable message after consent', async () => {
    const page = await browser.newPage();
    await openPage(page, server.url);
    expect(await card(page, 'strava').locator('[data-field="health"]').innerText()).toBe('Unreachable');
    await connectStrava(page, (consent) => consent.click('#allow'));
    await expect.poll(() => page.locator('#alert').innerText()).toBe('Strava could not be reached, so it was not connected. Try again in a few minutes.');
    expect(await card(page, 'strava').locator('[data-field="status"]').innerText()).toBe('Not connected');
    await shot(page, 'page-provider-down');
  });
});

describe('connections page embedded in an application (token hand-off)', () => {
  let browser: Browser;
  let server: LocalServer;
  let embedder: Server;
  let embedderUrl: string;
  let token: string;

  beforeAll(async () => {
    browser = await launchChromium();
    // The embedding application: another origin that frames the page and answers its ready message.
    embedder = createServer((req, res) => {
      const target = new URL(req.url ?? '/', 'http://embedder').searchParams.get('target') ?? '';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>App</title><iframe id="pierre" title="Connections" src="${target}" width="900" height="700"></iframe>
<script>
  addEventListener('message', (event) => {
    if (event.data && event.data.type === 'pierre:ready') event.source.postMessage({ type: 'pierre:token', token: window.TOKEN }, event.origin);
  });
</script>`);
    });
    await new Promise<void>((resolve) => embedder.listen(0, '127.0.0.1', resolve));
    embedderUrl = `http://127.0.0.1:${(embedder.address() as AddressInfo).port}`;
    // As on AWS: no dev tokens; the embedding origin is listed.
    server = await startLocalServer({ env: { PIERRE_WEB_DEV_TOKENS: 'false', PIERRE_ALLOWED_RETURN_ORIGINS: embedderUrl } });
    token = await server.issueToken('embedded-user', 'tenant-e');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await new Promise<void>((resolve) => embedder.close(() => resolve()));
  });

  it('takes the token from the URL fragment, removes it from the address bar and keeps it in this tab only', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await openPage(page, `${server.url}/#token=${token}`);
    expect(await page.locator('li.provider').count()).toBe(server.container.registry.descriptors().length);
    expect(new URL(page.url()).hash).toBe('');
    expect(await page.evaluate(() => sessionStorage.getItem('pierre.token'))).toBe(token);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    // A new tab of the same browser has no token: it waits for its application.
    const other = await context.newPage();
    await other.goto(server.url);
    expect(await other.evaluate(() => sessionStorage.getItem('pierre.token'))).toBeNull();
    expect(await other.locator('li.provider').count()).toBe(0);
    await context.close();
  });

  it('shows who it connects for, from the token it holds', async () => {
    const page = await browser.newPage();
    await openPage(page, `${server.url}/#token=${token}`);
    expect(await page.locator('#identity').innerText()).toBe('Connecting for embedded-user@tenant-e');
    await page.close();
  });

  describe("a link carrying someone else's token", () => {
    let mallory: string;
    beforeAll(async () => {
      mallory = await server.issueToken('mallory', 'tenant-m');
    });

    /** A tab that holds the embedded user's token, recording the bearer token of every API call. */
    async function heldTab() {
      const context = await browser.newContext();
      const page = await context.newPage();
      const bearers: string[] = [];
      page.on('request', (request) => {
        const authorization = request.headers()['authorization'];
        if (authorization) bearers.push(authorization.replace(/^Bearer /, ''));
      });
      await openPage(page, `${server.url}/#token=${token}`);
      return { context, page, bearers };
    }
    const question = (page: Page) => page.getByRole('alertdialog');

    it('does not replace the held token: it asks, and staying keeps it', async () => {
      const { context, page, bearers } = await heldTab();
      await openPage(page, `${server.url}/?from=mail#token=${mallory}`);
      await question(page).waitFor();
      expect(await page.locator('#switch-question').innerText()).toBe('This link signs you in as mallory@tenant-m; you are embedded-user@tenant-e. Switch?');
      expect(new URL(page.url()).hash).toBe('');
      expect(await page.locator('#identity').innerText()).toBe('Connecting for embedded-user@tenant-e');
      expect(await page.evaluate(() => sessionStorage.getItem('pierre.token'))).toBe(token);
      // The page loaded with the held token only, and the safe choice has the focus.
      expect(bearers.length).toBeGreaterThan(0);
      expect(new Set(bearers)).toEqual(new Set([token]));
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Stay as embedded-user@tenant-e');
      await shot(page, 'page-switch-question');

      await page.getByRole('button', { name: 'Stay as embedded-user@tenant-e' }).click();
      expect(await question(page).count()).toBe(0);
      expect(await page.locator('#notice').innerText()).toBe('You are still connecting for embedded-user@tenant-e.');
      // Connect asks the API with the held token.
      const before = bearers.length;
      await page.getByRole('button', { name: 'Connect Strava' }).click();
      await page.locator('#allow').waitFor();
      expect(bearers.slice(before)).toEqual([token]);
      await context.close();
    });

    it('switches only when the person says so', async () => {
      const { context, page, bearers } = await heldTab();
      // The link arrives while the page is open (same document, only the fragment changes).
      await page.evaluate((t) => {
        location.hash = `token=${t}`;
      }, mallory);
      await question(page).waitFor();
      expect(await page.evaluate(() => sessionStorage.getItem('pierre.token'))).toBe(token);
      const before = bearers.length;
      await page.getByRole('button', { name: 'Switch to mallory@tenant-m' }).click();
      await page.locator('#notice', { hasText: 'You are now connecting for mallory@tenant-m.' }).waitFor();
      expect(await page.locator('#identity').innerText()).toBe('Connecting for mallory@tenant-m');
      expect(await page.evaluate(() => sessionStorage.getItem('pierre.token'))).toBe(mallory);
      await page.locator('#providers[aria-busy="false"]').waitFor();
      await expect.poll(() => bearers.slice(before)).toContain(mallory);
      expect(bearers.slice(before)).not.toContain(token);
      await context.close();
    });

    it('takes a new token of the same person without asking', async () => {
      const { context, page } = await heldTab();
      const fresh = await server.issueToken('embedded-user', 'tenant-e', 3600);
      expect(fresh).not.toBe(token);
      await openPage(page, `${server.url}/?again=1#token=${fresh}`);
      expect(await question(page).count()).toBe(0);
      expect(await page.evaluate(() => sessionStorage.getItem('pierre.token'))).toBe(fresh);
      await context.close();
    });
  });

  it('takes the token by postMessage from a listed embedding origin', async () => {
    const page = await browser.newPage();
    await page.addInitScript((t) => Object.assign(window, { TOKEN: t }), token);
    await page.goto(`${embedderUrl}/?target=${encodeURIComponent(`${server.url}/`)}`);
    const frame = page.frameLocator('#pierre');
    await frame.locator('body[data-ready="true"]').waitFor();
    expect(await frame.locator('li.provider').count()).toBe(server.container.registry.descriptors().length);
    await shot(page, 'page-embedded');
    await page.close();
  });

  it('ignores a token posted from an origin that is not listed', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    // The page itself is same-origin but not its embedder: a message from it is not a hand-off.
    await page.evaluate(
      (t) =>
        new Promise((resolve) => {
          // Messages from one source arrive in order: once 'done' is here, the token was seen.
          addEventListener('message', (event) => event.data === 'done' && resolve(null));
          postMessage({ type: 'pierre:token', token: t }, '*');
          postMessage('done', '*');
        }),
      token,
    );
    expect(await page.evaluate(() => sessionStorage.getItem('pierre.token'))).toBeNull();
    expect(await page.locator('li.provider').count()).toBe(0);
    expect(await page.locator('#notice').innerText()).toContain('Waiting for your application');
    await page.close();
  });
});
