/**
 * Launches the system's Debian Chromium for end-to-end tests through playwright-core, and
 * watches pages for what must never happen: uncaught errors, console errors and
 * Content-Security-Policy violations. Never downloads a browser: a missing one is a
 * failure with the command that installs it (whether to skip is the test command's
 * decision, not this module's).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Starts a headless Chromium; throws, naming the fix, when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: the browser tests need it. Install it with \`apt-get install -y chromium\`.`);
  }
  // playwright-core starts it with a fresh temporary profile and removes it on close.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/**
 * Runs in the page before its own scripts: reports every CSP violation (a blocked inline
 * style or script, a connection to another origin) to the test through a binding, which
 * Chromium installs outside the page's CSP.
 */
const REPORT_CSP_VIOLATIONS = `
  document.addEventListener('securitypolicyviolation', (event) => {
    globalThis.__keywatchCspViolation(event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline') + ' at ' + event.sourceFile + ':' + event.lineNumber + ' (' + (event.sample || '') + ')');
  });
`;

/** The browser's own log line for a failed HTTP request: `Failed to load resource: the server responded with a status of 401 (Unauthorized)`. */
const FAILED_STATUS = /^Failed to load resource: the server responded with a status of (\d{3})/;

/**
 * Collects a page's problems. Chromium logs every failed request as a console error, even
 * one the page expects and handles; these are the only ones let through:
 * - 401 on `GET /api/me`: how a signed-out page learns it must show the sign-in form
 *   (an HttpOnly session cookie cannot be looked at from the page);
 * - while {@link PageGuard.expectConnectionFailures} is set (the test stopped the server on
 *   purpose), failed connections and the refused WebSocket upgrade of a session the
 *   restarted server no longer knows.
 * Everything else — uncaught exceptions, `console.error`, CSP violations, any other failed
 * request — is a problem.
 */
export class PageGuard {
  readonly problems: string[] = [];
  /** Set while the server is down or restarting on purpose. */
  expectConnectionFailures = false;

  private constructor() {}

  /** Starts watching `page`; attach before the first `goto`. */
  static async attach(page: Page): Promise<PageGuard> {
    const guard = new PageGuard();
    await page.exposeBinding('__keywatchCspViolation', (_source, text: string) => guard.problems.push(`CSP violation: ${text}`));
    await page.addInitScript({ content: REPORT_CSP_VIOLATIONS });
    page.on('pageerror', (error) => guard.problems.push(`uncaught: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !guard.#expected(message)) {
        guard.problems.push(`console error: ${message.text()} (${message.location().url})`);
      }
    });
    return guard;
  }

  #expected(message: ConsoleMessage): boolean {
    const text = message.text();
    const path = pathOf(message.location().url);
    const status = FAILED_STATUS.exec(text)?.[1];
    if (status === '401' && path === '/api/me') return true;
    if (!this.expectConnectionFailures) return false;
    return (
      /^WebSocket connection to '[^']*\/ws' failed/.test(text) ||
      (text.startsWith('Failed to load resource: net::ERR_CONNECTION_REFUSED') && path === '/api/me')
    );
  }
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}
