/**
 * A real Prometheus Alertmanager of the test's own (Debian package
 * `prometheus-alertmanager`), on a free port, clustering off, with a minimal
 * configuration in a temporary folder: one receiver that sends nothing, and a short
 * `resolve_timeout` so a test can show that Keywatch's re-sends keep an alert firing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './keywatch-process.js';
import { freePort } from './redis-server.js';

/** Where Debian's package puts the binary. */
export const ALERTMANAGER_PATH = '/usr/bin/prometheus-alertmanager';

/** An alert as `GET /api/v2/alerts` lists it. */
export interface ListedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; silencedBy: string[]; inhibitedBy: string[] };
}

export interface TestAlertmanagerOptions {
  /** `global.resolve_timeout`: how long an alert without a re-send stays firing. Default `5s`. */
  resolveTimeout?: string;
}

export class TestAlertmanager {
  readonly port: number;
  readonly dir: string;
  #child: ChildProcess | null = null;
  #output = '';

  private constructor(port: number) {
    this.port = port;
    this.dir = mkdtempSync(join(tmpdir(), 'kw-alertmanager-'));
  }

  /** Starts Alertmanager and waits until `/-/ready` answers; throws, naming the fix, when it is not installed. */
  static async start(options: TestAlertmanagerOptions = {}): Promise<TestAlertmanager> {
    if (!existsSync(ALERTMANAGER_PATH)) {
      throw new Error(`Alertmanager not found at ${ALERTMANAGER_PATH}: install it with \`apt-get install -y prometheus-alertmanager\`.`);
    }
    const manager = new TestAlertmanager(await freePort());
    const configFile = join(manager.dir, 'alertmanager.yml');
    writeFileSync(configFile, [
      'global:',
      `  resolve_timeout: ${options.resolveTimeout ?? '5s'}`,
      'route:',
      '  receiver: nowhere',
      '  group_wait: 1s',
      '  group_interval: 1s',
      '  repeat_interval: 1h',
      'receivers:',
      '  - name: nowhere',
      '',
    ].join('\n'));
    const child = spawn(ALERTMANAGER_PATH, [
      `--config.file=${configFile}`,
      `--storage.path=${join(manager.dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${manager.port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    manager.#child = child;
    child.stdout?.on('data', (chunk: Buffer) => (manager.#output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (manager.#output += chunk.toString('utf8')));
    await waitFor(async () => (await fetch(`${manager.url}/-/ready`)).ok, 15_000, () => `alertmanager did not start:\n${manager.#output.slice(-2000)}`);
    return manager;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** What Alertmanager wrote to its log. */
  get output(): string {
    return this.#output;
  }

  /** The alerts Alertmanager holds as firing now (resolved ones are left out of its list). */
  async alerts(): Promise<ListedAlert[]> {
    const response = await fetch(`${this.url}/api/v2/alerts`);
    if (!response.ok) throw new Error(`GET /api/v2/alerts answered ${response.status}`);
    return (await response.json()) as ListedAlert[];
  }

  /** The listed alerts whose labels include `labels`. */
  async find(labels: Record<string, string>): Promise<ListedAlert[]> {
    return (await this.alerts()).filter((alert) => Object.entries(labels).every(([name, value]) => alert.labels[name] === value));
  }

  /** Stops Alertmanager and removes its folder. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (child && child.exitCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
