/**
 * Scenario 5, browser: the Overview (charts over 15 minutes) and Alerts views in headless
 * Chromium (Debian's, through playwright-core; never downloaded), against Keywatch with 15
 * minutes of per-second history back-filled into Redis and live traffic at the default
 * tick. Per view, over a measuring window: main-thread scripting time (CDP Performance
 * `ScriptDuration`) per update frame the page received, long tasks (PerformanceObserver),
 * JS heap, and requestAnimationFrame intervals (context only: headless Chromium without a
 * GPU on shared cores does not time frames fairly). Plus the gzipped size of web/dist.
 */
import { readdirSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { collectFields, rawAccessFields, startProducer } from '../lib/entries.mjs';
import { createUser, startKeywatch } from '../lib/keywatch.mjs';
import { PROJECT_ROOT } from '../lib/paths.mjs';
import { startRedis } from '../lib/redis.mjs';
import { median, sleep, fixed } from '../lib/stats.mjs';

/** The flags the e2e tests launch Chromium with (test/support/browser.ts). */
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const CHROMIUM_PATH = '/usr/bin/chromium';
const HISTORY_SECONDS = 15 * 60;
const HISTORY_ENTRIES_PER_SECOND = 20;
const PASSWORD = 'bench-password-0123456789';

/** Runs in the page before its scripts: long tasks and animation-frame intervals, kept for the bench to read. */
const PAGE_PROBE = `
  globalThis.__bench = { longTasks: [], frames: [] };
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) globalThis.__bench.longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  let last = 0;
  const frame = (now) => {
    if (last) globalThis.__bench.frames.push(now - last);
    if (globalThis.__bench.frames.length > 100000) globalThis.__bench.frames.length = 0;
    last = now;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
`;

/** Sum of the gzipped sizes (level 9) of the built dashboard's scripts and styles. */
export function bundleSize() {
  const assets = join(PROJECT_ROOT, 'web/dist/assets');
  const files = readdirSync(assets).filter((name) => /\.(js|css)$/.test(name));
  const perFile = files.map((name) => {
    const bytes = readFileSync(join(assets, name));
    return { name, bytes: statSync(join(assets, name)).size, gzipBytes: gzipSync(bytes, { level: 9 }).length };
  });
  const sum = (key) => perFile.reduce((total, file) => total + file[key], 0);
  return { files: perFile, bytes: sum('bytes'), gzipBytes: sum('gzipBytes'), gzipKB: sum('gzipBytes') / 1024 };
}

/** Writes `count` entries per second for the last `seconds` seconds with explicit past stream ids, so they land in their own seconds. */
async function backfillHistory(client, seconds, perSecond) {
  const nowSecond = Math.floor(Date.now() / 1000) * 1000;
  let n = 0;
  for (let t = nowSecond - seconds * 1000; t < nowSecond - 2000; t += 1000) {
    const replies = [];
    for (let i = 0; i < perSecond; i++) {
      const ms = t + Math.floor((i * 1000) / perSecond);
      replies.push(client.sendCommand(['XADD', 'kw:collect', `${ms}-${i}`, ...collectFields(n++, ms)]));
    }
    await Promise.all(replies);
  }
  return n;
}

/** Runs the browser scenario; returns per view the figures, and the bundle size. */
export async function runBrowser({ windowMs, warmupMs, tickMs, workDir, log }) {
  const bundle = bundleSize();
  const redis = await startRedis({ core: '1', logFile: join(workDir, 'browser-redis.log') });
  const client = await redis.client();
  let server = null;
  let browser = null;
  let feeder = null;
  let alertTimer = null;
  try {
    const backfilled = await backfillHistory(client, HISTORY_SECONDS, HISTORY_ENTRIES_PER_SECOND);
    for (let i = 0; i < 40; i++) await client.sendCommand(['XADD', 'kw:security', '*', ...rawAccessFields(100_000 + i, Date.now())]);
    await createUser(redis.url, 'admin', 'admin', PASSWORD);
    server = await startKeywatch({ redisUrl: redis.url, core: '0', logFile: join(workDir, 'browser-keywatch.log'), env: { KW_TICK_MS: String(tickMs) } });
    feeder = startProducer(client, 'kw:collect', 50, { sliceMs: 100 });
    let alertSequence = 200_000;
    // A new critical alert every 2 s: the Alerts view has live updates too.
    alertTimer = setInterval(() => {
      client.sendCommand(['XADD', 'kw:security', '*', ...rawAccessFields(alertSequence++, Date.now())]).catch(() => {});
    }, 2000);
    log(`browser: ${backfilled} entries of history back-filled (15 min), Keywatch at ${server.origin}`);

    // Chromium (and every process it starts) on core 1, away from the server.
    const wrapper = join(workDir, 'chromium-pinned.sh');
    writeFileSync(wrapper, `#!/bin/sh\nexec taskset -c 1 ${CHROMIUM_PATH} "$@"\n`);
    chmodSync(wrapper, 0o755);
    browser = await chromium.launch({ executablePath: wrapper, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.addInitScript({ content: PAGE_PROBE });
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const frames = { overview: 0, alert: 0, other: 0 };
    page.on('websocket', (socket) => {
      socket.on('framereceived', ({ payload }) => {
        const text = typeof payload === 'string' ? payload : payload.toString();
        if (text.startsWith('{"type":"update","channel":"overview"')) frames.overview += 1;
        else if (text.startsWith('{"type":"alert"')) frames.alert += 1;
        else if (text.startsWith('{"type":"update"')) frames.other += 1;
      });
    });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });

    await page.goto(`${server.origin}/`);
    await page.getByTestId('sign-in-form').waitFor({ timeout: 30_000 });
    await page.getByTestId('sign-in-user').fill('admin');
    await page.getByTestId('sign-in-password').fill(PASSWORD);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('nav').waitFor({ timeout: 20_000 });
    await page.getByTestId('range-900').click();

    const views = {};
    for (const view of ['overview', 'alerts']) {
      if (view === 'alerts') await page.getByTestId('nav-alerts').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="connection-state"]')?.getAttribute('data-state') === 'live', null, { timeout: 30_000 });
      await sleep(warmupMs);
      views[view] = await measureView({ page, cdp, frames, windowMs });
      // A second, traced window says what the long tasks were made of (tracing costs a little, so not during the first).
      const traceFile = join(workDir, `browser-${view}-trace.json`);
      await browser.startTracing(page, { path: traceFile, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'toplevel'] });
      await sleep(Math.min(windowMs, 5000));
      await browser.stopTracing();
      views[view].longTaskMakeup = longTaskMakeup(traceFile);
      log(`browser ${view}: ${fixed(views[view].scriptingPerUpdateMs, 2)} ms scripting/update (${views[view].updates} updates), ` +
        `${views[view].longTasks} long tasks (max ${fixed(views[view].longestTaskMs, 0)} ms), JS heap ${fixed(views[view].jsHeapMB, 1)} MB; ` +
        `traced: ${views[view].longTaskMakeup.count} long tasks, ${fixed(views[view].longTaskMakeup.scriptMs, 0)} ms script, ${fixed(views[view].longTaskMakeup.commitMs, 0)} ms commit`);
    }
    return { historySeconds: HISTORY_SECONDS, windowMs, views, bundle, pageErrors: errors };
  } finally {
    clearInterval(alertTimer);
    await browser?.close().catch(() => {});
    await feeder?.stop().catch(() => {});
    await server?.stop();
    client.destroy();
    await redis.stop();
  }
}

