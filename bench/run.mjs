#!/usr/bin/env node
/**
 * `npm run bench` — Keywatch measured side by side with baselines in the same run
 * (issue 6). Five scenarios: fan-out, idle memory, ingest, alert latency, browser. Prints
 * the machine, a table per scenario and the targets (met / missed, judged on same-run
 * ratios), and writes bench/results/bench-<time>-<mode>.json and .svg (and latest.*).
 *
 *   npm run bench                  full form (~30 min): 1k/5k/10k clients, 3 rounds
 *   npm run bench -- --quick       a few minutes: smaller counts, fewer rounds
 *   npm run bench -- --only=fanout,ingest   some scenarios (fanout, idle, ingest, alerts, browser)
 *   npm run bench -- --profile     no measurement: Keywatch under `node --cpu-prof` in fan-out and
 *                                  ingest, top functions printed (bench/results/profile-*.json)
 *   npm run bench -- --build       rebuild (npm run build) first; otherwise only when dist/ is missing
 *   npm run bench -- --quick --clients=10000   fan-out at these client counts instead of the form's
 */
import { mkdirSync, readdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt } from './lib/keywatch.mjs';
import { describeMachine } from './lib/machine.mjs';
import { RESULTS_DIR } from './lib/paths.mjs';
import { installCleanup, killAllChildren, pinSelf } from './lib/processes.mjs';
import { renderReport } from './report/table.mjs';
import { renderSvg } from './report/svg.mjs';
import { judgeTargets } from './report/targets.mjs';
import { renderProfile, summariseCpuProfile } from './report/cpu-profile.mjs';
import { runAlertLatency } from './scenarios/alert-latency.mjs';
import { runBrowser } from './scenarios/browser.mjs';
import { runFanout } from './scenarios/fanout.mjs';
import { runIdleMemory } from './scenarios/idle-memory.mjs';
import { runIngest } from './scenarios/ingest.mjs';

/** Sizes, rounds and windows of the two forms. */
const FORMS = {
  quick: {
    fanout: { sizes: [1000, 5000], rounds: 2, roundsAtLargest: 1, warmupMs: 2000, windowMs: 5000, tickMs: 250 },
    idle: { clients: 2000, rounds: 1 },
    ingest: { entries: 50_000, rounds: 2, sustainedMs: 15_000 },
    alerts: { clients: 1000, rounds: 1, events: 50, warmupEvents: 10 },
    browser: { windowMs: 8000, warmupMs: 2000, tickMs: 250 },
  },
  full: {
    fanout: { sizes: [1000, 5000, 10_000], rounds: 3, roundsAtLargest: 3, warmupMs: 5000, windowMs: 15_000, tickMs: 250 },
    idle: { clients: 10_000, rounds: 3 },
    ingest: { entries: 200_000, rounds: 3, sustainedMs: 30_000 },
    alerts: { clients: 1000, rounds: 3, events: 150, warmupEvents: 20 },
    browser: { windowMs: 30_000, warmupMs: 5000, tickMs: 250 },
  },
};
const SCENARIOS = ['fanout', 'idle', 'ingest', 'alerts', 'browser'];

