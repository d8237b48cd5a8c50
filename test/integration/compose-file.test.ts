/**
 * There is no Docker engine on our machines, so the compose file is checked by reading
 * it: its services, that Redis persists (AOF), and that every command it runs is one
 * the package really has.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseSimulateArgs } from '../../server/simulate/command-options.js';
import { PROJECT_ROOT } from '../support/keywatch-process.js';

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
}

const compose = parse(readFileSync(join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };
const packageJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };
const cliSource = readFileSync(join(PROJECT_ROOT, 'server', 'cli.ts'), 'utf8');

describe('docker-compose.yml', () => {
  it('runs Redis with AOF persistence, the server and the simulator', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['keywatch', 'redis', 'simulator']);
    expect(compose.services.redis!.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
  });

  it('runs only commands the package has, against the compose Redis', () => {
    for (const name of ['keywatch', 'simulator']) {
      const service = compose.services[name]!;
      expect(service.build).toBe('.');
      const [npx, bin, command] = service.command!;
      expect(npx).toBe('npx');
      expect(Object.keys(packageJson.bin)).toContain(bin);
      expect(cliSource).toContain(`case '${command}':`);
      expect(service.environment?.REDIS_URL).toBe('redis://redis:6379/0');
    }
    // `npm start` is the same server command.
    expect(packageJson.scripts.start).toBe('node bin/keywatch.js serve');
    expect(compose.services.keywatch!.environment?.HOST).toBe('0.0.0.0');
    expect(compose.services.keywatch!.ports).toEqual(['127.0.0.1:8080:8080']);
  });

  it('passes simulator options the simulate command accepts', () => {
    const [, , , ...options] = compose.services.simulator!.command!;
    expect(parseSimulateArgs(options).kind).toBe('run');
  });

  it('runs `npx keywatch` from the project right after install, listing every command', () => {
    const help = execFileSync('npx', ['keywatch', '--help'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    for (const command of ['serve', 'simulate', 'user', 'token', 'audit']) expect(help).toMatch(new RegExp(`^  ${command} `, 'm'));
  });
});