/** Scripting, long tasks, heap and frame intervals of the open view over `windowMs`. */
async function measureView({ page, cdp, frames, windowMs }) {
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((metric) => [metric.name, metric.value]));
  const startedAt = await page.evaluate(() => {
    globalThis.__bench.frames.length = 0;
    return performance.now();
  });
  const framesBefore = { ...frames };
  const before = await metrics();
  await sleep(windowMs);
  const after = await metrics();
  const page_ = await page.evaluate((since) => ({
    longTasks: globalThis.__bench.longTasks.filter((task) => task.start >= since).map((task) => task.duration),
    frames: [...globalThis.__bench.frames],
  }), startedAt);
  const updates = (frames.overview - framesBefore.overview) + (frames.alert - framesBefore.alert) + (frames.other - framesBefore.other);
  const scriptingMs = (after.ScriptDuration - before.ScriptDuration) * 1000;
  const sortedFrames = [...page_.frames].sort((a, b) => a - b);
  return {
    updates,
    overviewUpdates: frames.overview - framesBefore.overview,
    alertEvents: frames.alert - framesBefore.alert,
    scriptingMs,
    scriptingPerUpdateMs: updates > 0 ? scriptingMs / updates : Number.NaN,
    taskMsPerSecond: ((after.TaskDuration - before.TaskDuration) * 1000) / (windowMs / 1000),
    layoutMsPerSecond: (((after.LayoutDuration - before.LayoutDuration) + (after.RecalcStyleDuration - before.RecalcStyleDuration)) * 1000) / (windowMs / 1000),
    longTasks: page_.longTasks.length,
    longestTaskMs: page_.longTasks.length > 0 ? Math.max(...page_.longTasks) : 0,
    jsHeapMB: after.JSHeapUsedSize / 2 ** 20,
    frameIntervalP50Ms: median(sortedFrames),
    frameIntervalP95Ms: sortedFrames[Math.floor(sortedFrames.length * 0.95)] ?? Number.NaN,
  };
}