function parseArgs(argv) {
  const options = { mode: 'full', only: SCENARIOS, profile: false, build: false, clients: null };
  for (const arg of argv) {
    if (arg === '--quick') options.mode = 'quick';
    else if (arg === '--profile') options.profile = true;
    else if (arg === '--build') options.build = true;
    else if (arg.startsWith('--clients=')) {
      options.clients = arg.slice('--clients='.length).split(',').map(Number);
      if (options.clients.length === 0 || options.clients.some((count) => !Number.isInteger(count) || count < 1 || count > 50_000)) {
        throw new Error('--clients takes client counts from 1 to 50000, comma-separated (e.g. --clients=10000)');
      }
    } else if (arg.startsWith('--only=')) {
      options.only = arg.slice('--only='.length).split(',').filter(Boolean);
      const unknown = options.only.filter((name) => !SCENARIOS.includes(name));
      if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}: choose from ${SCENARIOS.join(', ')}`);
    } else if (arg === '--help' || arg === '-h') {
      console.log('Usage: npm run bench [-- --quick] [--only=fanout,idle,ingest,alerts,browser] [--clients=N,…] [--profile] [--build]');
      process.exit(0);
    } else throw new Error(`unknown option ${arg} (see --help)`);
  }
  return options;
}

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
const log = (line) => console.log(`  ${new Date().toISOString().slice(11, 19)} ${line}`);

/** Fan-out with one round fewer at the largest size in the quick form (10k-client rounds are the slow ones). */
async function fanoutScenario(form, workDir) {
  const { sizes, rounds, roundsAtLargest, ...rest } = form;
  const largest = Math.max(...sizes);
  const results = { sizes: {} };
  for (const size of sizes) {
    const part = await runFanout({ ...rest, sizes: [size], rounds: size === largest ? roundsAtLargest : rounds, workDir, log });
    Object.assign(results, { ...part, sizes: { ...results.sizes, ...part.sizes }, rounds: `${rounds} (${roundsAtLargest} at ${largest})` });
  }
  return results;
}

async function profileRun(form, workDir) {
  const summaries = {};
  const fanoutDir = join(workDir, 'cpu-prof-fanout');
  const ingestDir = join(workDir, 'cpu-prof-ingest');
  mkdirSync(fanoutDir, { recursive: true });
  mkdirSync(ingestDir, { recursive: true });
  const size = Math.max(...form.fanout.sizes);
  console.log(`Profiling Keywatch (node --cpu-prof): fan-out at ${size} clients, then an ingest drain of ${form.ingest.entries} entries`);
  await runFanout({ ...form.fanout, sizes: [size], rounds: 1, arms: ['keywatch'], cpuProfileDir: fanoutDir, workDir, log });
  await runIngest({ entries: form.ingest.entries, rounds: 1, sustainedMs: 0, arms: ['keywatch'], cpuProfileDir: ingestDir, workDir, log });
  for (const [name, dir] of [['fan-out (measuring window only)', fanoutDir], ['ingest (whole process: start-up, then the drain)', ingestDir]]) {
    const files = readdirSync(dir).filter((file) => file.endsWith('.cpuprofile')).sort();
    if (files.length === 0) continue;
    summaries[name] = summariseCpuProfile(join(dir, files.at(-1)));
    console.log(`\n${renderProfile(`Keywatch CPU profile, ${name}`, summaries[name])}`);
  }
  return summaries;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  installCleanup();
  // The harness keeps off core 0, where the arms run.
  pinSelf('1');
  const form = options.clients ? { ...FORMS[options.mode], fanout: { ...FORMS[options.mode].fanout, sizes: options.clients } } : FORMS[options.mode];
  const startedAt = new Date().toISOString();
  const runId = `${stamp()}-${options.mode}`;
  const workDir = join(RESULTS_DIR, `logs-${runId}`);
  mkdirSync(workDir, { recursive: true });
  await ensureBuilt({ force: options.build });
  const machine = describeMachine();
  console.log(`Keywatch bench (${options.mode}${options.profile ? ', profile' : ''}) on ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, redis ${machine.redis}`);
  console.log(`Logs of every process: ${workDir}`);

  if (options.profile) {
    const profiles = await profileRun(form, workDir);
    const file = join(RESULTS_DIR, `profile-${runId}.json`);
    writeFileSync(file, JSON.stringify({ startedAt, machine, mode: options.mode, profiles }, null, 2));
    console.log(`\nWrote ${file}`);
    return;
  }

  const results = { startedAt, mode: options.mode, machine, form, scenarios: {} };
  const run = async (name, key, body) => {
    if (!options.only.includes(name)) return;
    console.log(`\n[${name}]`);
    const started = Date.now();
    results.scenarios[key] = await body();
    results.scenarios[key].durationS = Math.round((Date.now() - started) / 1000);
  };
  await run('fanout', 'fanout', () => fanoutScenario(form.fanout, workDir));
  await run('idle', 'idleMemory', () => runIdleMemory({ ...form.idle, workDir, log }));
  await run('ingest', 'ingest', () => runIngest({ ...form.ingest, workDir, log }));
  await run('alerts', 'alertLatency', () => runAlertLatency({ ...form.alerts, workDir, log }));
  await run('browser', 'browser', () => runBrowser({ ...form.browser, workDir, log }));

  const targets = judgeTargets(results);
  results.targets = targets;
  const report = renderReport(results, targets);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const base = join(RESULTS_DIR, `bench-${runId}`);
  writeFileSync(`${base}.json`, JSON.stringify(results, null, 2));
  writeFileSync(`${base}.svg`, renderSvg(results, targets));
  writeFileSync(`${base}.txt`, `${report}\n`);
  for (const extension of ['json', 'svg', 'txt']) copyFileSync(`${base}.${extension}`, join(RESULTS_DIR, `latest.${extension}`));
  console.log(`\n${report}\n\nWrote ${base}.json, .svg and .txt (also bench/results/latest.*)`);
}

main().then(
  () => {
    killAllChildren();
    process.exit(0);
  },
  (error) => {
    console.error(`\nbench failed: ${error.stack ?? error.message}`);
    killAllChildren();
    process.exit(1);
  },
);
