/**
 * What every Redis-backed CLI command needs: `REDIS_URL` and `KW_STREAM_PREFIX` checked
 * with clear messages, a connection with a bounded wait, errors turned into exit codes,
 * and the connection closed at the end. Exit codes: 0 ok, 1 failure, 2 bad usage or configuration.
 */
import { openRedis, whenReady, type RedisClient } from '../ingest/redis-connection.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

// Same rule as the server's config: a bad prefix must not silently touch other keys.
const PREFIX_PATTERN = /^[A-Za-z0-9:._{}-]{0,64}$/;
const CONNECT_TIMEOUT_MS = 5000;

/** Writes `keywatch <command>: message` to `err` and returns `code`. */
export function failWith(err: NodeJS.WritableStream, command: string, code: number, message: string): number {
  err.write(`keywatch ${command}: ${message}\n`);
  return code;
}

/** Connects to `REDIS_URL` and runs `work`; resolves to its exit code, or to a failure code with a message. */
export async function withRedis(
  command: string,
  env: NodeJS.ProcessEnv,
  err: NodeJS.WritableStream,
  work: (client: RedisClient, prefix: string) => Promise<number>,
): Promise<number> {
  const redisUrl = env.REDIS_URL?.trim();
  if (!redisUrl) {
    return failWith(err, command, EXIT_USAGE, `REDIS_URL is not set. Set it to Keywatch's Redis, e.g. REDIS_URL=redis://127.0.0.1:6379/0 (in embedded mode, use the UI).`);
  }
  if (!/^rediss?:\/\//.test(redisUrl)) return failWith(err, command, EXIT_USAGE, `REDIS_URL must start with redis:// or rediss://, got "${safeUrl(redisUrl)}".`);
  const prefix = env.KW_STREAM_PREFIX ?? 'kw:';
  if (!PREFIX_PATTERN.test(prefix)) {
    return failWith(err, command, EXIT_USAGE, `KW_STREAM_PREFIX may hold only letters, digits and : . _ { } - (at most 64), got "${prefix}".`);
  }
  let lastError = '';
  let client: RedisClient;
  try {
    client = openRedis({ url: redisUrl, failFastWhileDown: true, onError: (error) => (lastError = describe(error)) });
  } catch (error) {
    return failWith(err, command, EXIT_USAGE, `REDIS_URL is not a usable Redis URL (${describe(error)}).`);
  }
  try {
    try {
      await whenReady(client, CONNECT_TIMEOUT_MS);
    } catch {
      return failWith(err, command, EXIT_FAILURE, `cannot connect to Redis at ${safeUrl(redisUrl)}${lastError ? ` (${lastError})` : ''}. Is it running and reachable?`);
    }
    return await work(client, prefix);
  } catch (error) {
    return failWith(err, command, EXIT_FAILURE, `failed: ${describe(error)}.`);
  } finally {
    client.destroy();
  }
}

/** The URL for messages, without a password. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}
