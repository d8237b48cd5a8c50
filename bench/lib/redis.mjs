/**
 * The bench's own redis-server on a free port (never the machine's shared 6379), with no
 * persistence, pinned to a core; and node-redis clients to it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { spawnPinned, stopChild } from './processes.mjs';
import { sleep } from './stats.mjs';

/** A TCP port the OS says is free right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A connected node-redis client (errors are the caller's to see on commands, not crashes). */
export async function redisClient(url) {
  const client = createClient({ url, RESP: 2, socket: { reconnectStrategy: () => 200 } });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/**
 * Starts redis-server pinned to `core`; resolves once it answers PING.
 * @returns {Promise<{ port: number, url: string, pid: number, client: () => Promise<any>, stop: () => Promise<void> }>}
 */
export async function startRedis({ core, logFile }) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'kw-bench-redis-'));
  const child = spawnPinned({
    core, command: 'redis-server', logFile,
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--maxclients', '20000'],
  });
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const client = createClient({ url, socket: { reconnectStrategy: false } });
      client.on('error', () => {});
      await client.connect();
      await client.ping();
      client.destroy();
      break;
    } catch (error) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`redis-server did not start on port ${port}: ${error.message}`);
      await sleep(50);
    }
  }
  return {
    port, url, pid: child.pid,
    client: () => redisClient(url),
    stop: async () => {
      await stopChild(child, { signal: 'SIGKILL' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
