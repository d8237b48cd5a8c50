/** `keywatch <command>`: the entry point of `npx keywatch` and `npm start`. */
import { loadConfig } from './config.js';
import { KeywatchError } from './errors.js';

const USAGE = `Usage: keywatch <command> [options]

Commands:
  serve       run the server (REDIS_URL set: Redis mode; unset: embedded mode with demo data)
  simulate    write realistic traffic into the streams of REDIS_URL (keywatch simulate --help)

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
