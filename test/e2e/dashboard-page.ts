/**
 * What the browser tests do on the dashboard the way a person does it: read the admin
 * password the server printed, sign in through the form, look at the navigation.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { PROJECT_ROOT, waitFor, type KeywatchProcess } from '../support/keywatch-process.js';

const BUILT = [join(PROJECT_ROOT, 'dist/server/cli.js'), join(PROJECT_ROOT, 'web/dist/index.html')];

/** Throws, naming the fix, unless the server and the page are built. */
export function requireBuild(): void {
  const missing = BUILT.filter((file) => !existsSync(file));
  if (missing.length > 0) throw new Error(`not built: ${missing.join(', ')}. Run \`npm run build\` first.`);
}

/**
 * The admin password of the server's current run: the last `keywatch: admin password: …`
 * line it printed (each start prints a new one). With `notThis`, waits until a different
 * one appears (after a restart).
 */
export async function adminPassword(server: KeywatchProcess, notThis?: string): Promise<string> {
  const latest = (): string | undefined => [...server.output.matchAll(/^keywatch: admin password: (\S+)$/gm)].at(-1)?.[1];
  await waitFor(() => latest() !== undefined && latest() !== notThis, 10_000, () => 'a new admin password line in the server output');
  return latest()!;
}

/** Signs in through the form and waits for the dashboard's navigation. */
export async function signIn(page: Page, user: string, password: string): Promise<void> {
  await page.getByTestId('sign-in-form').waitFor({ timeout: 20_000 });
  await page.getByTestId('sign-in-user').fill(user);
  await page.getByTestId('sign-in-password').fill(password);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('nav').waitFor({ timeout: 10_000 });
  expect(await page.getByTestId('signed-in-as').textContent()).toContain(user);
}

/** The labels of the navigation links, in order (without the Alerts link's count). */
export async function navLabels(page: Page): Promise<string[]> {
  return (await page.getByTestId('nav').getByTestId('nav-label').allTextContents()).map((text) => text.trim());
}

/** The link's state as the header pill shows it (`live`, `reconnecting`, …). */
export function connectionState(page: Page): Promise<string | null> {
  return page.getByTestId('connection-state').getAttribute('data-state');
}

/** A screenshot taker writing to a fresh temporary folder (named by `label`), printing each path. */
export function screenshotsIn(label: string): (page: Page, name: string) => Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), `keywatch-e2e-${label}`));
  return async (page, name) => {
    const path = join(folder, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    console.log(`screenshot: ${path}`);
  };
}