/**
 * What the renderer main thread's long tasks (> 50 ms) in a trace were made of: script
 * (FunctionCall, EvaluateScript, microtasks — their union, so nesting is not counted
 * twice), the compositor commit (where a software-rasterised canvas is paid for), the rest.
 */
function longTaskMakeup(traceFile) {
  const trace = JSON.parse(readFileSync(traceFile, 'utf8'));
  const events = Array.isArray(trace) ? trace : trace.traceEvents;
  const threadNames = new Map();
  for (const event of events) if (event.ph === 'M' && event.name === 'thread_name') threadNames.set(`${event.pid}:${event.tid}`, event.args.name);
  // The page's main thread: the renderer main thread that ran the most.
  const busy = new Map();
  for (const event of events) {
    const thread = `${event.pid}:${event.tid}`;
    if (event.ph === 'X' && event.name === 'RunTask' && threadNames.get(thread) === 'CrRendererMain') busy.set(thread, (busy.get(thread) ?? 0) + event.dur);
  }
  const main = [...busy.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const onMain = events.filter((event) => event.ph === 'X' && `${event.pid}:${event.tid}` === main);
  const tasks = onMain.filter((event) => event.name === 'RunTask' && event.dur > 50_000);
  const SCRIPT = new Set(['FunctionCall', 'EvaluateScript', 'RunMicrotasks', 'V8.Execute']);
  let scriptUs = 0;
  let commitUs = 0;
  let totalUs = 0;
  let longestUs = 0;
  for (const task of tasks) {
    const end = task.ts + task.dur;
    totalUs += task.dur;
    longestUs = Math.max(longestUs, task.dur);
    const inside = onMain.filter((event) => event !== task && event.ts >= task.ts && event.ts + event.dur <= end);
    commitUs += inside.filter((event) => event.name === 'Commit').reduce((sum, event) => sum + event.dur, 0);
    const intervals = inside.filter((event) => SCRIPT.has(event.name)).map((event) => [event.ts, event.ts + event.dur]).sort((a, b) => a[0] - b[0]);
    let coveredTo = -Infinity;
    for (const [from, to] of intervals) {
      if (to <= coveredTo) continue;
      scriptUs += to - Math.max(from, coveredTo);
      coveredTo = to;
    }
  }
  return { count: tasks.length, longestMs: longestUs / 1000, totalMs: totalUs / 1000, scriptMs: scriptUs / 1000, commitMs: commitUs / 1000 };
}
