/**
 * The page's data views in Debian's Chromium, at 1280x800 and on a phone, for a user with
 * Strava and Fitbit connected: activities with their time of day, one opened with its splits,
 * more on demand, a date range, sleep by stage and recovery trends with their values written
 * on the charts, skeletons while loading and a retry after a failure.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_USER } from '../../local/app';
import { launchChromium } from '../support/browser';
import { startClient, type Client } from '../support/provider-flow';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
mkdirSync(ARTIFACTS, { recursive: true });

const VIEWPORTS = [
  ['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }],
] as const;

/** Every element matched renders on one line (a value broken across lines shows as several client rects). */
const wrapped = (page: Page, selector: string) =>
  page
    .locator(selector)
    .evaluateAll((nodes) => nodes.filter((n) => n.getClientRects().length > 1 || n.getBoundingClientRect().height > 30).map((n) => n.textContent));

describe.each(VIEWPORTS)('the page at %s size', (label, viewport) => {
  let browser: Browser;
  let client: Client;
  let page: Page;
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `views-${name}-${label}.png`) });
  const inFirstScreen = async (selector: string) => {
    const box = (await page.locator(selector).first().boundingBox())!;
    return box.y >= 0 && box.y + Math.min(box.height, 40) <= viewport.height;
  };

  beforeAll(async () => {
    browser = await launchChromium();
    client = await startClient({}, DEV_USER.user, DEV_USER.tenant);
    for (const provider of ['strava', 'fitbit']) expect((await client.connect(provider)).status).toBe(200);
    const context = await browser.newContext({ viewport, ...(label === 'phone' && { deviceScaleFactor: 2, isMobile: true, hasTouch: true }) });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await client?.server.close();
  });

  async function open(path = '/'): Promise<void> {
    await page.goto(`${client.server.url}${path}`);
    await page.locator('body[data-ready="true"]').waitFor();
  }

  it('shows who it acts for, and activities with their time of day in the first screen', async () => {
    await open();
    expect(await page.locator('#identity').innerText()).toBe(`Connecting for ${DEV_USER.user}@${DEV_USER.tenant}`);
    expect(await inFirstScreen('#identity')).toBe(true);
    expect(await inFirstScreen('li.activity')).toBe(true);
    expect(await inFirstScreen('#chart svg')).toBe(true);
    const times = await page.locator('li.activity time').allInnerTexts();
    for (const time of times) expect(time).toMatch(/^\w{3} \d{1,2} \w{3}, \d\d:\d\d$/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
    expect(await wrapped(page, 'li.activity .value, li.activity time, li.provider .badge, li.provider h3')).toEqual([]);
    // The chart names its axes and writes its values.
    expect(await page.locator('#chart svg .axis-title').allTextContents()).toEqual(['km per week', 'week starting']);
    expect(await page.locator('#chart svg text.value').count()).toBeGreaterThan(0);
    await shot('activities');
  });

  it('opens an activity: heart rate, pace, source and its splits', async () => {
    await page.locator('li.activity[data-provider="fitbit"] button').first().click();
    const dialog = page.locator('dialog#detail');
    await dialog.locator('table.laps').waitFor();
    const facts = Object.fromEntries(
      await dialog.locator('dl.facts > div').evaluateAll((rows) => rows.map((r) => [r.querySelector('dt')!.textContent, r.querySelector('dd')!.textContent])),
    );
    expect(facts['Source']).toBe('Fitbit (Google Health)');
    expect(facts['Started']).toMatch(/\d\d:\d\d$/);
    expect(facts['Heart rate']).toMatch(/^\d+ bpm avg/);
    expect(await dialog.locator('table.laps tbody tr').count()).toBeGreaterThan(0);
    const [distance, time, pace] = await dialog.locator('table.laps tbody tr').first().locator('td').allInnerTexts();
    expect(distance).toMatch(/ km$| m$/);
    expect(time).toMatch(/^\d+:\d\d$/);
    expect(pace).toMatch(/^\d+:\d\d \/km$/);
    await shot('detail');
    await page.keyboard.press('Escape');
    await page.locator('li.activity[data-provider="strava"] button').first().click();
    await expect.poll(() => dialog.locator('#detail-laps').innerText()).toBe('Strava does not record splits.');
    await dialog.getByRole('button', { name: 'Close' }).click();
    expect(await dialog.evaluate((d) => (d as HTMLDialogElement).open)).toBe(false);
  });

  it('shows more on demand, and only the chosen date range', async () => {
    const before = await page.locator('li.activity').count();
    expect(before).toBe(20);
    await page.getByRole('button', { name: 'Show more' }).click();
    await expect.poll(() => page.locator('li.activity').count()).toBeGreaterThan(before);
    const to = await page.locator('#range-to').inputValue();
    const from = new Date(Date.parse(to) - 6 * 86_400_000).toISOString().slice(0, 10);
    await page.locator('#range-from').fill(from);
    await page.locator('#range-from').dispatchEvent('change');
    await page.locator('#activities[aria-busy="false"]').waitFor();
    const starts = await page.locator('li.activity time').evaluateAll((times) => times.map((t) => t.getAttribute('datetime')!));
    expect(starts.length).toBeGreaterThan(0);
    for (const start of starts) expect(start >= from).toBe(true);
  });

  it('shows sleep as stacked stages per night, each night with its time asleep written beside it', async () => {
    await open();
    await page.getByRole('tab', { name: 'Sleep' }).click();
    const chart = page.locator('#view-sleep svg.chart');
    await chart.waitFor();
    const nights = chart.locator('g.night');
    expect(await nights.count()).toBeGreaterThan(20);
    const stages = await nights
      .first()
      .locator('rect')
      .evaluateAll((rects) => rects.map((r) => r.getAttribute('data-stage')));
    expect(stages).toEqual(expect.arrayContaining(['deep', 'light', 'rem']));
    expect(await nights.first().locator('text.value').textContent()).toMatch(/^\d+ h \d\d min$/);
    expect(await chart.locator('.axis-title').textContent()).toBe('hours in bed');
    expect(await inFirstScreen('#view-sleep g.night')).toBe(true);
    expect(await wrapped(page, '#view-sleep .summary .value')).toEqual([]);
    await shot('sleep');
  });

  it('shows resting heart rate and HRV trends with labelled axes and values', async () => {
    await page.getByRole('tab', { name: 'Recovery' }).click();
    for (const id of ['resting-hr', 'hrv']) {
      const chart = page.locator(`svg[aria-labelledby^="${id}-title"]`);
      await chart.waitFor();
      expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThan(20);
      expect(await chart.locator('text.value').count()).toBeGreaterThan(3);
      expect(await chart.locator('.axis-title').allTextContents()).toEqual([id === 'hrv' ? 'ms' : 'bpm', 'day']);
    }
    expect(await inFirstScreen('#view-recovery svg')).toBe(true);
    await shot('recovery');
  });

  it('shows skeletons while loading, and a retry that works after a failure', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let failSleepOnce = true;
    await page.route(/\/activities\?/, async (route) => {
      await held;
      await route.continue();
    });
    await page.route(/\/sleep\?/, async (route) => {
      if (!failSleepOnce) return route.continue();
      failSleepOnce = false;
      return route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'provider_unavailable', message: 'Fitbit is not answering' } }),
      });
    });
    await page.goto(client.server.url);
    await page.locator('#activities li.skeleton').first().waitFor();
    release();
    await page.locator('body[data-ready="true"]').waitFor();
    expect(await page.locator('#activities li.skeleton').count()).toBe(0);
    await page.getByRole('tab', { name: 'Sleep' }).click();
    const failed = page.locator('#view-sleep .load-failed');
    await failed.waitFor();
    expect(await failed.innerText()).toContain('Fitbit is not answering');
    await failed.getByRole('button', { name: 'Try again' }).click();
    await page.locator('#view-sleep svg.chart').waitFor();
    await page.unrouteAll();
  });
});
