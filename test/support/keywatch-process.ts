/**
 * The real, built server as a child process (`node bin/keywatch.js serve`), the way a
 * user runs it, with its stdout and stderr captured so tests can read every log line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './redis-server.js';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export class KeywatchProcess {
  readonly port: number;
  readonly #env: Record<string, string>;
  #child: ChildProcess | null = null;
  #output = '';

  private constructor(port: number, env: Record<string, string>) {
    this.port = port;
    this.#env = env;
  }

  /** Starts the server with `env` on a free port and waits until /healthz answers. */
  static async start(env: Record<string, string> = {}, port?: number): Promise<KeywatchProcess> {
    const server = new KeywatchProcess(port ?? (await freePort()), env);
    await server.restart();
    return server;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Everything the process wrote to stdout and stderr, over all its runs. */
  get output(): string {
    return this.#output;
  }

  /** Starts (again) on the same port. */
  async restart(): Promise<void> {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(this.port), ...this.#env };
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'keywatch.js'), 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.#output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (this.#output += chunk.toString('utf8')));
    await waitFor(async () => (await fetch(`${this.origin}/healthz`)).ok, 20_000, () => `server did not start:\n${this.#output.slice(-2000)}`);
  }

  /** Sends `signal` and waits for the process to exit; resolves with its exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.#child;
    this.#child = null;
    if (!child || child.exitCode !== null) return child?.exitCode ?? null;
    return new Promise((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.kill(signal);
    });
  }
}

/** Polls `condition` until it holds; throws `describe()` after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, describe: () => string = () => 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await condition()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
