/**
 * node-redis client creation shared by every Redis adapter: reconnects with
 * jittered exponential backoff, and never lets an 'error' event crash the process.
 */
import { createClient } from 'redis';

/** Every adapter speaks RESP2 so that raw replies (`sendCommand`) have one known shape. */
function createRespTwoClient(options: RedisConnectionOptions) {
  return createClient({
    url: options.url,
    RESP: 2,
    disableOfflineQueue: options.failFastWhileDown ?? false,
    socket: { reconnectStrategy: (retries: number) => reconnectDelayMs(retries), connectTimeout: 5000 },
  });
}

export type RedisClient = ReturnType<typeof createRespTwoClient>;

export interface RedisConnectionOptions {
  url: string;
  /** Fail commands at once while disconnected instead of queueing them (for readers that must notice). */
  failFastWhileDown?: boolean;
  onError?: (error: Error) => void;
}

/** Backoff before reconnect attempt `retries`: exponential up to 5 s, with full jitter. */
export function reconnectDelayMs(retries: number, random: () => number = Math.random): number {
  const ceiling = Math.min(5000, 100 * 2 ** Math.min(retries, 10));
  return Math.round(50 + random() * ceiling);
}

/**
 * Creates a client and starts connecting without waiting: a Redis that is down at start
 * shows as a source that is down (and retried), not as a server that cannot start.
 */
export function openRedis(options: RedisConnectionOptions): RedisClient {
  const client = createRespTwoClient(options);
  // node-redis emits 'error' on every failed reconnect; without a listener the process would crash.
  client.on('error', (error: Error) => options.onError?.(error));
  client.connect().catch((error: Error) => options.onError?.(error));
  return client;
}

/** Reads a flat [name, value, name, value…] reply into a map. */
export function flatPairs(reply: unknown): Map<string, unknown> {
  const map = new Map<string, unknown>();
  if (!Array.isArray(reply)) return map;
  for (let index = 0; index + 1 < reply.length; index += 2) map.set(String(reply[index]), reply[index + 1]);
  return map;
}

/** Resolves once `client` is connected and ready, or rejects after `timeoutMs`. */
export async function whenReady(client: RedisClient, timeoutMs = 2000): Promise<void> {
  if (client.isReady) return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error(`Redis is not reachable (no connection within ${timeoutMs} ms)`));
    }, timeoutMs);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', onReady);
  });
}
