/**
 * Keywatch as the bench runs it: the built server (`node bin/keywatch.js serve`) as a
 * child process pinned to a core, in Redis mode against the bench's own redis-server,
 * with the bench probe preloaded (memory on request; for fan-out, the tick trace); and the
 * CLI for credentials, used the way an operator uses it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, BENCH_ROOT } from './paths.mjs';
import { runCommand, spawnPinned, stopChild } from './processes.mjs';
import { freePort } from './redis.mjs';
import { sleep } from './stats.mjs';

const BUILT = [join(PROJECT_ROOT, 'dist/server/cli.js'), join(PROJECT_ROOT, 'web/dist/index.html')];

/** Builds the server and the dashboard (`npm run build`) when either is missing, or when `force`. */
export async function ensureBuilt({ force = false } = {}) {
  if (!force && BUILT.every((file) => existsSync(file))) return false;
  console.log('bench: building (npm run build)…');
  const { code, stdout, stderr } = await runCommand('npm', ['run', 'build'], { env: { ...process.env } });
  if (code !== 0) throw new Error(`npm run build failed:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`);
  return true;
}

/** Runs `keywatch <args>` against `redisUrl`; resolves with its stdout. */
export async function keywatchCli(redisUrl, args, input) {
  const { code, stdout, stderr } = await runCommand(process.execPath, [join(PROJECT_ROOT, 'bin/keywatch.js'), ...args], {
    env: { REDIS_URL: redisUrl }, input, timeoutMs: 60_000,
  });
  if (code !== 0) throw new Error(`keywatch ${args.join(' ')} failed (${code}): ${stderr.slice(-1000)}`);
  return stdout;
}

/** A new API token with `role`, made with `keywatch token create`. */
export async function createToken(redisUrl, role, name = `bench-${role}-${Date.now()}`) {
  return (await keywatchCli(redisUrl, ['token', 'create', name, '--role', role])).trim();
}

/** A user with a known password, made with `keywatch user add --password-stdin`. */
export async function createUser(redisUrl, name, role, password) {
  await keywatchCli(redisUrl, ['user', 'add', name, '--role', role, '--password-stdin'], `${password}\n`);
}

/**
 * Starts the Keywatch server pinned to `core`; resolves once /readyz answers 200 (the
 * stream source is being read) or, with `waitReady: false`, once /healthz does.
 * `cpuProfileDir` runs it under `node --cpu-prof` (the profile is written when it stops).
 */
export async function startKeywatch({ redisUrl, core, env = {}, logFile, traceTicks = false, cpuProfileDir, waitReady = true }) {
  const port = await freePort();
  const nodeArgs = ['--expose-gc', '--import', join(BENCH_ROOT, 'arms/probe.mjs')];
  if (cpuProfileDir) nodeArgs.push('--cpu-prof', '--cpu-prof-dir', cpuProfileDir);
  const tickMs = env.KW_TICK_MS ?? '250';
  const child = spawnPinned({
    core, command: process.execPath, logFile, ipc: true, cwd: PROJECT_ROOT,
    args: [...nodeArgs, join(PROJECT_ROOT, 'bin/keywatch.js'), 'serve'],
    env: {
      REDIS_URL: redisUrl, HOST: '127.0.0.1', PORT: String(port), KW_INSTANCE_ID: `bench-${port}`, KW_TICK_MS: tickMs,
      BENCH_TRACE_TICKS: traceTicks ? '1' : '0', ...env,
    },
  });
  const origin = `http://127.0.0.1:${port}`;
  const path = waitReady ? '/readyz' : '/healthz';
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`keywatch exited (${child.exitCode}) at start; see ${logFile}`);
    try {
      if ((await fetch(origin + path)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopChild(child, { signal: 'SIGKILL' });
      throw new Error(`keywatch did not become ready within 30 s; see ${logFile}`);
    }
    await sleep(50);
  }
  return { child, pid: child.pid, port, origin, stop: (options) => stopChild(child, { graceMs: 12_000, ...options }) };
}
