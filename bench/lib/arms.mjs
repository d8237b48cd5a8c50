/**
 * Starting the bench's baseline servers and its load generator as pinned child
 * processes, each with the probe preloaded and an IPC channel.
 */
import { connect } from 'node:net';
import { join } from 'node:path';
import { BENCH_ROOT, PROJECT_ROOT } from './paths.mjs';
import { spawnPinned, stopChild } from './processes.mjs';
import { freePort } from './redis.mjs';
import { sleep } from './stats.mjs';

/** The baseline arms and their server scripts. */
export const BASELINE_SCRIPTS = {
  naive: 'arms/naive-ws.mjs',
  plain: 'arms/naive-ws.mjs',
  ceiling: 'arms/ceiling.mjs',
  socketio: 'arms/socketio.mjs',
};

/** Resolves once something accepts TCP connections on `port`. */
export async function waitForPort(port, child, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}) before listening on ${port}`);
    const ok = await new Promise((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listening on ${port} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/**
 * Starts baseline arm `name` pinned to `core`; resolves once it listens.
 * @returns {Promise<{ name: string, child: any, pid: number, port: number, stop: () => Promise<void> }>}
 */
export async function startBaseline(name, { core, env = {}, logFile }) {
  const script = BASELINE_SCRIPTS[name];
  if (!script) throw new Error(`unknown arm ${name}`);
  const port = await freePort();
  const child = spawnPinned({
    core, command: process.execPath, logFile, ipc: true, cwd: PROJECT_ROOT,
    args: ['--expose-gc', '--import', join(BENCH_ROOT, 'arms/probe.mjs'), join(BENCH_ROOT, script)],
    env: { BENCH_PORT: String(port), ...env },
  });
  await waitForPort(port, child);
  return { name, child, pid: child.pid, port, stop: () => stopChild(child) };
}

/** Starts the load generator pinned to `core`. */
export function startLoadGenerator({ core, logFile }) {
  const child = spawnPinned({
    core, command: process.execPath, logFile, ipc: true, cwd: PROJECT_ROOT,
    args: ['--max-old-space-size=8192', join(BENCH_ROOT, 'loadgen/clients.mjs')],
  });
  return { child, pid: child.pid, stop: () => stopChild(child) };
}
