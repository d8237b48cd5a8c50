/**
 * Child processes of the bench: each pinned to a core with `taskset`, with the open-file
 * limit raised to the hard limit (10k sockets need 10k descriptors), in a process group of
 * its own so that it and whatever it starts can be ended together — and every one of them
 * is ended when the bench exits, fails or is interrupted.
 */
import { spawn, spawnSync } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();

/**
 * Starts `command args` pinned to `core` (a taskset CPU list such as "0"), with the
 * open-file limit at its hard maximum. `logFile` receives stdout and stderr; `ipc` adds an
 * IPC channel (Node children only). Resolves nothing: the child is returned at once.
 * @param {{ core: string, command: string, args?: string[], env?: Record<string,string>, logFile?: string, ipc?: boolean, cwd?: string }} options
 */
export function spawnPinned({ core, command, args = [], env = {}, logFile, ipc = false, cwd }) {
  const out = logFile ? openSync(logFile, 'a') : 'ignore';
  // `exec` twice: the pid we hold is the pid of `command` itself, so /proc/<pid> is the arm's.
  const script = 'ulimit -n "$(ulimit -Hn)"; exec taskset -c "$0" "$@"';
  const child = spawn('bash', ['-c', script, core, command, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', out, out, ...(ipc ? ['ipc'] : [])],
    detached: true,
    cwd,
  });
  if (typeof out === 'number') closeSync(out);
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Runs a short command to completion (pinned when `core` is given); resolves with its output and exit code. */
export function runCommand(command, args, { core, env, input, timeoutMs = 600_000 } = {}) {
  const full = core === undefined ? [command, args] : ['taskset', ['-c', core, command, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(full[0], full[1], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

/** Sends `signal` to the child's whole process group (it was started detached, so the group is its own). */
function killGroup(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/**
 * Stops a child: `signal` first (SIGTERM lets a server write its CPU profile), SIGKILL to
 * its group after `graceMs`. Resolves once it has exited.
 */
export function stopChild(child, { signal = 'SIGTERM', graceMs = 5000 } = {}) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      // Anything the child left in its group (none expected) goes too.
      killGroup(child, 'SIGKILL');
      resolve();
    });
    killGroup(child, signal);
  });
}

/** Ends every child still running, at once (used on exit and on interruption). */
export function killAllChildren() {
  for (const child of children) killGroup(child, 'SIGKILL');
  children.clear();
}

/** Pins this (harness) process to `core`, so it keeps off the core the arms run on. */
export function pinSelf(core) {
  spawnSync('taskset', ['-a', '-p', '-c', core, String(process.pid)], { stdio: 'ignore' });
}

let installed = false;
/** Makes sure no child outlives the bench: on exit, on Ctrl-C, on SIGTERM, on an uncaught error. */
export function installCleanup() {
  if (installed) return;
  installed = true;
  process.on('exit', killAllChildren);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      console.error(`\nbench: ${signal}: stopping every child process`);
      killAllChildren();
      process.exit(130);
    });
  }
}
