/**
 * `keywatch simulate`: connects to `REDIS_URL` and runs the simulator until `--duration`
 * ends or the signal aborts (the CLI aborts it on SIGINT/SIGTERM), with a progress line.
 */
import { createClient, ErrorReply } from 'redis';
import { RedisStreamWriter } from '../ingest/redis-stream-writer.js';
import { parseSimulateArgs, SIMULATE_USAGE } from './command-options.js';
import { ProgressReporter } from './progress.js';
import { Simulator } from './simulator.js';

/** Exit codes: 0 done, 1 Redis failed, 2 bad usage or configuration. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

// Same rule as the server's config: a bad prefix must not silently create stray keys.
const PREFIX_PATTERN = /^[A-Za-z0-9:._{}-]{0,64}$/;
// Give up if Redis cannot be reached at start; once connected, keep retrying (capped backoff).
const INITIAL_CONNECT_ATTEMPTS = 4;
const WRITE_ERROR_REPORT_EVERY_MS = 5_000;

/** The URL for messages, without a password. */
function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.message || error.name;
}

/**
 * Runs `keywatch simulate` with the arguments after `simulate`. Progress goes to `out`,
 * errors to `err`. Resolves to the exit code; never throws.
 */
export async function simulateCommand(
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: NodeJS.WritableStream,
  signal: AbortSignal,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  const fail = (code: number, message: string): number => {
    err.write(`keywatch simulate: ${message}\n`);
    return code;
  };
  const parsed = parseSimulateArgs(argv);
  if (parsed.kind === 'help') {
    out.write(SIMULATE_USAGE);
    return EXIT_OK;
  }
  if (parsed.kind === 'error') {
    return fail(EXIT_USAGE, `${parsed.message}. Run \`keywatch simulate --help\` for the options.`);
  }
  const options = parsed.options;

  const redisUrl = env.REDIS_URL?.trim();
  if (!redisUrl) {
    return fail(EXIT_USAGE, 'REDIS_URL is not set. Set it to the Redis to write into, e.g. REDIS_URL=redis://127.0.0.1:6379/0.');
  }
  if (!/^rediss?:\/\//.test(redisUrl)) {
    return fail(EXIT_USAGE, `REDIS_URL must start with redis:// or rediss://, got "${safeUrl(redisUrl)}".`);
  }
  const prefix = env.KW_STREAM_PREFIX ?? 'kw:';
  if (!PREFIX_PATTERN.test(prefix)) {
    return fail(EXIT_USAGE, `KW_STREAM_PREFIX may hold only letters, digits and : . _ { } - (at most 64), got "${prefix}".`);
  }
  if (signal.aborted) return EXIT_OK;

  let connected = false;
  let client: ReturnType<typeof createClient>;
  try {
    client = createClient({
      url: redisUrl,
      socket: {
        connectTimeout: 5000,
        reconnectStrategy: (retries: number, cause: Error) => {
          if (!connected && retries >= INITIAL_CONNECT_ATTEMPTS) return cause;
          return Math.round(100 + Math.random() * Math.min(5000, 100 * 2 ** Math.min(retries, 10)));
        },
      },
    });
  } catch (error) {
    return fail(EXIT_USAGE, `REDIS_URL is not a usable Redis URL (${describe(error)}).`);
  }
  // node-redis emits 'error' on every failed reconnect; without a listener the process would crash.
  let lastRedisError: string | undefined;
  client.on('error', (error: Error) => {
    lastRedisError = describe(error);
  });
  const abortConnect = (): void => client.destroy();
  signal.addEventListener('abort', abortConnect, { once: true });
  try {
    await client.connect();
    connected = true;
  } catch (error) {
    if (signal.aborted) return EXIT_OK;
    return fail(EXIT_FAILURE, `cannot connect to Redis at ${safeUrl(redisUrl)}: ${describe(error)}. Is it running and reachable?`);
  } finally {
    signal.removeEventListener('abort', abortConnect);
  }

  let lastReportMs = 0;
  // A lost connection is retried (node-redis reconnects); an error reply from Redis
  // (WRONGTYPE, OOM, NOPERM…) will not go away by itself, so it stops the run.
  const onWriteError = (error: unknown): boolean => {
    if (error instanceof ErrorReply) return false;
    if (Date.now() - lastReportMs >= WRITE_ERROR_REPORT_EVERY_MS) {
      lastReportMs = Date.now();
      // On a terminal the progress line has no newline yet: start a fresh line.
      const freshLine = (out as Partial<NodeJS.WriteStream>).isTTY === true ? '\n' : '';
      err.write(`${freshLine}keywatch simulate: writing to Redis failed (${describe(error)}); retrying, entries meanwhile are dropped.\n`);
    }
    return true;
  };
  const simulator = new Simulator(new RedisStreamWriter(client), {
    onWriteError,
    collectors: options.collectors,
    rate: options.rate,
    anomalies: options.anomalies,
    clock: options.clock,
    seed: options.seed,
    prefix,
    maxLength: options.maxLength,
  });
  const progress = new ProgressReporter(out, () => simulator.stats, options.collectors);
  out.write(
    `keywatch simulate: writing to ${prefix}collect and ${prefix}security at ${safeUrl(redisUrl)}` +
      ` (${options.collectors} collectors, clock ${options.clock}${options.anomalies ? ', anomalies on' : ''}). Ctrl-C stops.\n`,
  );
  progress.start();
  let exitCode = EXIT_OK;
  try {
    await simulator.run(signal, options.durationSeconds === undefined ? undefined : options.durationSeconds * 1000);
  } catch (error) {
    exitCode = EXIT_FAILURE;
    progress.finish();
    fail(EXIT_FAILURE, `writing to Redis failed: ${describe(error)}${lastRedisError ? ` (last connection error: ${lastRedisError})` : ''}. Check that the stream keys are free for streams and Redis accepts writes.`);
  }
  if (exitCode === EXIT_OK) progress.finish();
  try {
    await client.close();
  } catch {
    client.destroy();
  }
  return exitCode;
}
