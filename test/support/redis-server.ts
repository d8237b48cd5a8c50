/**
 * A real redis-server of the test's own, on a free port (never the machine's shared 6379),
 * that a fault test can kill and restart — with or without AOF persistence.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';

/** A port the OS says is free right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function newClient(url: string) {
  const client = createClient({ url, socket: { reconnectStrategy: () => 100 } });
  client.on('error', () => {});
  return client;
}

/** The tests' own Redis client type. */
export type TestRedisClient = ReturnType<typeof newClient>;

export interface TestRedisOptions {
  /** Keep data in an append-only file, so a restart finds it again. */
  appendOnly?: boolean;
}

export class TestRedis {
  readonly port: number;
  readonly dir: string;
  readonly #options: TestRedisOptions;
  #process: ChildProcess | null = null;

  private constructor(port: number, options: TestRedisOptions) {
    this.port = port;
    this.dir = mkdtempSync(join(tmpdir(), 'kw-redis-'));
    this.#options = options;
  }

  /** Starts a new redis-server on a free port. */
  static async start(options: TestRedisOptions = {}): Promise<TestRedis> {
    const redis = new TestRedis(await freePort(), options);
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** (Re)starts the server on the same port and data folder; resolves once it answers PING. */
  async restart(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', ''];
    args.push('--appendonly', this.#options.appendOnly ? 'yes' : 'no');
    if (this.#options.appendOnly) args.push('--appendfsync', 'always');
    this.#process = spawn('redis-server', args, { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        const client = createClient({ url: this.url, socket: { reconnectStrategy: false } });
        client.on('error', () => {});
        await client.connect();
        await client.ping();
        client.destroy();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${this.port}: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  /** A connected node-redis client for the test's own reads and writes (the "producer"). */
  async client(): Promise<TestRedisClient> {
    const client = newClient(this.url);
    await client.connect();
    return client;
  }

  /** Kills the server (SIGKILL: no shutdown save) and waits for it to exit. */
  async kill(): Promise<void> {
    const child = this.#process;
    this.#process = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  /** Kills the server and removes its data folder. */
  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
