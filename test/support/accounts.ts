/** Credentials for tests, made the way an operator makes them: with the real CLI. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { Role } from '../../shared/channels.js';
import { PROJECT_ROOT } from './keywatch-process.js';

let counter = 0;

/**
 * Runs `keywatch <args>` against `redisUrl`; resolves to its stdout. Asynchronous on
 * purpose: a test that blocked its event loop would miss its sockets' heartbeats.
 */
export function keywatchCli(redisUrl: string, args: string[], input?: string, prefix?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [join(PROJECT_ROOT, 'bin', 'keywatch.js'), ...args],
      { env: { PATH: process.env.PATH ?? '', REDIS_URL: redisUrl, ...(prefix ? { KW_STREAM_PREFIX: prefix } : {}) }, encoding: 'utf8' },
      (error, stdout, stderr) => (error ? reject(new Error(`keywatch ${args[0]} failed: ${stderr}`)) : resolve(stdout)),
    );
    child.stdin?.end(input ?? '');
  });
}

/** Creates an API token with `role` (`keywatch token create`, under the key prefix `prefix` when given) and returns it. */
export async function createToken(redisUrl: string, role: Role, prefix?: string): Promise<string> {
  return (await keywatchCli(redisUrl, ['token', 'create', `test-${role}-${process.pid}-${++counter}`, '--role', role], undefined, prefix)).trim();
}

/** The Authorization header of a bearer token. */
export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

/** Creates a user with a known password (`keywatch user add --password-stdin`). */
export async function createUser(redisUrl: string, name: string, role: Role, password: string): Promise<void> {
  await keywatchCli(redisUrl, ['user', 'add', name, '--role', role, '--password-stdin'], `${password}\n`);
}

/** Signs in through `POST /api/session`; returns the Cookie header to send. */
export async function signIn(origin: string, user: string, password: string): Promise<Record<string, string>> {
  const response = await fetch(`${origin}/api/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password }),
  });
  if (response.status !== 204) throw new Error(`sign-in as ${user} answered ${response.status}`);
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error('sign-in set no cookie');
  return { Cookie: cookie };
}
