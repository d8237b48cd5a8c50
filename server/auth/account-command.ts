/**
 * `keywatch user …` and `keywatch token …`: manage accounts in Redis (embedded mode
 * manages them in the UI). Every change is audited as done by `cli`.
 */
import { parseArgs } from 'node:util';
import { RedisAuditLog } from '../audit/redis-audit-log.js';
import { EXIT_OK, EXIT_USAGE, failWith, withRedis } from '../cli/redis-command.js';
import type { RedisClient } from '../ingest/redis-connection.js';
import { ROLES } from '../../shared/channels.js';
import { AccountError, AuthService, isRole } from './auth-service.js';
import { RedisAccountStore } from './redis-account-store.js';

/** The actor recorded in the audit trail for changes made from the command line. */
export const CLI_ACTOR = 'cli';

export const USER_USAGE = `Usage:
  keywatch user add NAME --role ROLE [--password-stdin]   create or update (password read from stdin, else generated and printed once)
  keywatch user list
  keywatch user remove NAME
  keywatch user role NAME ROLE
Roles: ${ROLES.join(', ')}. Needs REDIS_URL.
`;

export const TOKEN_USAGE = `Usage:
  keywatch token create NAME --role ROLE [--ttl DAYS]     prints the bearer token alone on stdout, once
  keywatch token list
  keywatch token revoke NAME
Roles: ${ROLES.join(', ')}. Needs REDIS_URL.
`;

export interface CommandIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  /** Reads all of standard input (for --password-stdin). */
  readStdin: () => Promise<string>;
}

function service(client: RedisClient, prefix: string): AuthService {
  const audit = new RedisAuditLog({ client, prefix });
  return new AuthService({
    store: new RedisAccountStore({ client, url: '', prefix, sessionMaxMs: 90 * 86_400_000 }),
    audit: (record) => audit.append(record),
    sessionIdleMs: 0,
    sessionMaxMs: 0,
  });
}

/** Runs `keywatch user …`; resolves to the exit code. */
export async function userCommand(argv: string[], env: NodeJS.ProcessEnv, io: CommandIo): Promise<number> {
  const usage = (message: string): number => failWith(io.err, 'user', EXIT_USAGE, `${message}\n\n${USER_USAGE}`);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { role: { type: 'string' }, 'password-stdin': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    return usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [action, name, roleArgument] = positionals;
  if (values.help) {
    io.out.write(USER_USAGE);
    return EXIT_OK;
  }
  const role = action === 'role' ? roleArgument : values.role;
  if (action === 'add' || action === 'role') {
    if (!name) return usage(`"user ${action}" needs a NAME.`);
    if (!isRole(role)) return usage(`a role is one of ${ROLES.join(', ')}${role === undefined ? '' : `, got "${role}"`}.`);
  } else if (action === 'remove') {
    if (!name) return usage('"user remove" needs a NAME.');
  } else if (action !== 'list') {
    return usage(action === undefined ? 'say what to do.' : `unknown action "${action}".`);
  }
  const password = values['password-stdin'] ? (await io.readStdin()).replace(/\r?\n$/, '') : undefined;
  return withRedis('user', env, io.err, async (client, prefix) => {
    const auth = service(client, prefix);
    try {
      if (action === 'list') {
        for (const user of await auth.store.listUsers()) io.out.write(`${user.name}\t${user.role}\n`);
      } else if (action === 'add' && isRole(role)) {
        const { created, password: generated } = await auth.putUser(CLI_ACTOR, name!, role, password);
        io.err.write(`keywatch user: ${created ? 'created' : 'updated'} ${name} (${role})\n`);
        if (generated) io.out.write(`${generated}\n`);
      } else if (action === 'role' && isRole(role)) {
        await auth.setRole(CLI_ACTOR, name!, role);
      } else if (action === 'remove') {
        await auth.removeUser(CLI_ACTOR, name!);
      }
      return EXIT_OK;
    } catch (error) {
      if (error instanceof AccountError) return failWith(io.err, 'user', error.status === 400 ? EXIT_USAGE : 1, error.message);
      throw error;
    }
  });
}

/** Runs `keywatch token …`; resolves to the exit code. */
export async function tokenCommand(argv: string[], env: NodeJS.ProcessEnv, io: CommandIo): Promise<number> {
  const usage = (message: string): number => failWith(io.err, 'token', EXIT_USAGE, `${message}\n\n${TOKEN_USAGE}`);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { role: { type: 'string' }, ttl: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    return usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [action, name] = positionals;
  if (values.help) {
    io.out.write(TOKEN_USAGE);
    return EXIT_OK;
  }
  let ttlDays: number | null = null;
  if (action === 'create') {
    if (!name) return usage('"token create" needs a NAME.');
    if (!isRole(values.role)) return usage(`--role is one of ${ROLES.join(', ')}${values.role === undefined ? '' : `, got "${values.role}"`}.`);
    if (values.ttl !== undefined) {
      if (!/^[1-9]\d{0,3}$/.test(values.ttl)) return usage(`--ttl is a number of days from 1 to 9999, got "${values.ttl}".`);
      ttlDays = Number(values.ttl);
    }
  } else if (action === 'revoke') {
    if (!name) return usage('"token revoke" needs a NAME.');
  } else if (action !== 'list') {
    return usage(action === undefined ? 'say what to do.' : `unknown action "${action}".`);
  }
  const role = values.role;
  return withRedis('token', env, io.err, async (client, prefix) => {
    const auth = service(client, prefix);
    try {
      if (action === 'list') {
        for (const token of await auth.store.listTokens()) {
          const expires = token.expiresAt === null ? 'never' : new Date(token.expiresAt).toISOString();
          io.out.write(`${token.name}\t${token.role}\texpires ${expires}\n`);
        }
      } else if (action === 'create' && isRole(role)) {
        const { token } = await auth.createToken(CLI_ACTOR, name!, role, ttlDays);
        io.out.write(`${token}\n`);
      } else if (action === 'revoke') {
        await auth.revokeToken(CLI_ACTOR, name!);
      }
      return EXIT_OK;
    } catch (error) {
      if (error instanceof AccountError) return failWith(io.err, 'token', error.status === 400 ? EXIT_USAGE : 1, error.message);
      throw error;
    }
  });
}
