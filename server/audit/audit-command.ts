/**
 * `keywatch audit verify` and `keywatch audit export`: check the audit trail's hash chain
 * in Redis, or write it out as CSV. Exit codes: 0 intact / exported, 1 the trail is
 * broken or Redis failed, 2 bad usage or configuration.
 */
import { once } from 'node:events';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, failWith, withRedis } from '../cli/redis-command.js';
import { RedisAuditLog } from './redis-audit-log.js';

export const AUDIT_USAGE = `Usage: keywatch audit <verify|export>

Commands:
  verify   walk the audit trail's hash chain oldest to newest; prints
           "audit trail intact: N entries" (exit 0), or names the problem
           (edited, deleted, head_mismatch) and the entry where it shows (exit 1)
  export   write the audit trail to stdout as CSV (at,user,action,target),
           oldest first; cells that a spreadsheet would run as a formula
           start with an apostrophe

Needs REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379/0. Keys are read under
KW_STREAM_PREFIX (default kw:): \${prefix}audit, \${prefix}audit:head, \${prefix}audit:anchor.
Exit codes: 0 ok, 1 trail broken or Redis failed, 2 bad usage or configuration.
`;

/**
 * Runs `keywatch audit` with the arguments after `audit`; results go to `out`, problems
 * to `err`. Resolves to the exit code; never throws.
 */
export async function auditCommand(argv: string[], env: NodeJS.ProcessEnv, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const fail = (code: number, message: string): number => failWith(err, 'audit', code, message);
  if (argv.includes('--help') || argv.includes('-h') || argv[0] === 'help') {
    out.write(AUDIT_USAGE);
    return EXIT_OK;
  }
  const [subcommand, ...extra] = argv;
  if (subcommand === undefined) return fail(EXIT_USAGE, `which audit command: verify or export?\n\n${AUDIT_USAGE}`);
  if (subcommand !== 'verify' && subcommand !== 'export') return fail(EXIT_USAGE, `unknown command "${subcommand}".\n\n${AUDIT_USAGE}`);
  if (extra.length > 0) return fail(EXIT_USAGE, `"audit ${subcommand}" takes no arguments, got "${extra.join(' ')}". Run \`keywatch audit --help\`.`);

  return withRedis('audit', env, err, async (client, prefix) => {
    const log = new RedisAuditLog({ client, prefix });
    if (subcommand === 'verify') {
      const outcome = await log.verify();
      if (outcome.ok) {
        out.write(`audit trail intact: ${outcome.entries} ${outcome.entries === 1 ? 'entry' : 'entries'}\n`);
        return EXIT_OK;
      }
      const where = outcome.at === null ? '' : ` at entry ${outcome.at}`;
      const intact = outcome.entries === 1 ? '1 entry before it is intact' : `${outcome.entries} entries before it are intact`;
      return fail(EXIT_FAILURE, `audit trail NOT intact: ${outcome.problem}${where}: ${outcome.message}. ${intact}.`);
    }
    for await (const line of log.exportCsv()) {
      if (!out.write(line)) await once(out, 'drain');
    }
    return EXIT_OK;
  });
}
