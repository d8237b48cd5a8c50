/** `keywatch <command>`: the entry point of `npx keywatch` and `npm start`. */
import { loadConfig } from './config.js';
import { KeywatchError } from './errors.js';

const USAGE = `Usage: keywatch <command> [options]

Commands:
  serve       run the server (REDIS_URL set: Redis mode; unset: embedded mode with demo data)
  simulate    write realistic traffic into the streams of REDIS_URL (keywatch simulate --help)
  replay      write the entries recorded in a JSONL file into the streams of REDIS_URL (keywatch replay --help)
  user        add, list, remove users and change their roles (keywatch user --help)
  token       create, list and revoke API tokens (keywatch token --help)
  audit       verify or export the audit trail (keywatch audit --help)

Configuration is read from the environment; see the README.`;

/** Runs a command; resolves with the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve': {
        const { serve } = await import('./server.js');
        const code = await serve(loadConfig());
        // Open handles (a half-closed socket) must not keep a stopped server alive.
        setTimeout(() => process.exit(code), 100).unref();
        return code;
      }
      case 'simulate': {
        const { simulateCommand } = await import('./simulate/command.js');
        const stop = new AbortController();
        process.once('SIGINT', () => stop.abort());
        process.once('SIGTERM', () => stop.abort());
        return await simulateCommand(rest, process.env, process.stdout, stop.signal);
      }
      case 'replay': {
        const { replayCommand } = await import('./replay/command.js');
        const stop = new AbortController();
        process.once('SIGINT', () => stop.abort());
        process.once('SIGTERM', () => stop.abort());
        return await replayCommand(rest, process.env, process.stdout, stop.signal);
      }
      case 'user':
      case 'token': {
        const { tokenCommand, userCommand } = await import('./auth/account-command.js');
        const io = { out: process.stdout, err: process.stderr, readStdin };
        return command === 'user' ? await userCommand(rest, process.env, io) : await tokenCommand(rest, process.env, io);
      }
      case 'audit': {
        const { auditCommand } = await import('./audit/audit-command.js');
        return await auditCommand(rest, process.env, process.stdout, process.stderr);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        console.error(`keywatch: unknown command "${command}".\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof KeywatchError) {
      console.error(`keywatch: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

/** All of standard input, as text (for --password-stdin). */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
