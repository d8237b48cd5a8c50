/**
 * The Pipeline and Alerts views in a real Chromium against the built server in embedded
 * mode. The admin opens Pipeline and sees the source up (in words), the collect rate
 * become positive and this instance listed; opens Alerts and sees the live list — or,
 * from a server that does not serve the `alerts` channel yet, the calm "not available yet";
 * follows an Overview badge to the alerts filtered by severity. A manager gets neither
 * link, and typed by hand both views say "not allowed" without subscribing. No console
 * error, no CSP violation throughout.
 *
 * Needs `npm run build` first and Debian's Chromium at /usr/bin/chromium. Screenshots go
 * to a fresh temporary folder, printed below.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn as apiSignIn } from '../support/accounts.js';
import { launchChromium, PageGuard } from '../support/browser.js';
import { KeywatchProcess } from '../support/keywatch-process.js';
import { adminPassword, connectionState, navLabels, requireBuild, signIn, screenshotsIn } from './dashboard-page.js';

/** Every channel the page subscribed to over its sockets. */
function recordSubscriptions(page: Page): string[] {
  const channels: string[] = [];
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => {
      const message = JSON.parse(String(payload)) as { type?: string; channels?: string[] };
      if (message.type === 'subscribe') channels.push(...(message.channels ?? []));
    });
  });
  return channels;
}

/** Adds a manager through the API as the admin; returns the generated password. */
async function addManager(origin: string, admin: string, name: string): Promise<string> {
  const cookie = await apiSignIn(origin, 'admin', admin);
  const response = await fetch(`${origin}/api/users`, {
    method: 'POST', headers: { ...cookie, 'content-type': 'application/json' }, body: JSON.stringify({ name, role: 'manager' }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { password: string }).password;
}

/** Sets the location hash as a person typing it would. */
async function goToHash(page: Page, hash: string): Promise<void> {
  await page.evaluate((value) => { (globalThis as unknown as { location: { hash: string } }).location.hash = value; }, hash);
}

describe('Pipeline and Alerts in Chromium', () => {
  let browser: Browser | undefined;
  let server: KeywatchProcess | undefined;
  const screenshot = screenshotsIn('pipeline-');

  beforeAll(async () => {
    requireBuild();
    browser = await launchChromium();
    server = await KeywatchProcess.start(); // embedded mode: the simulator feeds the streams
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the admin the pipeline live and the alerts view; a manager gets neither', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 1000 } });
    const guard = await PageGuard.attach(page);
    const subscriptions = recordSubscriptions(page);
    const password = await adminPassword(server!);
    await page.goto(`${server!.origin}/`);
    await signIn(page, 'admin', password);
    expect(await navLabels(page)).toEqual(['Overview', 'Alerts', 'Teams', 'Collectors', 'Pipeline', 'Users', 'Audit']);
    await expect.poll(() => connectionState(page), { timeout: 15_000 }).toBe('live');

    // Pipeline: the source's state in words, the collect rate, this instance.
    await page.getByTestId('nav-pipeline').click();
    expect(await page.getByTestId('view').getAttribute('data-view')).toBe('pipeline');
    const source = page.getByTestId('pipeline-source');
    await source.waitFor({ timeout: 10_000 });
    await expect.poll(() => source.getAttribute('data-state'), { timeout: 15_000 }).toBe('up');
    expect(await source.textContent()).toContain('Source UP');
    expect(await source.textContent()).toContain('Reading the streams');
    const rate = page.getByTestId('pipeline-rate-collect');
    await expect.poll(async () => Number(await rate.getAttribute('data-value')), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await rate.textContent()).toContain('entries/s');
    const instance = page.locator('[data-testid="pipeline-instance"][data-id="keywatch-1"]');
    await instance.waitFor({ timeout: 5_000 });
    expect(await instance.getAttribute('data-live')).toBe('true');
    expect(await page.locator('[data-testid="pipeline-stream"][data-stream="collect"]').textContent()).toMatch(/entries\/s/);
    await page.locator('[data-testid="pipeline-client"][data-role="admin"]').waitFor({ timeout: 5_000 });
    await page.getByTestId('pipeline-updated').waitFor();
    await screenshot(page, 'pipeline');

    // Alerts: the live list, or the calm notice while the server does not serve the channel.
    await page.getByTestId('nav-alerts').click();
    expect(await page.getByTestId('view').getAttribute('data-view')).toBe('alerts');
    const alertsShown = page.getByTestId('alerts-table').or(page.getByTestId('alerts-none')).or(page.getByTestId('channel-unavailable'));
    await alertsShown.first().waitFor({ timeout: 10_000 });
    const served = (await page.getByTestId('channel-unavailable').count()) === 0;
    if (served) {
      await page.getByTestId('silences-panel').waitFor();
      await page.getByTestId('filter-state-resolved').click();
      expect(await page.getByTestId('filter-state-resolved').getAttribute('aria-pressed')).toBe('true');
      expect(page.url()).toContain('#/alerts?state=resolved');
      await page.getByTestId('filter-clear').click();
      await page.getByTestId('sound-toggle').click(); // the opt-in plays the sound once: no error
      expect(await page.getByTestId('sound-toggle').getAttribute('aria-pressed')).toBe('true');
    } else {
      expect(await page.getByTestId('channel-unavailable').textContent()).toContain('Not available yet');
    }
    await screenshot(page, 'alerts');

    // The Overview's badges lead to the alerts of that severity.
    await page.getByTestId('nav-overview').click();
    await page.getByTestId('open-alerts-critical').click();
    await expect.poll(() => page.getByTestId('view').getAttribute('data-view')).toBe('alerts');
    expect(page.url()).toContain('#/alerts?severity=critical');
    if (served) {
      await expect.poll(() => page.getByTestId('filter-severity-critical').getAttribute('aria-pressed')).toBe('true');
    }
    expect(subscriptions).toContain('pipeline');
    expect(subscriptions).toContain('alerts');

    // A manager: no Pipeline, no Alerts, and typed by hand "not allowed" with no subscription.
    const managerPassword = await addManager(server!.origin, password, 'nadia');
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in-form').waitFor();
    subscriptions.length = 0;
    await signIn(page, 'nadia', managerPassword);
    expect(await navLabels(page)).toEqual(['Overview', 'Teams']);
    for (const hidden of ['pipeline', 'alerts']) expect(await page.getByTestId(`nav-${hidden}`).count()).toBe(0);
    await expect.poll(() => connectionState(page), { timeout: 15_000 }).toBe('live');
    // (Signed in where the admin left off, on the alerts link: "not allowed" for a manager.)
    expect(await page.getByTestId('not-allowed').count()).toBe(1);
    await goToHash(page, '#/');
    expect(await page.getByTestId('open-alerts-critical').evaluate((element) => (element as unknown as { tagName: string }).tagName)).toBe('SPAN');
    for (const view of ['pipeline', 'alerts']) {
      await goToHash(page, `#/${view}`);
      await page.getByTestId('not-allowed').waitFor();
      expect(await page.getByTestId(`${view}-view`).count()).toBe(0);
    }
    await screenshot(page, 'manager-pipeline-not-allowed');
    expect(subscriptions.filter((channel) => channel === 'pipeline' || channel === 'alerts')).toEqual([]);

    expect(guard.problems).toEqual([]);
  });
});
