/**
 * The Overview dashboard in a real Chromium against the real built server in embedded mode:
 * it goes live, shows the demo banner and moving figures, notices the server going away,
 * and comes back by itself when the server returns on the same port.
 *
 * Needs `npm run build` first (the server from dist/, the page from web/dist/) and Debian's
 * Chromium at /usr/bin/chromium. Screenshots go to a fresh temporary folder, printed below.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { KeywatchProcess, PROJECT_ROOT } from '../support/keywatch-process.js';

const BUILT = [join(PROJECT_ROOT, 'dist/server/cli.js'), join(PROJECT_ROOT, 'web/dist/index.html')];

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

describe('Overview dashboard in Chromium', () => {
  let browser: Browser | undefined;
  let server: KeywatchProcess | undefined;
  const shots = mkdtempSync(join(tmpdir(), 'keywatch-e2e-'));

  beforeAll(async () => {
    const missing = BUILT.filter((file) => !existsSync(file));
    if (missing.length > 0) throw new Error(`not built: ${missing.join(', ')}. Run \`npm run build\` first.`);
    browser = await launchChromium();
    server = await KeywatchProcess.start(); // no REDIS_URL: embedded mode with the simulator
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('goes live with moving figures, shows reconnecting when the server stops, and recovers when it returns', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 1000 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server!.origin}/`);

    const state = page.getByTestId('connection-state');
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 15_000 }).toBe('live');
    expect(await state.textContent()).toContain('Live');

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

    // The charts follow the window's width.
    const canvasWidth = (): Promise<number> =>
      page.getByTestId('chart-volume').locator('canvas').evaluate((canvas) => (canvas as unknown as { clientWidth: number }).clientWidth);
    const wideWidth = await canvasWidth();
    await page.setViewportSize({ width: 800, height: 1000 });
    await expect.poll(canvasWidth, { timeout: 5_000 }).toBeLessThan(wideWidth - 300);
    await page.setViewportSize({ width: 1280, height: 1000 });
    await expect.poll(canvasWidth, { timeout: 5_000 }).toBe(wideWidth);

    const liveShot = join(shots, 'live.png');
    await page.screenshot({ path: liveShot, fullPage: true });
    console.log(`screenshot: ${liveShot}`);

    // The server goes away: the dashboard says so within a few seconds.
    await server!.stop('SIGTERM');
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 5_000 }).toBe('reconnecting');
    expect(await state.textContent()).toContain('Reconnecting');
    const reconnectingShot = join(shots, 'reconnecting.png');
    await page.screenshot({ path: reconnectingShot, fullPage: true });
    console.log(`screenshot: ${reconnectingShot}`);

    // It comes back on the same port: the page reconnects, re-subscribes, and is live again.
    await server!.restart();
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 20_000 }).toBe('live');
    await expect.poll(() => headlineEvents(page), { timeout: 15_000 }).toBeGreaterThan(0);
    const backShot = join(shots, 'live-again.png');
    await page.screenshot({ path: backShot, fullPage: true });
    console.log(`screenshot: ${backShot}`);

    expect(pageErrors).toEqual([]);
  });
});
