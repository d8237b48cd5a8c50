/**
 * The dashboard in a real Chromium against the real built server in embedded mode: sign in
 * with the password the server printed, go live with moving figures, switch the charts'
 * time range, open Teams, notice the server going away, and — since a restarted embedded
 * server has a new admin password and no sessions — land on the sign-in page when it
 * returns, sign in again and be live again. No console error, no CSP violation throughout.
 *
 * Needs `npm run build` first (the server from dist/, the page from web/dist/) and Debian's
 * Chromium at /usr/bin/chromium. Screenshots go to a fresh temporary folder, printed below.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, PageGuard } from '../support/browser.js';
import { KeywatchProcess } from '../support/keywatch-process.js';
import { adminPassword, connectionState, navLabels, requireBuild, signIn, screenshotsIn } from './dashboard-page.js';

/** The headline events/s as a number, or NaN while it shows "—". */
async function headlineEvents(page: Page): Promise<number> {
  const text = (await page.getByTestId('headline-events').textContent()) ?? '';
  return Number(text.replace(/[^\d.]/g, '') || Number.NaN);
}

/** What a chart shows now: the newest second drawn and the canvas pixels. */
async function chartState(page: Page, testid: string): Promise<{ lastT: number; pixels: string }> {
  const chart = page.getByTestId(testid);
  const lastT = Number(await chart.getAttribute('data-last-t'));
  // (The root tsconfig has no DOM typings, hence the structural cast.)
  const pixels = await chart.locator('canvas').evaluate((canvas) => (canvas as unknown as { toDataURL(): string }).toDataURL());
  return { lastT, pixels };
}

describe('Dashboard in Chromium', () => {
  let browser: Browser | undefined;
  let server: KeywatchProcess | undefined;
  const screenshot = screenshotsIn('');

  beforeAll(async () => {
    requireBuild();
    browser = await launchChromium();
    server = await KeywatchProcess.start(); // no REDIS_URL: embedded mode with the simulator
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('signs in, goes live with moving figures, reconnects after a restart by signing in again', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 1000 } });
    const guard = await PageGuard.attach(page);
    const firstPassword = await adminPassword(server!);
    await page.goto(`${server!.origin}/`);

    // Not signed in: the sign-in page, and no socket yet.
    await page.getByTestId('sign-in-form').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('connection-state').count()).toBe(0);
    await screenshot(page, 'sign-in');
    await signIn(page, 'admin', firstPassword);
    expect(await navLabels(page)).toEqual(['Overview', 'Alerts', 'Teams', 'Collectors', 'Pipeline', 'Users', 'Audit']);

    await expect.poll(() => connectionState(page), { timeout: 15_000 }).toBe('live');
    expect(await page.getByTestId('connection-state').textContent()).toContain('Live');

    const banner = page.getByTestId('embedded-banner');
    expect(await banner.isVisible()).toBe(true);
    expect(await banner.textContent()).toContain('nothing is kept');

    await expect.poll(() => headlineEvents(page), { timeout: 15_000 }).toBeGreaterThan(0);

    // Both charts drew axes and legends, and keep moving.
    for (const testid of ['chart-volume', 'chart-redaction']) {
      expect(await page.getByTestId(testid).locator('canvas').count()).toBe(1);
      expect(await page.getByTestId(testid).locator('.u-legend').isVisible()).toBe(true);
    }
    const before = await chartState(page, 'chart-volume');
    await page.waitForTimeout(2_500);
    const after = await chartState(page, 'chart-volume');
    expect(after.lastT).toBeGreaterThan(before.lastT);
    expect(after.pixels).not.toBe(before.pixels);
    const redactionBefore = await chartState(page, 'chart-redaction');
    await page.waitForTimeout(1_500);
    expect((await chartState(page, 'chart-redaction')).lastT).toBeGreaterThan(redactionBefore.lastT);

    // The time range: 5 minutes by default, 1 and 15 on request, for both charts.
    const volume = page.getByTestId('chart-volume');
    expect(await page.getByTestId('range-300').getAttribute('aria-pressed')).toBe('true');
    expect(await volume.getAttribute('data-window')).toBe('300');
    const fiveMinutes = await chartState(page, 'chart-volume');
    await page.getByTestId('range-60').click();
    expect(await page.getByTestId('range-60').getAttribute('aria-pressed')).toBe('true');
    expect(await volume.getAttribute('data-window')).toBe('60');
    expect(await page.getByTestId('chart-redaction').getAttribute('data-window')).toBe('60');
    await expect.poll(async () => (await chartState(page, 'chart-volume')).pixels, { timeout: 5_000 }).not.toBe(fiveMinutes.pixels);
    await page.getByTestId('range-900').click();
    expect(await volume.getAttribute('data-window')).toBe('900');
    await page.getByTestId('range-300').click();

    // The charts follow the window's width.
    const canvasWidth = (): Promise<number> =>
      page.getByTestId('chart-volume').locator('canvas').evaluate((canvas) => (canvas as unknown as { clientWidth: number }).clientWidth);
    const wideWidth = await canvasWidth();
    await page.setViewportSize({ width: 800, height: 1000 });
    await expect.poll(canvasWidth, { timeout: 5_000 }).toBeLessThan(wideWidth - 300);
    await page.setViewportSize({ width: 1280, height: 1000 });
    await expect.poll(canvasWidth, { timeout: 5_000 }).toBe(wideWidth);
    await screenshot(page, 'overview');

    // Teams: a table of the newest completed minute, an empty minute, or a calm "not available yet".
    await page.getByTestId('nav-teams').click();
    expect(await page.getByTestId('view').getAttribute('data-view')).toBe('teams');
    const teamsShown = page.getByTestId('teams-table').or(page.getByTestId('teams-empty')).or(page.getByTestId('channel-unavailable'));
    await teamsShown.first().waitFor({ timeout: 10_000 });
    await screenshot(page, 'teams');
    await page.getByTestId('nav-overview').click();
    await expect.poll(() => headlineEvents(page), { timeout: 10_000 }).toBeGreaterThan(0);

    // The server goes away: the dashboard says so within a few seconds.
    guard.expectConnectionFailures = true;
    await server!.stop('SIGTERM');
    await expect.poll(() => connectionState(page), { timeout: 5_000 }).toBe('reconnecting');
    expect(await page.getByTestId('connection-state').textContent()).toContain('Reconnecting');
    await screenshot(page, 'reconnecting');
    // With no new data, the legends still show the newest second drawn (a full-page
    // screenshot resizes the page, and uPlot blanks a legend on resize).
    for (const testid of ['chart-volume', 'chart-redaction']) {
      expect(await page.getByTestId(testid).locator('.u-legend').innerText()).toMatch(/\d\d:\d\d:\d\d/);
    }

    // It comes back on the same port with a new admin password and no sessions: the page
    // finds its session gone and asks to sign in again, then goes live.
    await server!.restart();
    const secondPassword = await adminPassword(server!, firstPassword);
    await page.getByTestId('sign-in-form').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('sign-in-notice').textContent()).toContain('Sign in again');
    guard.expectConnectionFailures = false;
    await screenshot(page, 'signed-out-after-restart');
    await signIn(page, 'admin', secondPassword);
    await expect.poll(() => connectionState(page), { timeout: 20_000 }).toBe('live');
    await expect.poll(() => headlineEvents(page), { timeout: 15_000 }).toBeGreaterThan(0);
    await screenshot(page, 'live-again');

    expect(guard.problems).toEqual([]);
  });
});
