#!/usr/bin/env node
// `npm test`: type checks, builds, then runs every Vitest suite (unit, Redis
// integration, browser end-to-end). It names any system program it could not find and
// how to get it; under CI=true a missing program fails the run instead of skipping.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const strict = process.env.CI === 'true' || process.env.CI === '1';
const extraArgs = process.argv.slice(2);

function run(command, args, options = {}) {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  return result.status ?? 1;
}

function has(program) {
  return spawnSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' }).status === 0;
}

const requirements = [
  { project: 'integration', ok: has('redis-server') && has('promtool') && existsSync('/usr/bin/prometheus-alertmanager'), missing: 'redis-server, promtool or /usr/bin/prometheus-alertmanager', install: 'apt-get install -y redis-server prometheus prometheus-alertmanager' },
  { project: 'e2e', ok: has('redis-server') && existsSync('/usr/bin/chromium'), missing: 'redis-server or /usr/bin/chromium', install: 'apt-get install -y chromium redis-server' },
];
const projects = ['unit'];
const skipped = [];
for (const requirement of requirements) {
  if (requirement.ok) projects.push(requirement.project);
  else skipped.push(requirement);
}
for (const { project, missing, install } of skipped) {
  console.error(`keywatch test: cannot run the ${project} suite: ${missing} is missing. Install it with: ${install}`);
}
if (skipped.length > 0 && strict) {
  console.error('keywatch test: CI=true, so nothing may be skipped.');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

if (run('npm', ['run', '--silent', 'typecheck']) !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
// The integration and browser suites start the built server (`node bin/keywatch.js serve`).
if (run('npm', ['run', '--silent', 'build']) !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const reportDir = mkdtempSync(join(tmpdir(), 'kw-test-'));
const reportFile = join(reportDir, 'report.json');
const status = run('npx', [
  'vitest', 'run', ...projects.flatMap((project) => ['--project', project]),
  '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`, ...extraArgs,
]);
let passed = 0;
let failed = status === 0 ? 0 : 1;
let pending = 0;
if (existsSync(reportFile)) {
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  passed = report.numPassedTests;
  failed = report.numFailedTests + (status !== 0 && report.numFailedTests === 0 ? 1 : 0);
  pending = report.numPendingTests + report.numTodoTests;
}
rmSync(reportDir, { recursive: true, force: true });
if (skipped.length > 0) console.log(`Suites not run: ${skipped.map((s) => s.project).join(', ')} (see above).`);
if (strict && pending > 0) {
  console.error(`keywatch test: CI=true, but ${pending} test(s) were skipped.`);
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed${pending > 0 ? `, ${pending} skipped` : ''}`);
process.exit(failed > 0 || status !== 0 ? 1 : 0);
