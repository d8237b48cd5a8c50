/**
 * Triage across browsers: a security user acknowledges an alert in the Alerts view and a
 * second user's browser sees the state change live — against the built server in Redis
 * mode, the alert raised by a security event written into Redis.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createUser } from '../support/accounts.js';
import { launchChromium, PageGuard } from '../support/browser.js';
import { securityFields } from '../support/entries.js';
import { KeywatchProcess, waitFor } from '../support/keywatch-process.js';
import { TestRedis, type TestRedisClient } from '../support/redis-server.js';
import { requireBuild, signIn } from './dashboard-page.js';

const PASSWORD = 'two browsers, one alert';

let redis: TestRedis;
let producer: TestRedisClient;
let server: KeywatchProcess;
let browser: Browser;

beforeAll(async () => {
  requireBuild();
  redis = await TestRedis.start();
  producer = await redis.client();
  await createUser(redis.url, 'sec-one', 'security', PASSWORD);
  await createUser(redis.url, 'sec-two', 'oncall', PASSWORD);
  server = await KeywatchProcess.start({ REDIS_URL: redis.url });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  producer?.destroy();
  await redis?.stop();
});

async function openAlerts(user: string): Promise<{ page: Page; guard: PageGuard }> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  const guard = await PageGuard.attach(page);
  await page.goto(`${server.origin}/`);
  await signIn(page, user, PASSWORD);
  await page.goto(`${server.origin}/#/alerts`);
  await page.getByTestId('alerts-view').waitFor({ timeout: 10_000 });
  return { page, guard };
}

it('shows an acknowledgement made in one browser live in another', async () => {
  const one = await openAlerts('sec-one');
  const two = await openAlerts('sec-two');
  await producer.sendCommand(['XADD', 'kw:security', '*', ...securityFields({ kind: 'raw_access', actor: 'mallory', resource: 'raw-store', outcome: 'allowed' })]);
  for (const { page } of [one, two]) {
    await page.locator('[data-testid="alert-row"][data-state="firing"]').first().waitFor({ timeout: 15_000 });
  }
  const row = one.page.locator('[data-testid="alert-row"]').first();
  const id = await row.getAttribute('data-id');
  await row.getByTestId('alert-open').click();
  await one.page.getByTestId('alert-note').fill('on it — checking the gateway ACL');
  await one.page.getByTestId('alert-ack').click();
  const inTwo = two.page.locator(`[data-testid="alert-row"][data-id="${id}"]`);
  await waitFor(async () => (await inTwo.getAttribute('data-state')) === 'acknowledged', 10_000, () => 'the second browser shows the ack');
  expect(await one.page.locator(`[data-testid="alert-row"][data-id="${id}"]`).getAttribute('data-state')).toBe('acknowledged');
  expect([...one.guard.problems, ...two.guard.problems]).toEqual([]);
});
