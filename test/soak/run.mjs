#!/usr/bin/env node
// `npm run soak [-- --minutes N --rate N …]`: the bounded soak of the built server (see
// test/soak/soak.ts). Prints progress, then a table of figures and the verdicts; exits 1
// when a judgment fails, 2 on bad usage or a missing prerequisite.
//
// The soak logic is TypeScript shared with the integration test; Vite's module runner
// (`runnerImport`, the same machinery that loads vite.config.ts) loads it here, so there
// is one implementation and no build step of its own.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, readdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runnerImport } from 'vite';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const USAGE = `Usage: npm run soak -- [options]

Runs Keywatch (the build in dist/) against its own redis-server under a steady load
with steady and churning WebSocket clients, samples /metrics and the consumer group,
and judges: heap and open handles flat, backlog back to zero, counts exact.

Options:
  --minutes N       minutes of load, the first fifth warm-up (default 10)
  --rate N          kw:collect entries per second (default 500)
  --security N      kw:security events per second (default 2)
  --clients N       steady WebSocket clients (default 3)
  --churn N         churning WebSocket clients (default 4)
  --sample-ms N     sampling period (default 2000)
  --samples FILE    also write every sample as CSV to FILE
  -h, --help        show this help
`;

function fail(message) {
  console.error(`keywatch soak: ${message}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      minutes: { type: 'string' }, rate: { type: 'string' }, security: { type: 'string' }, clients: { type: 'string' },
      churn: { type: 'string' }, 'sample-ms': { type: 'string' }, samples: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  fail(`${error.message}. Run \`npm run soak -- --help\` for the options.`);
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

/** A positive number option, or the default. */
function number(name, min, max) {
  const text = values[name];
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max) fail(`--${name} must be a number from ${min} to ${max}, got "${text}"`);
  return value;
}
const options = Object.fromEntries(Object.entries({
  minutes: number('minutes', 0.5, 24 * 60),
  collectPerSecond: number('rate', 1, 20_000),
  securityPerSecond: number('security', 0, 1_000),
  steadyClients: number('clients', 0, 1_000),
  churnClients: number('churn', 0, 1_000),
  sampleEveryMs: number('sample-ms', 250, 60_000),
}).filter(([, value]) => value !== undefined));

if (spawnSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' }).status !== 0) {
  fail('redis-server is missing. Install it with: apt-get install -y redis-server');
}
const built = join(ROOT, 'dist', 'server', 'cli.js');
if (!existsSync(built)) fail('the server is not built. Run `npm run build` first.');
const newestSource = Math.max(...['server', 'shared'].map((folder) => newestMtime(join(ROOT, folder))));
if (newestSource > statSync(built).mtimeMs) {
  console.warn('keywatch soak: some server/ or shared/ source is newer than dist/; this soak measures the older build (`npm run build` to refresh).');
}

/** Newest modification time of the .ts files under `folder`. */
function newestMtime(folder) {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return newest;
}

const { module: soak } = await runnerImport(join(ROOT, 'test', 'soak', 'soak.ts'), { configFile: false, logLevel: 'error' });
const { module: report } = await runnerImport(join(ROOT, 'test', 'soak', 'report.ts'), { configFile: false, logLevel: 'error' });

// Ctrl-C ends the load early; the run still drains, judges and stops its processes.
const abort = new AbortController();
process.once('SIGINT', () => {
  console.log('\nkeywatch soak: stopping early (Ctrl-C again to abandon; child processes may then be left running)');
  abort.abort();
});

const log = (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
let result;
try {
  result = await soak.runSoak({ ...options, log, signal: abort.signal });
} catch (error) {
  // Setting up failed (a process did not start, Redis refused…): nothing was judged.
  console.error(`keywatch soak: the run could not be carried out: ${error.stack ?? error}`);
  process.exit(1);
}
console.log(`\nKeywatch soak\n${report.formatReport(result)}`);
if (values.samples) {
  writeFileSync(values.samples, report.samplesCsv(result.samples));
  console.log(`\nsamples written to ${values.samples}`);
}
if (!result.passed) console.log(`\nserver log (end):\n${result.serverLogTail || '(empty)'}`);
console.log(`\n${result.passed ? 'soak passed' : 'soak FAILED'}`);
process.exit(result.passed ? 0 : 1);
