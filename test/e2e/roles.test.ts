/**
 * Roles in the browser: the admin adds a manager in the Users view (a generated password,
 * shown once), signs out, and the manager signs in with it. The manager's navigation holds
 * Overview and Teams only, and a view typed into the address bar by hand shows "not
 * allowed" — no data, and no subscription to its channel ever leaves the page.
 *
 * Needs `npm run build` first and Debian's Chromium at /usr/bin/chromium.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('Roles in Chromium', () => {
  let browser: Browser | undefined;
  let server: KeywatchProcess | undefined;
  const screenshot = screenshotsIn('roles-');

  beforeAll(async () => {
    requireBuild();
    browser = await launchChromium();
    server = await KeywatchProcess.start();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('an admin adds a manager, who sees only Overview and Teams and is refused the rest', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const guard = await PageGuard.attach(page);
    const subscriptions = recordSubscriptions(page);
    await page.goto(`${server!.origin}/`);
    await signIn(page, 'admin', await adminPassword(server!));

    // Add a manager without a password: the server generates one, shown once.
    await page.getByTestId('nav-users').click();
    await page.getByTestId('users-table').waitFor();
    await page.getByTestId('add-user-name').fill('mira');
    await page.getByTestId('add-user-role').selectOption('manager');
    await page.getByTestId('add-user-submit').click();
    const reveal = page.getByTestId('secret-reveal');
    await reveal.waitFor();
    expect(await reveal.textContent()).toContain('shown once');
    const password = await page.getByTestId('revealed-secret').inputValue();
    expect(password.length).toBeGreaterThanOrEqual(12);
    const row = page.locator('[data-testid="user-row"][data-user="mira"]');
    await row.waitFor();
    expect(await row.getAttribute('data-role')).toBe('manager');
    expect(await page.getByTestId('users-done').textContent()).toContain('mira added as manager');
    await screenshot(page, 'users');
    await page.getByTestId('dismiss-secret').click();
    expect(await reveal.count()).toBe(0);
    expect(await page.content()).not.toContain(password); // gone for good, not merely hidden

    // The audit trail has it (or says calmly that this server does not serve the trail yet).
    await page.getByTestId('nav-audit').click();
    const audit = page.getByTestId('audit-table').or(page.getByTestId('channel-unavailable'));
    await audit.first().waitFor({ timeout: 10_000 });
    if (await page.getByTestId('audit-table').count() > 0) {
      await page.locator('[data-testid="audit-row"][data-action="user_add"]', { hasText: 'mira' }).first().waitFor({ timeout: 5_000 });
      await page.getByTestId('audit-older').click();
      await expect.poll(() => page.getByTestId('audit-older').count(), { timeout: 5_000 }).toBe(0); // a fresh server's trail is short
      expect(await page.getByTestId('audit-csv').getAttribute('href')).toBe('/api/audit/export');
    }
    await screenshot(page, 'audit');

    // Sign out: the sign-in page says so.
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in-form').waitFor();
    expect(await page.getByTestId('sign-in-notice').textContent()).toContain('signed out');

    // The manager: Overview and Teams, nothing else.
    subscriptions.length = 0;
    await signIn(page, 'mira', password);
    expect(await navLabels(page)).toEqual(['Overview', 'Teams']);
    for (const hidden of ['alerts', 'collectors', 'pipeline', 'users', 'audit']) expect(await page.getByTestId(`nav-${hidden}`).count()).toBe(0);
    expect(await page.getByTestId('signed-in-role').textContent()).toBe('manager');
    await expect.poll(() => connectionState(page), { timeout: 15_000 }).toBe('live');
    await screenshot(page, 'manager-overview');

    await page.getByTestId('nav-teams').click();
    await page.getByTestId('teams-table').or(page.getByTestId('teams-empty')).or(page.getByTestId('channel-unavailable')).first().waitFor({ timeout: 10_000 });
    await screenshot(page, 'manager-teams');

    // Typed by hand: "not allowed", no data, no subscription.
    for (const view of ['audit', 'users', 'collectors']) {
      await page.evaluate((hash) => { (globalThis as unknown as { location: { hash: string } }).location.hash = hash; }, `#/${view}`);
      await page.getByTestId('not-allowed').waitFor();
      expect(await page.getByTestId('view').getAttribute('data-view')).toBe(view);
      expect(await page.getByTestId('not-allowed').textContent()).toContain('Not allowed');
      expect(await page.getByTestId(`${view}-view`).count()).toBe(0);
    }
    await screenshot(page, 'manager-audit-not-allowed');
    // A fresh load straight onto the address works the same way.
    await page.goto(`${server!.origin}/#/audit`);
    await page.getByTestId('not-allowed').waitFor({ timeout: 10_000 });
    await expect.poll(() => connectionState(page), { timeout: 15_000 }).toBe('live');
    expect(await page.getByTestId('audit-view').count()).toBe(0);

    expect(subscriptions).toContain('overview');
    expect(subscriptions).toContain('teams');
    expect(subscriptions.filter((channel) => ['audit', 'collectors', 'alerts', 'pipeline'].includes(channel))).toEqual([]);
    expect(guard.problems).toEqual([]);
  });
});
